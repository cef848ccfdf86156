"""Transcript quality assessment (聊天记录考核): import, sample, score, dispute, ledger."""

from ...resources.qa import DisputeResource, EvaluationResource


def includeme(config):
    config.add_route("qa.index", "/")
    config.add_route("qa.import", "/import")
    config.add_route("qa.sample", "/sample")
    config.add_route("qa.evaluation", "/evaluations/{evaluation_id:\\d{1,9}}", factory=EvaluationResource)
    config.add_route("qa.dispute", "/evaluations/{evaluation_id:\\d{1,9}}/dispute", factory=EvaluationResource)
    config.add_route("qa.dispute_resolve", "/disputes/{dispute_id:\\d{1,9}}/resolve", factory=DisputeResource)
    config.add_route("qa.mine", "/mine")
    config.add_route("qa.ledger", "/ledger")
    config.add_route("qa.ledger_export", "/ledger.{fmt:(csv|xlsx)}")
    config.add_route("qa.rules", "/rules")
