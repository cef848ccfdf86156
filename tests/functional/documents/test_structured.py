"""Duties, situations, phrases, procedures and facts edited as data in the web form."""

import json
import re
import shutil

from cs_handbook.content import DEFAULT_CONTENT_DIRS
from cs_handbook.models.documents import Document
from cs_handbook.scripts.progress import Progress
from cs_handbook.services import documents_files
from tests.conftest import login
from tests.factories import AccountFactory, PositionFactory
from tests.factories_documents import make_document, service

SCRIPTS = {"situations": [
    {"key": "greeting", "title": "问候", "manner": "亲切", "phrases": [
        {"text": "您好，很高兴为您服务！"}, {"text": "喂，干嘛？", "forbidden": True, "note": "不礼貌"}]},
    {"key": "closing", "title": "结束语", "manner": "礼貌", "phrases": [{"text": "感谢您的来电，再见！"}]}]}


class _Request:
    identity = None

    def __init__(self, dbsession):
        self.svc = service(dbsession)

    def find_service(self, cls):
        return self.svc


def _people():
    return {"trainer": AccountFactory(roles=["trainer"]), "reviewer": AccountFactory(roles=["reviewer"]),
            "staff": AccountFactory()}


def _client(testapp, username):
    client = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(client, username)
    return client


def _fresh(dbsession, document_id) -> Document:
    dbsession.rollback()  # a fresh snapshot: the app committed in another connection
    dbsession.expire_all()
    return dbsession.get(Document, document_id)


def encode(name, value) -> list:
    """A value as deform posts it (peppercorn markers around mappings and sequences)."""
    if isinstance(value, dict):
        pairs = [("__start__", f"{name}:mapping")]
        for key, item in value.items():
            pairs += encode(key, item)
        return pairs + [("__end__", f"{name}:mapping")]
    if isinstance(value, list):
        pairs = [("__start__", f"{name}:sequence")]
        for item in value:
            pairs += encode(_ITEM.get(name, name), item)
        return pairs + [("__end__", f"{name}:sequence")]
    if isinstance(value, bool):
        return [(name, "true")] if value else []
    return [(name, str(value))]


_ITEM = {"situations": "situation", "phrases": "phrase", "duties": "duty", "procedures": "procedure",
         "steps": "step", "facts": "fact"}


def _replace(pairs, name, value) -> list:
    """The form's own fields with the top-level sequence `name` replaced by `value`."""
    start = pairs.index(("__start__", f"{name}:sequence"))
    depth = 0
    for end in range(start, len(pairs)):
        key, marker = pairs[end]
        if key == "__start__":
            depth += 1
        elif key == "__end__":
            depth -= 1
            if depth == 0:
                break
    return pairs[:start] + encode(name, value) + pairs[end + 1:]


def _form_pairs(client, document_id):
    form = client.get(f"/handbook/doc/{document_id}/edit").forms["document"]
    return [(k, v) for k, v in form.submit_fields() if k != "submit"] + [("submit", "submit")]


def _save(client, document_id, status=303, comment="改话术", **sequences):
    pairs = _form_pairs(client, document_id)
    for name, value in sequences.items():
        pairs = _replace(pairs, name, value)
    pairs = [(k, comment if k == "comment" else v) for k, v in pairs]
    return client.post(f"/handbook/doc/{document_id}/edit", pairs, status=status)


def _act(client, document_id, action):
    page = client.get(f"/handbook/doc/{document_id}/history")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post(f"/handbook/doc/{document_id}/transition", {"action": action, "comment": "好", "csrf_token": token},
                status=303)


def test_unchanged_web_saves_keep_the_files_byte_for_byte(testapp, dbsession, clock, tmp_path):
    folder = tmp_path / "policies"
    shutil.copytree(DEFAULT_CONTENT_DIRS["policies"], folder)
    request = _Request(dbsession)
    assert not documents_files.load(request, folder, Progress(quiet=True)).errors
    dbsession.commit()
    slugs = ["roles/cs-agent", "scripts/greeting-and-closing", "scripts/forbidden-wording",
             "handbook/relations/callback-levels"]
    before = {s: json.dumps(request.svc.by_slug(s).published_version.data, ensure_ascii=False) for s in slugs}
    ids = {s: request.svc.by_slug(s).id for s in slugs}
    people = _people()
    trainer, reviewer = _client(testapp, people["trainer"].username), _client(testapp, people["reviewer"].username)
    for slug in slugs:
        _save(trainer, ids[slug])
        _act(trainer, ids[slug], "submit")
        _act(reviewer, ids[slug], "approve")
    for slug in slugs:
        document = _fresh(dbsession, ids[slug])
        assert document.published_version.number == 2
        # Same data in the same key order: the drill and the QA check read this shape.
        assert json.dumps(document.published_version.data, ensure_ascii=False) == before[slug], slug
    out = tmp_path / "out"
    documents_files.export(_Request(dbsession), out, Progress(quiet=True))
    for slug in slugs:
        assert (out / f"{slug}.md").read_bytes() == (folder / f"{slug}.md").read_bytes(), slug


