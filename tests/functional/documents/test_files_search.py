"""Content files (load/export round trip, conflict, bad files), search recall and XSS."""

import re
import shutil
from pathlib import Path

from markupsafe import escape

from cs_handbook.content import DEFAULT_CONTENT_DIRS
from cs_handbook.scripts.progress import Progress
from cs_handbook.services import documents_files
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_documents import make_document, service


class _Request:
    identity = None

    def __init__(self, dbsession):
        self.svc = service(dbsession)

    def find_service(self, cls):
        return self.svc


def _copy_policies(tmp_path) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(DEFAULT_CONTENT_DIRS["policies"], target)
    return target


def test_load_export_round_trip_on_real_files(dbsession, tmp_path):
    folder = _copy_policies(tmp_path)
    request = _Request(dbsession)
    report = documents_files.load(request, folder, Progress(quiet=True))
    assert not report.errors and report.created > 10
    out = tmp_path / "out"
    documents_files.export(request, out, Progress(quiet=True))
    originals = sorted(p for p in folder.rglob("*") if p.is_file() and p.name.lower() != "readme.md")
    assert len(originals) > 60
    for path in originals:
        exported = out / path.relative_to(folder)
        # The very bytes of the file: no canonical re-rendering on either side.
        assert exported.read_bytes() == path.read_bytes(), path
    again = documents_files.load(request, out, Progress(quiet=True))
    assert again.created == 0 and again.updated == 0 and not again.conflicts


def test_changed_file_new_version_and_web_edit_conflict(dbsession, tmp_path):
    folder = tmp_path / "policies"
    (folder / "policies").mkdir(parents=True)
    page = folder / "policies" / "rule.md"
    page.write_text("---\ntitle: 规则\nsummary: 摘要\nsources: ['001']\n---\n\n原文\n", encoding="utf-8")
    request = _Request(dbsession)
    assert documents_files.load(request, folder, Progress(quiet=True)).created == 1
    assert documents_files.load(request, folder, Progress(quiet=True)).unchanged == 1
    page.write_text("---\ntitle: 规则\nsummary: 摘要\nsources: ['001']\n---\n\n新文\n", encoding="utf-8")
    assert documents_files.load(request, folder, Progress(quiet=True)).updated == 1
    document = request.svc.by_slug("policies/rule")
    assert document.published_version.body_md == "新文" and document.published_version.number == 2
    request.svc.save(document, base_version_id=document.latest_version_id, title="规则", body_md="网页修改")
    page.write_text("---\ntitle: 规则\nsummary: 摘要\nsources: ['001']\n---\n\n文件修改\n", encoding="utf-8")
    report = documents_files.load(request, folder, Progress(quiet=True))
    assert report.conflicts and "policies/rule.md" in report.conflicts[0]
    assert document.latest_version.body_md == "网页修改"


def test_invalid_front_matter_names_file_and_line(dbsession, tmp_path):
    folder = tmp_path / "policies"
    (folder / "policies").mkdir(parents=True)
    (folder / "policies" / "bad.md").write_text("---\ntitle: 规则\nsummary: [unclosed\nsources: []\n---\n",
                                                encoding="utf-8")
    report = documents_files.load(_Request(dbsession), folder, Progress(quiet=True))
    assert report.errors and report.errors[0].startswith("policies/bad.md:")
    assert report.errors[0].split(":")[1] in {"3", "4", "5"}


# Labelled queries: each must find the document of its label (2-, 3- and 4-character words).
CORPUS = {
    "handbook/basics/complaints": ("投诉处理流程", "客户投诉时先记录再受理，然后分析、处理并反馈结果。"),
    "handbook/basics/greeting": ("电话礼仪", "接听电话时先问候客户，语气亲切自然，报出工号。"),
    "handbook/basics/records": ("档案管理", "客户信息档案应当及时更新并妥善保密。"),
}
QUERIES = [("投诉", "handbook/basics/complaints"), ("反馈", "handbook/basics/complaints"),
           ("问候", "handbook/basics/greeting"), ("工号", "handbook/basics/greeting"),
           ("保密", "handbook/basics/records"), ("客户信息", "handbook/basics/records"),
           ("处理流程", "handbook/basics/complaints"), ("电话", "handbook/basics/greeting")]


