"""Default positions and teams of a fresh site (the role profiles in `policies/roles` share the codes)."""

POSITIONS = {
    "cc-manager": "客户维系中心经理",
    "reception-supervisor": "前台接待主管",
    "aftercare-supervisor": "后期服务主管",
    "callcenter-supervisor": "呼叫中心主管",
    "crm-specialist": "客户关系管理人员",
    "quality-specialist": "客户服务质量管理人员",
    "records-specialist": "客户信息档案管理人员",
    "aftercare-agent": "后期服务人员",
    "key-account-agent": "大客户服务人员",
    "complaint-specialist": "客户投诉管理人员",
    "cs-manager": "客服部经理",
    "cs-supervisor": "客服主管",
    "cs-agent": "客户服务人员",
    "complaint-agent": "客户投诉受理人员",
    "order-agent": "订单受理人员",
    "logistics-desk": "物流客服岗位",
    "underwriting-support": "核保服务支持岗",
}
