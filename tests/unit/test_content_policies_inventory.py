"""Inventory of the default content in policies/policies, policies/roles and
policies/scripts (CONTENT.md sections 2, 3 and 4).

Reads the Markdown/YAML files directly; does not import the application.
"""
import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"
FOLDERS = ("policies", "roles", "scripts")
KIND_FOLDERS = {"policies", "roles", "scripts", "handbook"}
SEED_IDS = {"000", "001", "002", "003", "004"}

# Characters that only exist in Traditional Chinese (their Simplified forms
# differ), plus the garbled "總結(jié)" pinyin annotation of the seeds.
TRADITIONAL_ONLY = set(
    "們這說會為與經務個來對時後問題還過點體關開應發門員處話語請讓從單號幫"
    "讀歡謝責隨議證資級變總結據樣裡聯繫電標準確認記錄顧戶臺於辦處質貨訊"
    "補價麼禮態錯誤謂產"
)
GARBLE = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")
RAW_HTML = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>")

POSITIONS = {
    # code: (position_name, department, number of duties in the sources)
    "cc-manager": ("客户维系中心经理", "large", 11),
    "reception-supervisor": ("前台接待主管", "large", 4),
    "aftercare-supervisor": ("后期服务主管", "large", 8),
    "callcenter-supervisor": ("呼叫中心主管", "large", 6),
    "crm-specialist": ("客户关系管理人员", "large", 2),
    "quality-specialist": ("客户服务质量管理人员", "large", 4),
    "records-specialist": ("客户信息档案管理人员", "large", 4),
    "aftercare-agent": ("后期服务人员", "large", 5),
    "key-account-agent": ("大客户服务人员", "large", 5),
    "complaint-specialist": ("客户投诉管理人员", "large", 8),
    "cs-manager": ("客服部经理", "small", 5),
    "cs-supervisor": ("客服主管", "small", 7),
    "cs-agent": ("客户服务人员", "small", 5),
    "complaint-agent": ("客户投诉受理人员", "small", 4),
    "order-agent": ("订单受理人员", "small", 5),
    "logistics-desk": ("物流客服岗位", "general", 14),
    "underwriting-support": ("核保服务支持岗", "general", 8),
}

REQUIRED_SITUATIONS = {
    "greeting", "closing", "apology", "hold", "transfer", "escalation",
    "phone-opening", "forbidden", "car-inspection", "repair-handover",
    "after-sales-conduct", "next-step",
}
STANDARD_PHRASES = [
    "您好", "很高兴为您服务", "请问有什么可以帮您", "请稍等", "感谢您的耐心等待",
    "非常抱歉", "给您带来不便", "还有其他可以帮您的吗", "感谢您的来电",
    "感谢您的咨询", "祝您生活愉快", "再见",
]
REQUIRED_FORBIDDEN = [
    "不知道", "不归我管", "你自己看", "这是规定", "没办法", "你听不懂吗", "找别人去",
]

FOUR_ROUTES = [
    ["客服受理", "解决问题", "回复顾客", "问题反馈"],
    ["客服受理", "判定为交易纠纷", "转交投诉专员", "核实处理", "回复顾客", "问题反馈"],
    ["客服受理", "判定为技术故障", "转交技术倾向型客服", "核实处理", "回复顾客", "问题反馈"],
    ["客服受理", "判定为技术故障", "转交技术倾向型客服", "核实处理但无法解决",
     "申报技术部门", "回复顾客", "问题反馈"],
]


def parse(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path}: no front matter"
    end = text.find("\n---\n", 4)
    assert end > 0, f"{path}: front matter not closed"
    meta = yaml.safe_load(text[4:end])
    assert isinstance(meta, dict), f"{path}: front matter is not a mapping"
    return meta, text[end + 5:]


def slug(path):
    return path.relative_to(POLICIES).with_suffix("").as_posix()


def load(folder):
    return {slug(p): (p,) + parse(p) for p in sorted((POLICIES / folder).rglob("*.md"))}


DOCS = {}
for _folder in FOLDERS:
    DOCS.update(load(_folder))
POLICY_DOCS = {k: v for k, v in DOCS.items() if k.startswith("policies/")}
ROLE_DOCS = {k: v for k, v in DOCS.items() if k.startswith("roles/")}
SCRIPT_DOCS = {k: v for k, v in DOCS.items() if k.startswith("scripts/")}


def all_facts(docs):
    out = []
    for _, (path, meta, body) in docs.items():
        out.extend(meta.get("facts") or [])
    return out


def all_procedures(docs):
    out = []
    for _, (path, meta, body) in docs.items():
        out.extend(meta.get("procedures") or [])
    return out