def test_search_recall_and_highlight(testapp, dbsession, clock):
    for slug, (title, body) in CORPUS.items():
        make_document(slug, title=title, body=body)
    make_document("handbook/basics/hidden", title="投诉草稿", body="投诉", publish=False)
    staff = AccountFactory()
    login(testapp, staff.username)
    for query, slug in QUERIES:
        page = testapp.get("/handbook/search", {"q": query})
        assert f"/handbook/read/{slug}" in page.text, query
        assert "basics/hidden" not in page.text
    page = testapp.get("/handbook/search", {"q": "投诉"})
    assert "<mark>投诉</mark>" in page.text
    assert "/handbook/read/" not in testapp.get("/handbook/search", {"q": "投诉", "kind": "policy"}).text


XSS = ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "[点我](javascript:alert(1))", "{{7*7}}"]


def test_xss_is_inert(testapp, dbsession, clock):
    for index, payload in enumerate(XSS):
        make_document(f"handbook/basics/x{index}", title=f"标题{payload}", body=f"正文 {payload}", tags=(payload,))
    staff = AccountFactory()
    login(testapp, staff.username)
    for index, payload in enumerate(XSS):
        page = testapp.get(f"/handbook/read/handbook/basics/x{index}")
        assert "<script>alert" not in page.text and "<img" not in page.text
        # "49" alone could be inside a random CSRF token; the payload sits after these words.
        assert 'href="javascript:' not in page.text and "标题49" not in page.text and "正文 49" not in page.text
        assert str(escape(f"标题{payload}")) in page.text
    search = testapp.get("/handbook/search", {"q": "<script>alert(1)</script> 正文"})
    assert "<script>alert" not in search.text


def test_xss_in_duties_situations_phrases_procedures_and_facts_is_inert(testapp, dbsession, clock):
    from tests.functional.documents.test_structured import _act, _client, _save

    trainer_account, reviewer_account, staff_account = (AccountFactory(roles=["trainer"]),
                                                        AccountFactory(roles=["reviewer"]), AccountFactory())
    role = make_document("roles/xss", title="岗位", data={"position": "x", "duties": ["受理咨询"]})
    scripts = make_document("scripts/xss", title="话术", data={"situations": [
        {"key": "greeting", "title": "问候", "phrases": [{"text": "您好"}]}]})
    trainer, reviewer = _client(testapp, trainer_account.username), _client(testapp, reviewer_account.username)
    # Submitted through the web form, as a trainer would type them.
    _save(trainer, role.id, duties=[f"职责{p}" for p in XSS],
          procedures=[{"key": "p", "title": f"流程{XSS[0]}", "steps": [f"步骤{XSS[1]}", f"步骤{XSS[3]}"]}],
          facts=[{"key": "f", "label": f"数字{XSS[2]}", "value": "7", "unit": f"单{XSS[3]}"}])
    _save(trainer, scripts.id, situations=[
        {"key": "greeting", "title": f"情形{p}", "manner": f"态度{p}", "phrases": [
            {"text": f"话术{p}", "forbidden": False, "note": ""},
            {"text": f"禁用{p}", "forbidden": True, "note": f"说明{p}"}]} for p in XSS[:1]] + [
        {"key": key, "title": f"情形{p}", "manner": f"态度{p}", "phrases": [
            {"text": f"话术{p}", "forbidden": index % 2 == 0, "note": f"说明{p}"}]}
        for index, (key, p) in enumerate(zip(("closing", "hold", "transfer"), XSS[1:], strict=True))])
    for document in (role, scripts):
        _act(trainer, document.id, "submit")
        _act(reviewer, document.id, "approve")
    staff = _client(testapp, staff_account.username)
    pages = [staff.get(f"/handbook/read/{role.slug}"), staff.get(f"/handbook/read/{scripts.slug}"),
             staff.get(f"/handbook/print/{role.slug}"), staff.get(f"/handbook/print/{scripts.slug}"),
             staff.get(f"/handbook/doc/{role.id}/diff"), staff.get(f"/handbook/doc/{scripts.id}/diff"),
             trainer.get(f"/handbook/doc/{role.id}/edit"), trainer.get(f"/handbook/doc/{scripts.id}/edit")]
    for page in pages:
        assert "<script>alert" not in page.text and "<img" not in page.text, page.request.url
        assert 'href="javascript:' not in page.text, page.request.url
        # Each payload follows one of these words; "49" after one would mean a template ran it.
        assert not re.search("(职责|流程|步骤|数字|单|情形|态度|话术|禁用|说明)49", page.text), page.request.url
    assert str(escape(f"职责{XSS[1]}")) in pages[0].text and str(escape(f"话术{XSS[0]}")) in pages[1].text
    assert str(escape(f"禁用{XSS[0]}")) in pages[1].text and "{{7*7}}" in pages[1].text


