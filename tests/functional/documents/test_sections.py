"""Section index pages and the breadcrumbs of document pages."""

import re

from cs_handbook.models.documents import DocumentSection
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_documents import make_document, service


def _section(dbsession, path="handbook/basics", title="基础知识", summary="新员工先读"):
    section = DocumentSection(path=path, title=title, order=1, summary=summary)
    dbsession.add(section)
    dbsession.commit()
    return section


def _in_section(dbsession, section, slug, title, order, **kw):
    document = make_document(slug, title=title, data={"order": order, **kw.pop("data", {})}, **kw)
    document.section_id = section.id
    dbsession.commit()
    return document


def test_section_page_lists_its_readable_documents_in_order(testapp, dbsession, clock):
    section = _section(dbsession)
    other = _section(dbsession, "handbook/complaints", "投诉处理", "")
    _in_section(dbsession, section, "handbook/basics/third", "第三篇", 30)
    _in_section(dbsession, section, "handbook/basics/first", "第一篇", 10)
    _in_section(dbsession, section, "handbook/basics/second", "第二篇", 20)
    _in_section(dbsession, section, "handbook/basics/draft", "草稿篇", 5, publish=False)
    _in_section(dbsession, section, "handbook/basics/expired", "过期篇", 6,
                data={"effective": "2025-01-01", "expires": "2026-01-01"})
    _in_section(dbsession, other, "handbook/complaints/one", "别的栏目", 1)
    login(testapp, AccountFactory().username)
    page = testapp.get("/handbook/section/handbook/basics")
    listed = re.findall(r'<ol class="section-documents">(.*?)</ol>', page.text, re.S)[0]
    assert re.findall(r">(第.篇)</a>", listed) == ["第一篇", "第二篇", "第三篇"]
    assert "草稿篇" not in listed and "过期篇" not in listed and "别的栏目" not in listed
    assert "新员工先读" in page.text
    # The index links every section to its page.
    assert 'href="http://localhost/handbook/section/handbook/basics"' in testapp.get("/handbook/").text


def test_each_line_shows_the_published_versions_summary(testapp, dbsession, clock):
    section = _section(dbsession)
    document = _in_section(dbsession, section, "handbook/basics/first", "第一篇", 10, summary="入职第一周先读这篇")
    _in_section(dbsession, section, "handbook/basics/second", "第二篇", 20, summary="")
    # A working copy with another summary: staff keep seeing the published one.
    service(dbsession).save(document, base_version_id=document.latest_version_id, title="第一篇",
                            body_md="改稿", summary="尚未审核的新摘要")
    dbsession.commit()
    login(testapp, AccountFactory().username)
    listed = re.findall(r'<ol class="section-documents">(.*?)</ol>', testapp.get("/handbook/section/handbook/basics")
                        .text, re.S)[0]
    lines = re.findall(r"<li>(.*?)</li>", listed)
    assert lines[0].endswith('>第一篇</a> <span class="muted">— 入职第一周先读这篇</span>')
    assert lines[1].endswith(">第二篇</a>")  # no summary, no dash
    assert "尚未审核" not in listed


def test_editors_also_see_expired_documents_in_a_section(testapp, dbsession, clock):
    section = _section(dbsession)
    _in_section(dbsession, section, "handbook/basics/expired", "过期篇", 6,
                data={"effective": "2025-01-01", "expires": "2026-01-01"})
    login(testapp, AccountFactory(roles=["trainer"]).username)
    assert "过期篇" in testapp.get("/handbook/section/handbook/basics").text


def test_empty_and_unknown_sections(testapp, dbsession, clock):
    _section(dbsession, "handbook/empty", "空栏目", "")
    login(testapp, AccountFactory().username)
    assert "此栏目暂无文档" in testapp.get("/handbook/section/handbook/empty").text
    testapp.get("/handbook/section/handbook/nothing-here", status=404)
    testapp.get("/handbook/section/%3Cscript%3E", status=404)


def test_document_page_breadcrumbs_link_handbook_and_section(testapp, dbsession, clock):
    section = _section(dbsession)
    _in_section(dbsession, section, "handbook/basics/first", "第一篇", 10)
    make_document("handbook/loose", title="散页")
    login(testapp, AccountFactory().username)
    page = testapp.get("/handbook/read/handbook/basics/first")
    nav = re.search(r'<nav class="breadcrumbs".*?</nav>', page.text, re.S).group(0)
    items = re.findall(r"<li>(.*?)</li>", nav)
    assert len(items) == 3
    assert items[0] == '<a href="http://localhost/handbook/">服务手册</a>'
    assert items[1] == '<a href="http://localhost/handbook/section/handbook/basics">基础知识</a>'
    assert items[2] == '<span aria-current="page">第一篇</span>'
    # A page outside any section: Handbook › page.
    loose = testapp.get("/handbook/read/handbook/loose")
    nav = re.search(r'<nav class="breadcrumbs".*?</nav>', loose.text, re.S).group(0)
    assert re.findall(r"<li>(.*?)</li>", nav)[1] == '<span aria-current="page">散页</span>'