def situations():
    out = []
    for s, (path, meta, body) in SCRIPT_DOCS.items():
        for sit in meta.get("situations") or []:
            out.append((s, sit))
    return out


def norm(text):
    return re.sub(r"[\s，。！？、,.!?；;：:“”\"'…]", "", text)


# ---------------------------------------------------------------- structure

@pytest.mark.parametrize("folder", FOLDERS)
def test_sections_have_section_yaml(folder):
    base = POLICIES / folder
    assert base.is_dir()
    dirs = [base] + [d for d in base.rglob("*") if d.is_dir()]
    for d in dirs:
        f = d / "_section.yaml"
        assert f.is_file(), f"{d} has no _section.yaml"
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        for key in ("title", "order", "summary"):
            assert data.get(key) not in (None, ""), f"{f}: missing {key}"
        assert isinstance(data["order"], int)


def test_documents_found():
    assert 10 <= len(POLICY_DOCS) <= 14, sorted(POLICY_DOCS)
    assert len(ROLE_DOCS) == len(POSITIONS)
    assert len(SCRIPT_DOCS) >= 5


@pytest.mark.parametrize("name", sorted(DOCS))
def test_front_matter(name):
    path, meta, body = DOCS[name]
    for key in ("title", "summary"):
        assert isinstance(meta.get(key), str) and meta[key].strip(), f"{name}: {key}"
    assert isinstance(meta.get("order"), int)
    tags = meta.get("tags")
    assert isinstance(tags, list) and tags and all(isinstance(t, str) and t for t in tags)
    sources = meta.get("sources")
    assert isinstance(sources, list) and sources
    assert all(isinstance(s, str) and s in SEED_IDS for s in sources), sources
    assert "links" not in meta or isinstance(meta["links"], list)
    # body: Markdown with ## headings, no raw HTML, no templating
    assert re.search(r"^## \S", body, re.M), f"{name}: no ## heading"
    assert not re.search(r"^# \S", body, re.M), f"{name}: top-level heading in body"
    assert not RAW_HTML.search(body), f"{name}: raw HTML"
    assert "{{" not in body and "}}" not in body


@pytest.mark.parametrize("name", sorted(DOCS))
def test_procedures_and_facts_shape(name):
    path, meta, body = DOCS[name]
    keys = set()
    for proc in meta.get("procedures") or []:
        assert re.fullmatch(r"[a-z0-9-]+", proc["key"]), proc["key"]
        assert proc["key"] not in keys
        keys.add(proc["key"])
        assert isinstance(proc.get("title"), str) and proc["title"]
        steps = proc.get("steps")
        assert isinstance(steps, list) and len(steps) >= 2
        assert all(isinstance(s, str) and s for s in steps)
        assert len(set(steps)) == len(steps), f"{name}: repeated step in {proc['key']}"
    for fact in meta.get("facts") or []:
        assert re.fullmatch(r"[a-z0-9-]+", fact["key"]), fact["key"]
        assert fact["key"] not in keys
        keys.add(fact["key"])
        assert isinstance(fact.get("label"), str) and fact["label"]
        assert isinstance(fact.get("unit"), str) and fact["unit"]
        value = fact.get("value")
        assert isinstance(value, (int, float)) and not isinstance(value, bool), fact


def test_links_resolve():
    for name, (path, meta, body) in DOCS.items():
        for link in meta.get("links") or []:
            assert link.split("/")[0] in FOLDERS, f"{name}: link outside own folders: {link}"
            assert link != name, f"{name}: links to itself"
            assert (POLICIES / f"{link}.md").is_file(), f"{name}: broken link {link}"


def test_simplified_chinese_only():
    files = [p for f in FOLDERS for p in (POLICIES / f).rglob("*") if p.is_file()]
    for path in files:
        text = path.read_text(encoding="utf-8")
        bad = sorted(set(text) & TRADITIONAL_ONLY)
        assert not bad, f"{path}: Traditional characters {bad}"
        assert not GARBLE.search(text), f"{path}: pinyin garbling {GARBLE.search(text).group()}"
        assert "胜捷" not in text and "大金龙" not in text, f"{path}: company name not generalised"


# ---------------------------------------------------------------- policies

def facts_of(slug_):
    meta = POLICY_DOCS[slug_][1]
    return {f["key"]: (f["value"], f["unit"]) for f in meta.get("facts") or []}


def find_policy(keyword):
    hits = [s for s, (_, m, b) in POLICY_DOCS.items() if keyword in m["title"]]
    assert hits, f"no policy page titled with {keyword}"
    return hits[0]


def test_first_contact_ownership():
    s = find_policy("首问负责制")
    assert POLICY_DOCS[s][1].get("procedures")