def test_export_elsewhere_keeps_the_conflict_guard_of_the_content_folder(dbsession, tmp_path):
    folder = tmp_path / "policies"
    (folder / "policies").mkdir(parents=True)
    page = folder / "policies" / "rule.md"
    page.write_text("---\ntitle: 规则\nsummary: 摘要\nsources: ['001']\n---\n\n原文\n", encoding="utf-8")
    request = _Request(dbsession)
    documents_files.load(request, folder, Progress(quiet=True))
    document = request.svc.by_slug("policies/rule")
    request.svc.save(document, base_version_id=document.latest_version_id, title="规则",
                     body_md="原文\n\n网页上加的段落。", summary="摘要", data={"sources": ["001"]})
    request.svc.transition(document, "submit")
    request.svc.transition(document, "approve")
    documents_files.export(request, tmp_path / "elsewhere", Progress(quiet=True))
    # The content folder still holds version 1; someone edits that stale file and loads it.
    page.write_text(page.read_text(encoding="utf-8") + "文件里的修改。\n", encoding="utf-8")
    report = documents_files.load(request, folder, Progress(quiet=True))
    assert report.updated == 0 and report.conflicts and "policies/rule.md" in report.conflicts[0]
    assert "网页上加的段落" in document.published_version.body_md
    # Copying the exported file back is no conflict: the files now hold the site's version,
    # and a later edit of them is an ordinary update.
    shutil.copy(tmp_path / "elsewhere" / "policies" / "rule.md", page)
    assert documents_files.load(request, folder, Progress(quiet=True)).unchanged == 1
    page.write_text(page.read_text(encoding="utf-8") + "再改一次。\n", encoding="utf-8")
    report = documents_files.load(request, folder, Progress(quiet=True))
    assert report.updated == 1 and not report.conflicts
    assert document.published_version.body_md.endswith("再改一次。")


def test_titles_tags_and_comments_are_inert_on_every_list_page(testapp, dbsession, clock):
    from cs_handbook.models.documents import DocumentSection

    staff, trainer_account, reviewer_account = (AccountFactory(), AccountFactory(roles=["trainer"]),
                                                AccountFactory(roles=["reviewer"]))
    section = DocumentSection(path="handbook/basics", title=f"栏目{XSS[0]}", summary=f"说明{XSS[1]}")
    dbsession.add(section)
    dbsession.commit()
    svc = service(dbsession)
    for index, payload in enumerate(XSS):
        document = make_document(f"handbook/basics/x{index}", title=f"标题{payload}", body="正文",
                                 tags=(f"签{payload}",), summary=f"摘要{payload}", data={"review_due": "2026-01-01"},
                                 author=trainer_account)
        document.section_id = section.id
        svc.save(svc.by_id(document.id), base_version_id=document.latest_version_id, title=f"标题{payload}",
                 body_md="正文二", tags=(f"签{payload}",), author=trainer_account, comment=f"改{payload}")
        svc.transition(svc.by_id(document.id), "submit", trainer_account, comment=f"交{payload}")
    archived = make_document("handbook/basics/gone", title=f"标题{XSS[1]}旧")
    svc.transition(archived, "archive", comment=f"归{XSS[0]}")
    dbsession.commit()
    clients = {}
    for name, account in (("staff", staff), ("trainer", trainer_account), ("reviewer", reviewer_account)):
        clients[name] = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
        login(clients[name], account.username)
    pages = {"index": clients["staff"].get("/handbook/"),
             "section": clients["staff"].get("/handbook/section/handbook/basics"),
             "search": clients["staff"].get("/handbook/search", {"q": "标题"}),
             "tag search": clients["staff"].get("/handbook/search", {"q": "签"}),
             "queue": clients["reviewer"].get("/handbook/review"),
             "history": clients["reviewer"].get(f"/handbook/doc/{svc.by_slug('handbook/basics/x1').id}/history"),
             "archive": clients["reviewer"].get("/handbook/archived"),
             "mine": clients["trainer"].get("/handbook/mine")}
    for name, page in pages.items():
        assert "<script>alert" not in page.text and "<img" not in page.text, name
        assert 'href="javascript:' not in page.text, name
        assert not re.search("(标题|签|摘要|改|交|归|栏目|说明)49", page.text), name
        assert str(escape(f"标题{XSS[1]}")) in page.text, name
    assert str(escape(f"交{XSS[0]}")) in pages["queue"].text and str(escape(f"改{XSS[1]}")) in pages["history"].text
