"""Inventory of the default service handbook (policies/handbook/).

Reads the Markdown files and their YAML front matter directly (no app import)
and checks that every topic of section 1 of the content inventory
(/work/shared/CONTENT.md, "Service handbook") is covered, with its key steps
and numbers present in the `procedures` and `facts` front-matter keys that feed
the daily drill.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"
HANDBOOK = POLICIES / "handbook"

SEED_IDS = {"000", "001", "002", "003", "004"}
ASCII_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SLUG_PART = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HAN = re.compile(r"[\u4e00-\u9fff]")

# Characters that only exist in Traditional Chinese (their Simplified forms
# differ); the seeds mix scripts and the content must be Simplified.
TRADITIONAL_ONLY = "們這說會為與經務際點對關係還應來時問題過個於戶總結業據將設計資訊處圖車並後級單價報協議護區網聯數據"
# Garbled seed form: a character followed by its pinyin in brackets, e.g. 總結(jié).
PINYIN_ANNOTATION = re.compile(r"[（(]\s*[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\s*[)）]")


@dataclass
class Page:
    slug: str
    path: Path
    meta: dict
    body: str

    @property
    def title(self) -> str:
        return self.meta.get("title", "")

    @property
    def text(self) -> str:
        """Everything a reader sees: title, summary, body."""
        return "\n".join([self.title, self.meta.get("summary", ""), self.body])


def _split_front_matter(path: Path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path}: must start with a '---' front matter line"
    end = text.find("\n---\n", 4)
    assert end != -1, f"{path}: front matter is not closed by a '---' line"
    meta = yaml.safe_load(text[4:end])
    assert isinstance(meta, dict), f"{path}: front matter must be a mapping"
    return meta, text[end + len("\n---\n"):]


def _load_pages():
    pages = {}
    for path in sorted(HANDBOOK.rglob("*.md")):
        slug = path.relative_to(POLICIES).with_suffix("").as_posix()
        meta, body = _split_front_matter(path)
        pages[slug] = Page(slug, path, meta, body)
    return pages


@pytest.fixture(scope="module")
def pages():
    loaded = _load_pages()
    assert loaded, "no handbook pages found under policies/handbook"
    return loaded


# --------------------------------------------------------------------- helpers


def find_page(pages, slug_part=None, title_part=None) -> Page:
    """The page whose slug contains slug_part or whose title contains title_part."""
    for page in pages.values():
        if slug_part and slug_part in page.slug:
            return page
        if title_part and title_part in page.title:
            return page
    pytest.fail(f"no handbook page for slug~{slug_part!r} / title~{title_part!r}")


def all_procedures(pages):
    for page in pages.values():
        for proc in page.meta.get("procedures") or []:
            yield page, proc


def all_facts(pages):
    for page in pages.values():
        for fact in page.meta.get("facts") or []:
            yield page, fact


def procedure_with_steps(pages, expected):
    """A procedure whose steps are exactly `expected`, in order."""
    for page, proc in all_procedures(pages):
        if list(proc.get("steps") or []) == list(expected):
            return page, proc
    pytest.fail(f"no procedure with steps {expected}")


def procedure_matching(pages, keywords, exact_len=True):
    """A procedure with one step per keyword, in order, each step containing its keyword."""
    for page, proc in all_procedures(pages):
        steps = list(proc.get("steps") or [])
        if exact_len and len(steps) != len(keywords):
            continue
        pos = 0
        for word in keywords:
            while pos < len(steps) and word not in steps[pos]:
                pos += 1
            if pos == len(steps):
                break
            pos += 1
        else:
            return page, proc
    pytest.fail(f"no procedure whose steps contain, in order: {keywords}")


def fact(pages, value, unit, *label_words, slug_part=None):
    """A fact with this value and unit whose label contains every label word."""
    for page, item in all_facts(pages):
        if slug_part and slug_part not in page.slug:
            continue
        if (item.get("value") == value and item.get("unit") == unit
                and all(w in item.get("label", "") for w in label_words)):
            return page, item
    pytest.fail(f"no fact {value} {unit} with label containing {label_words}")


def assert_mentions(page: Page, *words):
    missing = [w for w in words if w not in page.text]
    assert not missing, f"{page.slug}: does not mention {missing}"


# ------------------------------------------------------------- format checks


def test_page_count(pages):
    assert 18 <= len(pages) <= 30, f"expected roughly 18-25 handbook pages, found {len(pages)}"


def test_sections_have_valid_section_yaml(pages):
    folders = {page.path.parent for page in pages.values()}
    for folder in folders:
        section = folder / "_section.yaml"
        assert section.is_file(), f"{folder}: missing _section.yaml"
        data = yaml.safe_load(section.read_text(encoding="utf-8"))
        assert isinstance(data, dict), f"{section}: must be a mapping"
        assert isinstance(data.get("title"), str) and HAN.search(data["title"]), f"{section}: title"
        assert isinstance(data.get("order"), int), f"{section}: order must be an integer"
        assert isinstance(data.get("summary"), str) and data["summary"].strip(), f"{section}: summary"
    for section in HANDBOOK.rglob("_section.yaml"):
        assert yaml.safe_load(section.read_text(encoding="utf-8")), f"{section}: empty"


def test_slugs_are_short_ascii(pages):
    for slug in pages:
        parts = slug.split("/")
        assert parts[0] == "handbook"
        assert len(parts) == 3, f"{slug}: pages live in one section folder under handbook/"
        for part in parts[1:]:
            assert SLUG_PART.match(part), f"{slug}: '{part}' is not lowercase ascii with hyphens"


def test_front_matter_required_keys_and_types(pages):
    for page in pages.values():
        meta, where = page.meta, page.slug
        assert isinstance(meta.get("title"), str) and HAN.search(meta["title"]), f"{where}: title"
        assert isinstance(meta.get("summary"), str) and len(meta["summary"].strip()) >= 10, f"{where}: summary"
        assert isinstance(meta.get("order", 100), int), f"{where}: order must be an integer"
        sources = meta.get("sources")
        assert isinstance(sources, list) and sources, f"{where}: sources must be a non-empty list"
        assert all(isinstance(s, str) and s in SEED_IDS for s in sources), \
            f"{where}: sources must be seed ids {sorted(SEED_IDS)}"
        tags = meta.get("tags", [])
        assert isinstance(tags, list) and all(isinstance(t, str) and t for t in tags), f"{where}: tags"
        assert isinstance(meta.get("links", []), list), f"{where}: links must be a list"
        unknown = set(meta) - {"title", "order", "summary", "tags", "links", "sources", "procedures", "facts"}
        assert not unknown, f"{where}: unknown front matter keys {unknown}"


def test_procedures_are_well_formed(pages):
    for page in pages.values():
        procs = page.meta.get("procedures") or []
        assert isinstance(procs, list), f"{page.slug}: procedures must be a list"
        keys = [p.get("key") for p in procs]
        assert len(keys) == len(set(keys)), f"{page.slug}: duplicate procedure keys"
        for proc in procs:
            assert isinstance(proc.get("key"), str) and ASCII_KEY.match(proc["key"]), \
                f"{page.slug}: procedure key {proc.get('key')!r}"
            assert isinstance(proc.get("title"), str) and HAN.search(proc["title"]), f"{page.slug}: procedure title"
            steps = proc.get("steps")
            assert isinstance(steps, list) and len(steps) >= 2, f"{page.slug}/{proc['key']}: at least two steps"
            assert all(isinstance(s, str) and s.strip() for s in steps), \
                f"{page.slug}/{proc['key']}: steps must be text"
            assert len(steps) == len(set(steps)), f"{page.slug}/{proc['key']}: duplicate steps"


def test_facts_are_well_formed(pages):
    for page in pages.values():
        facts = page.meta.get("facts") or []
        assert isinstance(facts, list), f"{page.slug}: facts must be a list"
        keys = [f.get("key") for f in facts]
        assert len(keys) == len(set(keys)), f"{page.slug}: duplicate fact keys"
        for item in facts:
            assert isinstance(item.get("key"), str) and ASCII_KEY.match(item["key"]), \
                f"{page.slug}: fact key {item.get('key')!r}"
            assert isinstance(item.get("label"), str) and HAN.search(item["label"]), f"{page.slug}: fact label"
            value = item.get("value")
            assert isinstance(value, (int, float)) and not isinstance(value, bool), \
                f"{page.slug}/{item['key']}: value must be a number"
            assert isinstance(item.get("unit"), str) and item["unit"].strip(), f"{page.slug}/{item['key']}: unit"


def test_links_point_to_existing_documents(pages):
    for page in pages.values():
        for link in page.meta.get("links") or []:
            assert isinstance(link, str) and not link.endswith(".md"), f"{page.slug}: link {link!r} must be a slug"
            assert link != page.slug, f"{page.slug}: links to itself"
            assert (POLICIES / f"{link}.md").is_file(), f"{page.slug}: link {link!r} has no file under policies/"


def test_bodies_are_inert_markdown(pages):
    for page in pages.values():
        body = page.body
        assert body.strip(), f"{page.slug}: empty body"
        for line in body.splitlines():
            assert not re.match(r"^#\s", line), f"{page.slug}: headings start at ##"
        assert "##" in body, f"{page.slug}: body should be organised with ## headings"
        assert not re.search(r"</?[A-Za-z!][^>]*>", body), f"{page.slug}: raw HTML"
        assert "![" not in body, f"{page.slug}: images are not allowed"
        for marker in ("{{", "}}", "{%", "%}"):
            assert marker not in page.path.read_text(encoding="utf-8"), f"{page.slug}: template syntax {marker!r}"


def test_page_length(pages):
    for page in pages.values():
        count = len(HAN.findall(page.body))
        assert 400 <= count <= 1500, f"{page.slug}: {count} Chinese characters, expected 400-1500"


def test_every_page_has_a_new_hire_box(pages):
    for page in pages.values():
        assert re.search(r"^> \*\*(要点|新人须知)\*\*", page.body, re.M), f"{page.slug}: missing 要点/新人须知 box"


def test_simplified_chinese_only(pages):
    files = list(HANDBOOK.rglob("*.md")) + list(HANDBOOK.rglob("_section.yaml"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        found = sorted({ch for ch in text if ch in TRADITIONAL_ONLY})
        assert not found, f"{path}: Traditional-only characters {found}"
        annotation = PINYIN_ANNOTATION.search(text)
        assert annotation is None, f"{path}: garbled pinyin annotation {annotation.group(0)!r}"


def test_no_company_names_from_seeds(pages):
    for page in pages.values():
        for name in ("大金龙", "勝捷", "胜捷", "泗阳", "广发", "HTY", "金龙"):
            assert name not in page.text, f"{page.slug}: mentions seed company {name!r}; use 本公司"


# ---------------------------------------------- section 1 topics, one by one


def test_topic01_what_customer_service_is(pages):
    page = find_page(pages, "basics/what-is-service", "什么是客户服务")
    assert_mentions(page, "以客户为导向", "成本", "客户界面", "满意度", "感知", "期望")
    sat = find_page(pages, "basics/satisfaction", "满意度")
    assert_mentions(sat, "感知", "期望", "差距")


def test_topic02_three_phases(pages):
    procedure_with_steps(pages, ["售前服务", "售中服务", "售后服务"])
    procedure_with_steps(pages, ["前期服务", "进程中服务", "后期服务"])
    page = find_page(pages, "basics/three-phases", "三个阶段")
    assert_mentions(page, "市场调查", "产品设计", "说明书", "咨询", "接待", "包装", "维修", "护理")
    fact(pages, 3, "个", "环节")


def test_topic03_process_design_six_steps(pages):
    page, proc = procedure_matching(pages, ["客户的角度", "搜集", "分析", "设立", "修订", "流程图"])
    assert page.slug == "handbook/process-design/six-steps"
    procedure_with_steps(pages, ["服务内容", "服务方式", "服务期限"])
    procedure_matching(pages, ["基础性资料", "案例", "现场", "问卷", "跟踪"])
    procedure_matching(pages, ["时间", "费用", "质量", "绩效"])
    fact(pages, 6, "步", "流程设计")
    fact(pages, 5, "种", "搜集")
    fact(pages, 4, "个", "系统分析")
    detail = find_page(pages, "process-design/gather-and-analyse", "搜集与分析")
    assert_mentions(detail, "深度访谈", "一线", "资料分析", "系统分析")


def test_topic04_service_advisor_eight_steps(pages):
    page, _ = procedure_with_steps(
        pages, ["预约", "接待", "打印工单", "实时监控", "终检", "交车说明", "送客", "信息反馈"]
    )
    assert page.slug.startswith("handbook/advisor-workflow/")
    fact(pages, 8, "步", "服务顾问")
    fact(pages, 7, "分钟", "问诊")
    fact(pages, 10, "%", "估算")
    fact(pages, 30, "分钟", "当天取车")
    fact(pages, 1, "天", "隔天取车")
    # the five confirmations on the work order
    procedure_matching(pages, ["项目", "费用", "时间", "旧件", "洗车"])
    fact(pages, 5, "项", "确认")
    # hidden faults: explain, then the customer decides
    _, hidden = procedure_matching(pages, ["原因", "损害", "时间", "暂缓", "客户决定"])
    assert "客户决定" in hidden["steps"][-1]
    reception = find_page(pages, "advisor-workflow/reception", "接待")
    assert_mentions(reception, "7 分钟", "三件套", "当着客户的面", "贵重物品", "技术支持")
    handover = find_page(pages, "advisor-workflow/handover", "交车")
    assert_mentions(handover, "三分接车，七分交车", "交车说明单", "大门口", "撤掉三件套")


def test_topic05_key_account_information_principles(pages):
    page, _ = procedure_with_steps(pages, ["动态管理", "突出重点", "灵活运用", "专人负责"])
    assert "大客户" in page.title
    fact(pages, 4, "条", "大客户")


def test_topic06_gartner_seven_processes(pages):
    page, proc = procedure_matching(pages, ["社区", "智能对话", "分析", "坐席", "自助", "反馈", "统一通信"])
    assert "Gartner" in page.title and "Gartner" in proc["title"]
    fact(pages, 7, "个", "Gartner")
    assert_mentions(page, "呼叫中心", "多渠道")


def test_topic07_logistics_customer_service(pages):
    special = find_page(pages, "logistics/what-is-special", "物流客户服务的特点")
    assert_mentions(special, "被动", "主动", "滞后", "超前", "单一", "多样", "第三方", "回单")
    meetings = find_page(pages, "logistics/assessment-and-meetings", "座谈会")
    fact(pages, 9, "类", "评估")
    fact(pages, 100, "条", "评估")
    fact(pages, 1, "次", "座谈会")
    assert_mentions(meetings, "书面会议纪要", "整改措施", "进度", "每月", "每天或每周",
                    "紧急会议", "快速反应", "客户立场")
    procedure_matching(pages, ["快速响应", "诚意", "客户立场"])


def test_topic08_standardisation_nightmare(pages):
    page = find_page(pages, "complaints/standardisation", "标准化")
    assert_mentions(page, "噩梦", "时限", "授权", "运营流程", "客户立场", "反馈")
    procedure_matching(pages, ["客户立场", "目标", "时限", "授权", "运营流程"])
    fact(pages, 3, "个", "噩梦")


def test_topic09_leaky_bucket_and_complaint_mechanism(pages):
    bucket = find_page(pages, "complaints/leaky-bucket", "漏斗")
    assert_mentions(bucket, "银行", "流失", "礼物", "不投诉")
    page, _ = procedure_with_steps(pages, ["记录", "受理", "分析", "处理", "反馈"])
    assert page.slug.startswith("handbook/complaints/")
    assert_mentions(page, "客户服务中心", "柜台面诉", "投诉电话", "客户回访", "挽回", "责任人")
    procedure_with_steps(pages, ["惩处责任人", "总结教训", "内部整改", "完善管理"])
    fact(pages, 5, "个", "投诉处理流程")
    fact(pages, 3, "种", "渠道")


def test_topic10_after_sales_service(pages):
    scope = find_page(pages, "after-sales/scope", "售后服务的内容")
    assert_mentions(scope, "保修期内", "免费", "保修期外", "报价", "安装调试", "培训", "走访")
    fact(pages, 5, "项", "售后服务")
    standards = find_page(pages, "after-sales/standards", "售后服务标准")
    assert_mentions(standards, "顶撞", "争吵", "耐心", "汇报", "24 小时内回复", "约定的时间")
    fact(pages, 24, "小时", "回复")
    sanbao = find_page(pages, "after-sales/three-guarantees", "三包")
    assert_mentions(sanbao, "三包申请表", "鉴定", "批准")
    procedure_matching(pages, ["明确", "鉴定", "三包申请表", "批准", "反馈"])


def test_topic11_call_back_system(pages):
    fact(pages, 7, "天", "7DC")
    fact(pages, 10, "天", "二级网点")
    fact(pages, 3, "天", "3DC")
    fact(pages, 5, "天", "3DC")
    fact(pages, 1, "次", "二级")
    fact(pages, 1, "个季度", "三级")
    fact(pages, 7, "天", "生日")
    fact(pages, 2, "天", "生日")
    fact(pages, 1, "周", "提醒")
    level1 = find_page(pages, "relations/callbacks", "7DC")
    assert_mentions(level1, "问卷", "打分", "日报", "周报", "月")
    procedure_matching(pages, ["名单", "回访", "打分", "档案", "日报", "周报", "每月"])
    levels = find_page(pages, "relations/callback-levels", "三级回访")
    assert_mentions(levels, "每月", "抽样", "总经理办公室", "季度", "大修", "事故", "VIP")
    procedure_matching(pages, ["一级", "二级", "三级"])
    care = find_page(pages, "relations/greetings-reminders", "生日")
    assert_mentions(care, "2 至 7 天", "新年", "中秋", "保养", "年审", "续保", "提前一周")


def test_topic12_customer_files(pages):
    page = find_page(pages, "relations/customer-files", "客户档案")
    fact(pages, 2, "个工作日", "交付")
    fact(pages, 1, "个工作日", "维修")
    fact(pages, 2, "份", "一车两档")
    assert_mentions(page, "一车两档", "购车合同", "结算清单", "季度", "日期", "车架号", "姓名", "车牌号")
    procedure_matching(pages, ["销售文员", "车管", "客户服务部", "回访管理单", "归档"])
    procedure_matching(pages, ["售后前台", "1 个工作日", "市场客服部", "回访管理单", "归档"])


def test_topic13_service_information_centre_five_flows(pages):
    page, _ = procedure_with_steps(pages, ["信息输入输出流", "工作程序流", "产品配件流", "资金服务流", "质量分析流"])
    assert page.slug.startswith("handbook/process-design/")
    fact(pages, 5, "条", "信息流")
    assert_mentions(page, "技术鉴定单", "不良品", "结算", "故障代码")


def test_topic14_customer_care_activities(pages):
    page = find_page(pages, "relations/care-activities", "客户关怀活动")
    assert_mentions(page, "讲座", "联谊会", "自驾游", "CS", "忠诚度", "流失分析")
    fact(pages, 4, "种", "分析")


def test_every_topic_page_cites_its_seed(pages):
    expected = {
        "handbook/basics/what-is-service": {"001", "003"},
        "handbook/basics/three-phases": {"001", "003"},
        "handbook/process-design/six-steps": {"001"},
        "handbook/advisor-workflow/overview": {"001"},
        "handbook/relations/key-account-info": {"001"},
        "handbook/process-design/gartner-seven": {"001"},
        "handbook/logistics/what-is-special": {"000"},
        "handbook/complaints/standardisation": {"000"},
        "handbook/complaints/leaky-bucket": {"000"},
        "handbook/after-sales/scope": {"002"},
        "handbook/relations/callbacks": {"002"},
        "handbook/relations/customer-files": {"002"},
        "handbook/process-design/info-centre-flows": {"000"},
        "handbook/relations/care-activities": {"002"},
    }
    for slug, seeds in expected.items():
        assert slug in pages, f"missing page {slug}"
        assert seeds <= set(pages[slug].meta["sources"]), f"{slug}: sources should include {sorted(seeds)}"