def test_sixty_second_response_and_standard_scripts():
    facts = all_facts(POLICY_DOCS)
    assert any(f["value"] == 60 and f["unit"] == "秒" for f in facts)
    s = find_policy("60秒")
    f = facts_of(s)
    assert f["standard-greeting-count"][0] == 1
    assert f["standard-closing-count"][0] == 1
    body = POLICY_DOCS[s][2]
    for word in ("统一", "问候语", "结束语", "话术", "问答库"):
        assert word in body


def test_four_issue_routes_are_procedures():
    procs = [p["steps"] for p in all_procedures(POLICY_DOCS)]
    for route in FOUR_ROUTES:
        assert route in procs, f"route missing: {route}"
    s = find_policy("四条问题处理路线")
    assert facts_of(s)["route-count"][0] == 4


def test_service_log_and_weekly_rotation():
    s = find_policy("客服日志")
    f = facts_of(s)
    assert f["rotation-people"] == (1, "人")
    assert f["rotation-period"] == (1, "周")


def test_transcript_points_ledger():
    s = find_policy("聊天记录透明考核")
    f = facts_of(s)
    expected = {
        "transcripts-per-day": (20, "条"),
        "failing-per-point": (4, "条"),
        "point-deducted": (1, "分"),
        "working-days": (26, "天"),
        "full-score": (26, "分"),
        "cut-50-threshold": (20, "分"),
        "cut-50-amount": (50, "元"),
        "cut-100-threshold": (15, "分"),
        "cut-100-amount": (100, "元"),
        "void-threshold": (12, "分"),
        "criteria-count": (7, "项"),
    }
    for key, value in expected.items():
        assert f.get(key) == value, (key, f.get(key))
    body = POLICY_DOCS[s][2]
    for criterion in ("问候语", "结束语", "服务态度", "服务用语", "业务知识",
                      "响应是否及时", "处理是否清晰及时"):
        assert criterion in body, criterion
    assert "额外奖金" in body


def test_periodic_evaluation():
    s = find_policy("定期考核")
    body = POLICY_DOCS[s][2]
    for word in ("月度考核", "季度", "服务质量卡", "月度自评", "部门互评", "准确度", "投诉次数"):
        assert word in body, word
    assert facts_of(s)["evaluation-kinds"][0] == 4


def test_daily_rules_every_item():
    s = find_policy("六不走")
    body = POLICY_DOCS[s][2]
    f = facts_of(s)
    assert f["six-donts"][0] == 6 and f["five-nones"][0] == 5 and f["four-comparisons"][0] == 4
    six = ("卫生", "物品摆放", "账款", "记录", "交接班", "安全措施")
    five = ("垃圾", "污迹", "蜘蛛网", "乱堆乱码", "非工作人员")
    four = ("比**服务质量", "比**服务态度", "比**仪表仪容", "比**业务熟练")
    conduct = ("工衣", "工牌", "微笑", "普通话", "耐心", "一视同仁")
    for word in six + five + four + conduct:
        assert word in body, word
    section = body.split("## 六不走", 1)[1].split("## ", 1)[0]
    assert len(re.findall(r"^\d+\. ", section, re.M)) == 6
    section = body.split("## 五无", 1)[1].split("## ", 1)[0]
    assert len(re.findall(r"^\d+\. ", section, re.M)) == 5


def test_confidentiality_and_conduct():
    s = find_policy("保密")
    body = POLICY_DOCS[s][2]
    for word in ("隐私", "个人信息", "商业机密", "供货商", "职业操守", "公平"):
        assert word in body, word


def test_after_sales_standards():
    s = find_policy("售后服务标准")
    f = facts_of(s)
    assert f["reply-within"] == (24, "小时")
    body = POLICY_DOCS[s][2]
    for word in ("不准顶撞", "争吵", "耐心", "汇报", "24 小时内回复", "三包申请表"):
        assert word in body, word


def test_department_organisation():
    s = find_policy("组织设计")
    body = POLICY_DOCS[s][2]
    for word in ("分工协作", "统一指挥", "管理幅度", "责权对等", "集权与分权",
                 "执行与监督分设", "协调有效", "大型企业", "中小型企业"):
        assert word in body, word
    assert facts_of(s)["design-principles"][0] == 7
    steps = {p["key"]: p["steps"] for p in POLICY_DOCS[s][1]["procedures"]}
    assert len(steps["design-steps"]) == 4

    s = find_policy("七项职责")
    f = facts_of(s)
    assert f["sub-goals"][0] == 6 and f["department-duties"][0] == 7
    body = POLICY_DOCS[s][2]
    goals = body.split("## 六个分目标", 1)[1].split("## ", 1)[0]
    assert len(re.findall(r"^\d+\. ", goals, re.M)) == 6
    duties = body.split("## 七项职责", 1)[1].split("## ", 1)[0]
    assert len(re.findall(r"^\d+\. ", duties, re.M)) == 7
    for word in ("制度", "标准", "客户信息", "客户关系", "服务质量", "投诉", "售后"):
        assert word in duties, word