def test_script_set_edited_as_data_through_the_working_copy(testapp, dbsession, clock):
    people = _people()
    document = make_document("scripts/greeting", title="问候与结束", data=SCRIPTS)
    trainer = _client(testapp, people["trainer"].username)
    page = trainer.get(f"/handbook/doc/{document.id}/edit")
    assert "喂，干嘛？" in page.text and 'name="forbidden"' in page.text
    situations = [
        # Closing moved first, a forbidden phrase added to it, the greeting's forbidden phrase removed.
        {"key": "closing", "title": "结束语", "manner": "礼貌", "phrases": [
            {"text": "感谢您的来电，再见！", "forbidden": False, "note": ""},
            {"text": "没事我挂了", "forbidden": True, "note": "生硬"}]},
        {"key": "greeting", "title": "问候", "manner": "亲切", "phrases": [
            {"text": "您好，很高兴为您服务！", "forbidden": False, "note": ""}]},
        {"key": "hold", "title": "请稍等", "manner": "", "phrases": [
            {"text": "请您稍等，我马上为您查询。", "forbidden": False, "note": ""}]}]
    _save(trainer, document.id, situations=situations)
    doc = _fresh(dbsession, document.id)
    assert doc.latest_version.number == 2 and doc.published_version.number == 1
    assert doc.latest_version.data["situations"] == [
        {"key": "closing", "title": "结束语", "manner": "礼貌", "phrases": [
            {"text": "感谢您的来电，再见！"}, {"text": "没事我挂了", "forbidden": True, "note": "生硬"}]},
        {"key": "greeting", "title": "问候", "manner": "亲切", "phrases": [{"text": "您好，很高兴为您服务！"}]},
        {"key": "hold", "title": "请稍等", "phrases": [{"text": "请您稍等，我马上为您查询。"}]}]
    staff = _client(testapp, people["staff"].username)
    assert "没事我挂了" not in staff.get("/handbook/read/scripts/greeting").text
    _act(trainer, document.id, "submit")
    _act(_client(testapp, people["reviewer"].username), document.id, "approve")
    page = staff.get("/handbook/read/scripts/greeting")
    assert "<del>没事我挂了</del>" in page.text and "喂，干嘛？" not in page.text
    assert page.text.index("结束语") < page.text.index("请稍等")
    # What changed shows the phrases, not only the text.
    assert "没事我挂了" in staff.get(f"/handbook/doc/{document.id}/diff").text


def test_role_duties_reordered_and_holders_shown(testapp, dbsession, clock):
    position = PositionFactory(code="cs-agent", name="客户服务人员")
    AccountFactory(position=position, display_name="张小红")
    document = make_document("roles/cs-agent", title="客户服务人员", data={
        "position": "cs-agent", "position_name": "客户服务人员", "department": "small",
        "duties": ["受理咨询", "记录工单", "回访客户"]})
    trainer = _client(testapp, _people()["trainer"].username)
    assert "张小红" in trainer.get(f"/handbook/doc/{document.id}/edit").text
    _save(trainer, document.id, duties=["记录工单", "受理咨询", "回访客户", "整理档案"])
    data = _fresh(dbsession, document.id).latest_version.data
    assert data["duties"] == ["记录工单", "受理咨询", "回访客户", "整理档案"]
    assert (data["position"], data["department"]) == ("cs-agent", "small")


def test_procedures_and_facts_on_a_page(testapp, dbsession, clock):
    document = make_document("handbook/basics/flow", data={
        "procedures": [{"key": "flow", "title": "投诉流程", "steps": ["记录", "受理", "反馈"]}],
        "facts": [{"key": "first", "label": "首次响应时限", "value": 60, "unit": "秒"}]})
    trainer = _client(testapp, _people()["trainer"].username)
    _save(trainer, document.id,
          procedures=[{"key": "flow", "title": "投诉流程", "steps": ["记录", "受理", "分析", "反馈"]}],
          facts=[{"key": "first", "label": "首次响应时限", "value": "30", "unit": "秒"},
                 {"key": "share", "label": "抽查比例", "value": "2.5", "unit": "%"}])
    data = _fresh(dbsession, document.id).latest_version.data
    assert data["procedures"][0]["steps"] == ["记录", "受理", "分析", "反馈"]
    # Numbers stay numbers: the drill's "recall the number" items compare them.
    assert [f["value"] for f in data["facts"]] == [30, 2.5]


def _situation(**changes):
    situation = {"key": "greeting", "title": "问候", "manner": "亲切",
                 "phrases": [{"text": "您好！", "forbidden": False, "note": ""}]}
    situation.update(changes)
    return situation


def test_bad_structured_input_is_refused_naming_the_field(testapp, dbsession, clock):
    document = make_document("scripts/greeting", title="问候", data=SCRIPTS)
    role = make_document("roles/cs-agent", title="岗位", data={"position": "cs-agent", "duties": ["受理咨询"]})
    trainer = _client(testapp, _people()["trainer"].username)
    cases = [
        (document, {"situations": [_situation(phrases=[{"text": "  ", "forbidden": True, "note": ""}])]},
         "话术：不能为空。"),
        (document, {"situations": [_situation(key="shouting")]}, "情形：未知的情形“shouting”。"),
        (document, {"situations": [_situation(title="长" * 201)]}, "情形标题：最多 200 个字符。"),
        (document, {"situations": [_situation(phrases=[])]}, "话术：至少添加 1 条。"),
        (document, {"situations": [_situation(), _situation()]}, "情形：每个情形只能出现一次。"),
        (role, {"duties": ["受理咨询", "长" * 1001]}, "职责：最多 1000 个字符。"),
        (role, {"duties": []}, "职责：至少添加 1 条。"),
        (document, {"facts": [{"key": "x", "label": "时限", "value": "六十", "unit": ""}]}, "数值：请填写数字"),
    ]
    for target, sequences, message in cases:
        page = _save(trainer, target.id, status=400, **sequences)
        assert message in page.text, message
    assert _fresh(dbsession, document.id).latest_version.number == 1
    assert _fresh(dbsession, role.id).latest_version.number == 1
