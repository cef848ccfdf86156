"""Organising documents on the web: position in the section, moving to another section, related documents,
tags to browse by, and what links here — and the content files keep all of it."""

import re
from urllib.parse import quote

from cs_handbook.models.documents import Document, DocumentSection
from cs_handbook.scripts.progress import Progress
from cs_handbook.services import documents_files
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_documents import make_document, service
from tests.functional.documents.test_web_forms import form_pairs


def _client(testapp, username):
    client = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(client, username)
    return client


def _csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _publish(trainer, reviewer, document_id):
    for client, action in ((trainer, "submit"), (reviewer, "approve")):
        page = client.get(f"/handbook/doc/{document_id}/history")
        client.post(f"/handbook/doc/{document_id}/transition", {"action": action, "comment": "好",
                                                                 "csrf_token": _csrf(page)}, status=303)


def _setup(dbsession):
    basics = DocumentSection(path="handbook/basics", title="服务基础", order=10)
    complaints = DocumentSection(path="handbook/complaints", title="投诉处理", order=20)
    policies = DocumentSection(path="policies", title="管理制度", order=30)
    dbsession.add_all([basics, complaints, policies])
    dbsession.commit()
    first = make_document("handbook/basics/first", title="第一篇", data={"order": 10})
    second = make_document("handbook/basics/second", title="第二篇", data={"order": 20})
    rule = make_document("policies/rule", title="一条制度")
    for document, section in ((first, basics), (second, basics), (rule, policies)):
        document.section_id = section.id
    dbsession.commit()
    return first, second, rule


def _listed(client, path):
    page = client.get(f"/handbook/section/{path}")
    return re.findall(r">(第.篇)</a>", re.findall(r'<ol class="section-documents">(.*?)</ol>', page.text, re.S)[0])


def test_order_section_and_related_documents_are_set_on_the_web(testapp, dbsession, clock, tmp_path):
    first, second, rule = _setup(dbsession)
    trainer_account, reviewer_account, staff_account = (AccountFactory(roles=["trainer"]),
                                                        AccountFactory(roles=["reviewer"]), AccountFactory())
    trainer, reviewer = _client(testapp, trainer_account.username), _client(testapp, reviewer_account.username)
    staff = _client(testapp, staff_account.username)
    assert _listed(staff, "handbook/basics") == ["第一篇", "第二篇"]
    # The second page goes first and links to the rule.
    page = trainer.get(f"/handbook/doc/{second.id}/edit")
    options = re.findall(r'<option value="([^"]*)"', page.text)
    assert "handbook/complaints" in options and "policies" not in options  # only sections of its kind
    trainer.post(f"/handbook/doc/{second.id}/edit",
                 form_pairs(page.forms["document"], order="5", links=rule.slug), status=303)
    assert _listed(staff, "handbook/basics") == ["第一篇", "第二篇"]  # not before it is approved
    _publish(trainer, reviewer, second.id)
    assert _listed(staff, "handbook/basics") == ["第二篇", "第一篇"]
    assert f'href="http://localhost/handbook/read/{rule.slug}"' in staff.get(f"/handbook/read/{second.slug}").text
    rule_page = staff.get(f"/handbook/read/{rule.slug}").text
    assert "引用本页的文档" in rule_page and f'/handbook/read/{second.slug}"' in rule_page
    # The first page moves to the complaints section; its address stays.
    page = trainer.get(f"/handbook/doc/{first.id}/edit")
    trainer.post(f"/handbook/doc/{first.id}/edit", form_pairs(page.forms["document"], section="handbook/complaints"),
                 status=303)
    _publish(trainer, reviewer, first.id)
    assert _listed(staff, "handbook/complaints") == ["第一篇"] and _listed(staff, "handbook/basics") == ["第二篇"]
    crumbs = staff.get(f"/handbook/read/{first.slug}").text
    assert 'href="http://localhost/handbook/section/handbook/complaints">投诉处理</a>' in crumbs
    # The files keep it: export, load into an empty site, same sections and order.
    dbsession.rollback()
    out = tmp_path / "policies"
    documents_files.export(_Request(dbsession), out, Progress(quiet=True))
    text = (out / "handbook" / "basics" / "first.md").read_text(encoding="utf-8")
    assert "section: handbook/complaints\n" in text
    assert "order: 5\n" in (out / "handbook" / "basics" / "second.md").read_text(encoding="utf-8")
    assert "links:\n  - policies/rule\n" in (out / "handbook" / "basics" / "second.md").read_text(encoding="utf-8")
    for document in dbsession.query(Document):
        dbsession.delete(document)
    dbsession.commit()
    report = documents_files.load(_Request(dbsession), out, Progress(quiet=True))
    assert not report.errors and report.created == 3
    assert service(dbsession).by_slug("handbook/basics/first").section.path == "handbook/complaints"
    again = tmp_path / "again"
    documents_files.export(_Request(dbsession), again, Progress(quiet=True))
    for path in out.rglob("*.md"):
        assert (again / path.relative_to(out)).read_bytes() == path.read_bytes(), path


def test_a_file_naming_an_unknown_section_is_reported(dbsession, tmp_path):
    folder = tmp_path / "policies"
    (folder / "handbook" / "basics").mkdir(parents=True)
    (folder / "handbook" / "basics" / "_section.yaml").write_text("title: 基础\n", encoding="utf-8")
    (folder / "handbook" / "basics" / "page.md").write_text(
        "---\ntitle: 页\nsection: policies\nsummary: 摘要\nsources: ['001']\n---\n\n正文\n", encoding="utf-8")
    report = documents_files.load(_Request(dbsession), folder, Progress(quiet=True))
    assert report.errors == ["handbook/basics/page.md:3: section: no section policies among those of handbook/"]


class _Request:
    identity = None

    def __init__(self, dbsession):
        self.svc = service(dbsession)

    def find_service(self, cls):
        return self.svc


def test_tags_are_browsable(testapp, dbsession, clock):
    make_document("policies/a", title="甲制度", tags=("投诉", "时限"))
    make_document("handbook/b", title="乙页面", tags=("投诉",))
    make_document("policies/draft", title="草稿制度", tags=("投诉",), publish=False)
    make_document("policies/old", title="过期制度", tags=("投诉",), data={"effective": "2025-01-01",
                                                                     "expires": "2026-01-01"})
    make_document("policies/x", title="怪标签", tags=("<b>粗</b>/斜",))
    staff = _client(testapp, AccountFactory().username)
    page = staff.get("/handbook/read/policies/a")
    tag_page = page.click(href="/handbook/tags/%E6%8A%95%E8%AF%89")
    assert re.findall(r">(.制度|.页面)</a>", tag_page.text) == ["乙页面", "甲制度"]
    assert "草稿制度" not in tag_page.text and "过期制度" not in tag_page.text
    index = staff.get("/handbook/").click(href="/handbook/tags$")
    assert re.search(r">投诉</a> <span class=\"muted\">2 篇", index.text)
    odd = index.click(href="/handbook/tags/%3Cb%3E")
    assert "怪标签" in odd.text and "<b>粗" not in odd.text
    staff.get("/handbook/tags/" + quote("没有这个标签"), status=404)
    staff.get("/handbook/tags/" + quote("长" * 60), status=404)