def test_incentives_and_development():
    s = find_policy("激励")
    f = facts_of(s)
    assert f["development-period"] == (6, "个月")
    assert f["excellent-agents-min"][0] == 2 and f["excellent-agents-max"][0] == 3
    body = POLICY_DOCS[s][2]
    for word in ("公开表彰", "奖金", "外出培训", "重点客户"):
        assert word in body, word


# ---------------------------------------------------------------- roles

@pytest.mark.parametrize("code", sorted(POSITIONS))
def test_role_profile(code):
    name, department, count = POSITIONS[code]
    path = POLICIES / "roles" / f"{code}.md"
    assert path.is_file(), f"missing role file {path}"
    meta, body = parse(path)
    assert meta["position"] == code
    assert meta["position_name"] == name
    assert meta["department"] == department
    duties = meta["duties"]
    assert isinstance(duties, list)
    assert len(duties) == count, f"{code}: {len(duties)} duties, sources give {count}"
    assert all(isinstance(d, str) and len(d) >= 4 for d in duties)
    assert len(set(duties)) == len(duties)
    for heading in ("## 岗位简介", "## 汇报关系", "## 新人先学什么"):
        assert heading in body, f"{code}: missing {heading}"


def test_no_unknown_role_files():
    files = {p.stem for p in (POLICIES / "roles").glob("*.md")}
    assert files == set(POSITIONS)


# ---------------------------------------------------------------- scripts

def test_script_situations_cover_required_keys():
    keys = [sit["key"] for _, sit in situations()]
    assert len(keys) == len(set(keys)), "situation keys repeated across script sets"
    missing = REQUIRED_SITUATIONS - set(keys)
    assert not missing, missing


def test_each_situation_shape():
    for name, sit in situations():
        assert re.fullmatch(r"[a-z0-9-]+", sit["key"])
        assert isinstance(sit.get("title"), str) and sit["title"], sit["key"]
        assert isinstance(sit.get("manner"), str) and sit["manner"].strip(), sit["key"]
        phrases = sit.get("phrases")
        assert isinstance(phrases, list) and 4 <= len(phrases) <= 10, (sit["key"], len(phrases))
        for ph in phrases:
            assert set(ph) <= {"text", "forbidden", "note"}, ph
            assert isinstance(ph["text"], str) and ph["text"].strip()
            if ph.get("forbidden"):
                assert ph["forbidden"] is True
                assert isinstance(ph.get("note"), str) and ph["note"].strip(), ph["text"]


def test_manners():
    manner = {sit["key"]: sit["manner"] for _, sit in situations()}
    for word in ("亲切", "礼貌", "热情", "自然"):
        assert word in manner["greeting"]
    for word in ("真诚", "温和", "倾听", "谅解"):
        assert word in manner["apology"]


def test_forbidden_wording_flagged():
    for _, sit in situations():
        if sit["key"].startswith("forbidden"):
            for ph in sit["phrases"]:
                assert ph.get("forbidden") is True and ph.get("note"), ph
    forbidden = [ph["text"] for _, sit in situations() for ph in sit["phrases"] if ph.get("forbidden")]
    for text in REQUIRED_FORBIDDEN:
        assert text in forbidden, text
    allowed = [ph["text"] for _, sit in situations() for ph in sit["phrases"] if not ph.get("forbidden")]
    for bad in forbidden:
        for good in allowed:
            assert norm(bad) not in norm(good), f"recommended phrase contains forbidden wording: {good}"


def test_standard_phrases_present():
    allowed = [ph["text"] for _, sit in situations() for ph in sit["phrases"] if not ph.get("forbidden")]
    for phrase in STANDARD_PHRASES:
        assert any(phrase in text for text in allowed), phrase


def test_phone_opening_pattern():
    sit = next(sit for _, sit in situations() if sit["key"] == "phone-opening")
    assert all(ph["text"].startswith(("您好", "早上好")) for ph in sit["phrases"])
    assert all("本公司" in ph["text"] for ph in sit["phrases"])


def test_next_step_pairs():
    sit = next(sit for _, sit in situations() if sit["key"] == "next-step")
    phrases = sit["phrases"]
    pairs = 0
    for i, ph in enumerate(phrases):
        if ph.get("forbidden"):
            assert i + 1 < len(phrases) and not phrases[i + 1].get("forbidden"), ph["text"]
            better = phrases[i + 1]["text"]
            assert re.search(r"[前内]|\d|[一二两三四五六七八九十]+(点|分钟|小时|天)", better), better
            pairs += 1
    assert pairs >= 3
