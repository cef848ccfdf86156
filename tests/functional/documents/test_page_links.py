"""A page's "see also" and "pages that link here" show only what the reader may open: staff neither
expired nor archived pages, editors also expired ones; "see also" keeps the page's own order."""

import re
from datetime import timedelta

from cs_handbook.models.documents import DocumentState
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_documents import make_document

PAGE = "handbook/basics/page"


def _titles(page, css_class: str) -> list[str]:
    found = re.search(rf'<section class="{css_class}">(.*?)</section>', page.text, re.S)
    return re.findall(r'<a href="http://localhost/handbook/read/[^"]+">([^<]+)</a>', found.group(1)) if found else []


def _reader(testapp, account):
    client = testapp.__class__(testapp.app, extra_environ=testapp.extra_environ)
    login(client, account.username)
    return client


def test_links_show_only_what_the_reader_may_open(testapp, dbsession, clock):
    expired = make_document("handbook/basics/expired", title="过期页", data={"links": [PAGE]})
    archived = make_document("handbook/basics/archived", title="归档页", data={"links": [PAGE]})
    make_document("handbook/basics/later", title="后一页", data={"links": [PAGE]})
    make_document(PAGE, title="本页", data={"links": ["handbook/basics/later", "handbook/nowhere",
                                                      "handbook/basics/expired", "handbook/basics/archived"]})
    expired.expiry_date = clock.now().date() - timedelta(days=1)
    archived.state = DocumentState.ARCHIVED
    staff_account, editor_account = AccountFactory(), AccountFactory(roles=["trainer"])
    dbsession.commit()

    staff = _reader(testapp, staff_account).get(f"/handbook/read/{PAGE}")
    assert _titles(staff, "doc-links") == ["后一页"]
    assert _titles(staff, "doc-linked-from") == ["后一页"]
    editor = _reader(testapp, editor_account).get(f"/handbook/read/{PAGE}")
    assert _titles(editor, "doc-links") == ["后一页", "过期页", "归档页"]  # the page's order; no page: left out
    assert _titles(editor, "doc-linked-from") == ["过期页", "后一页"]  # archived pages link nowhere


def test_a_page_without_links_shows_neither_list(testapp, dbsession):
    make_document(PAGE, title="本页")
    account = AccountFactory()
    dbsession.commit()
    page = _reader(testapp, account).get(f"/handbook/read/{PAGE}")
    assert "doc-links" not in page.text and "doc-linked-from" not in page.text
