"""The handbook's index and its section pages are shared through the page cache, like document pages."""

from cs_handbook.models.documents import DocumentSection
from tests.factories import AccountFactory
from tests.factories_documents import make_document, service
from tests.functional.documents.test_page_cache import _browser, _cache, _cached, _signed_in

SECTION = "/handbook/section/handbook/basics"
INDEX = "/handbook/"


def _section(dbsession, title="基础知识"):
    section = DocumentSection(path="handbook/basics", title=title, order=1, summary="新员工先读")
    dbsession.add(section)
    dbsession.commit()
    return section


def _in_section(dbsession, section, slug, title, **kw):
    document = make_document(slug, title=title, **kw)
    document.section_id = section.id
    dbsession.commit()
    return document


def test_a_section_page_is_shared_between_readers_each_with_their_own_name(testapp, dbsession, clock):
    section = _section(dbsession)
    _in_section(dbsession, section, "handbook/basics/first", "第一篇")
    # Both made first: a new account changes the generation (role pages list who holds a position).
    first, second = AccountFactory(display_name="读者甲"), AccountFactory(display_name="读者乙")
    _signed_in(testapp, first)
    assert "第一篇" in _cached(testapp, SECTION).text
    other = _browser(testapp)
    _signed_in(other, second)
    hits = _cache(testapp).hits
    page = other.get(SECTION)
    assert _cache(testapp).hits == hits + 1
    assert 'class="who">读者乙</a>' in page.text and "读者甲" not in page.text and "第一篇" in page.text


def test_a_section_page_shows_a_new_document_and_a_new_title_at_once(testapp, dbsession, clock):
    section = _section(dbsession)
    _in_section(dbsession, section, "handbook/basics/first", "第一篇")
    _signed_in(testapp, AccountFactory())
    _cached(testapp, SECTION)
    _in_section(dbsession, section, "handbook/basics/second", "第二篇")
    assert "第二篇" in testapp.get(SECTION).text
    section.title = "入门须知"
    dbsession.commit()
    page = testapp.get(SECTION)
    assert "入门须知" in page.text and "基础知识" not in page.text


def test_the_handbook_index_is_shared_and_editors_keep_their_own(testapp, dbsession, clock):
    section = _section(dbsession)
    _in_section(dbsession, section, "handbook/basics/first", "第一篇")
    _in_section(dbsession, section, "handbook/basics/old", "过期篇",
                data={"effective": "2025-01-01", "expires": "2026-01-01"})
    staff_account, trainer_account = AccountFactory(), AccountFactory(roles=["trainer"])
    _signed_in(testapp, staff_account)
    page = _cached(testapp, INDEX)
    assert "第一篇" in page.text and "过期篇" not in page.text
    # A trainer also sees expired pages: never the staff page, and staff never theirs.
    trainer = _browser(testapp)
    _signed_in(trainer, trainer_account)
    assert "过期篇" in _cached(trainer, INDEX).text
    assert "过期篇" not in testapp.get(INDEX).text


def test_publishing_changes_recently_updated_on_the_next_request(testapp, dbsession, clock):
    document = make_document("handbook/basics/page", title="旧标题")
    _signed_in(testapp, AccountFactory())
    assert "旧标题" in _cached(testapp, INDEX).text
    svc = service(dbsession)
    svc.save(document, base_version_id=document.latest_version_id, title="新标题", body_md="新的说法。")
    svc.transition(document, "submit")
    svc.transition(document, "approve")
    dbsession.commit()
    page = testapp.get(INDEX)
    assert "新标题" in page.text and "旧标题" not in page.text


def test_an_unknown_section_is_not_found_and_nothing_is_kept(testapp, dbsession, clock):
    _signed_in(testapp, AccountFactory())
    stores = _cache(testapp).stores
    for _ in range(2):
        testapp.get("/handbook/section/handbook/nowhere", status=404)
    assert _cache(testapp).stores == stores
