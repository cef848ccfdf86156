"""The cached path of document pages: served from memory, never stale, never shared wrongly."""

import dataclasses
import re
from contextlib import contextmanager

import pytest
import webtest
from sqlalchemy import delete, text
from sqlalchemy.orm import object_session

from cs_handbook import main, navigation
from cs_handbook.models.accounts import Account, Grant
from cs_handbook.models.training import PublishState
from cs_handbook.services import documents_cache
from cs_handbook.services.documents_cache import REGISTRY_KEY
from tests import factories_training as ft
from tests.conftest import DEFAULT_PASSWORD, login
from tests.factories import AccountFactory, PositionFactory
from tests.factories_documents import make_document, service
from tests.factories_qa import sampled, score_all

PAGE = "/handbook/read/handbook/basics/page"


def _cache(testapp):
    return testapp.app.registry[REGISTRY_KEY]


def _browser(testapp):
    return webtest.TestApp(testapp.app, extra_environ=testapp.extra_environ)


def _signed_in(testapp, account):
    username = account.username
    # Reading the name opened a read transaction on the test's session: end it, or
    # its next write would start from a snapshot older than the sign-in's (SQLite refuses).
    object_session(account).commit()
    login(testapp, username)
    # The welcome message is shown (and so never cached) on the first page after sign-in.
    testapp.get("/")


def _cached(testapp, path=PAGE):
    """Read `path` until it comes from the cache; returns that page."""
    testapp.get(path)
    hits = _cache(testapp).hits
    page = testapp.get(path)
    assert _cache(testapp).hits == hits + 1
    return page


def _csrf(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_second_view_is_served_from_the_cache_with_the_readers_own_token(testapp, dbsession, clock):
    make_document(body="首问负责制，限时答复。")
    reader = AccountFactory(display_name="读者甲")
    _signed_in(testapp, reader)
    cache = _cache(testapp)
    first = testapp.get(PAGE)
    hits = cache.hits
    second = testapp.get(PAGE)
    assert cache.hits == hits + 1
    assert "首问负责制" in second.text and "读者甲" in second.text
    # The token in the cached page is this reader's, and still works.
    assert _csrf(second) == _csrf(first) == _csrf(testapp.get("/account/password"))
    assert second.headers["Cache-Control"] == "no-store"
    assert second.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_a_peer_gets_their_own_name_and_token_from_the_shared_page(testapp, dbsession, clock):
    make_document()
    first, second = AccountFactory(display_name="甲"), AccountFactory(display_name="乙<b>")
    _signed_in(testapp, first)
    page_first = testapp.get(PAGE)
    other = _browser(testapp)
    _signed_in(other, second)
    hits = _cache(testapp).hits
    page_second = other.get(PAGE)
    assert _cache(testapp).hits == hits + 1
    assert _csrf(page_second) != _csrf(page_first)
    assert _csrf(page_second) == _csrf(other.get("/account/password"))
    assert 'class="who">乙&lt;b&gt;</a>' in page_second.text and 'class="who">甲</a>' not in page_second.text


def test_a_new_published_version_shows_at_once(testapp, dbsession, clock):
    document = make_document(body="旧的说法。")
    _signed_in(testapp, AccountFactory())
    assert "旧的说法" in _cached(testapp).text
    svc = service(dbsession)
    svc.save(document, base_version_id=document.latest_version_id, title=document.title, body_md="新的说法。")
    dbsession.commit()
    # A working copy changes nothing for staff…
    assert "旧的说法" in testapp.get(PAGE).text
    svc.transition(document, "submit")
    svc.transition(document, "approve")
    dbsession.commit()
    # …its approval shows the new text on the next request.
    page = testapp.get(PAGE)
    assert "新的说法" in page.text and "旧的说法" not in page.text


def test_a_change_made_by_another_process_is_seen(testapp, app_settings, dbsession, clock):
    """Two app processes on one database: each has its own cache, the generation is shared."""
    document = make_document(body="旧的说法。")
    _signed_in(testapp, AccountFactory())
    _cached(testapp)
    other_process = main({}, **app_settings)
    editor = webtest.TestApp(other_process, extra_environ=testapp.extra_environ)
    reviewer = webtest.TestApp(other_process, extra_environ=testapp.extra_environ)
    trainer_account, reviewer_account = AccountFactory(roles=["trainer"]), AccountFactory(roles=["reviewer"])
    login(editor, trainer_account.username)
    login(reviewer, reviewer_account.username)
    edit = editor.get(f"/handbook/doc/{document.id}/edit").forms["document"]
    edit["body_md"] = "另一进程发布的说法。"
    edit["comment"] = "改"
    edit.submit("submit", status=303)
    for client, action in ((editor, "submit"), (reviewer, "approve")):
        token = _csrf(client.get(f"/handbook/doc/{document.id}/history"))
        client.post(f"/handbook/doc/{document.id}/transition", {"action": action, "comment": "", "csrf_token": token},
                    status=303)
    assert "另一进程发布的说法" in testapp.get(PAGE).text
    other_process.registry["dbengine"].dispose()


def test_archiving_takes_the_page_away(testapp, dbsession, clock):
    document = make_document()
    _signed_in(testapp, AccountFactory())
    _cached(testapp)
    service(dbsession).transition(document, "archive")
    dbsession.commit()
    testapp.get(PAGE, status=404)


def test_a_reader_who_loses_a_role_loses_what_it_showed(testapp, dbsession, clock):
    # Expired: only editors may still read it.
    make_document(data={"effective": "2025-01-01", "expires": "2026-01-01"})
    trainer = AccountFactory(roles=["trainer"])
    _signed_in(testapp, trainer)
    assert "此文档已失效或尚未生效" in _cached(testapp).text
    dbsession.execute(delete(Grant).where(Grant.account_id == trainer.id))
    dbsession.commit()
    testapp.get(PAGE, status=404)


def test_a_disabled_account_is_refused_on_a_cached_page(testapp, dbsession, clock):
    make_document()
    reader = AccountFactory()
    _signed_in(testapp, reader)
    _cached(testapp)
    reader.is_active = False
    dbsession.commit()
    assert testapp.get(PAGE, status=303).location.startswith("http://localhost/signin")


def test_a_signed_out_cookie_is_refused_at_once(testapp, dbsession, clock):
    make_document()
    _signed_in(testapp, AccountFactory())
    _cached(testapp)
    stolen = testapp.cookies["cs_session"]
    token = _csrf(testapp.get(PAGE))
    testapp.post("/signout", {"csrf_token": token}, status=303)
    thief = _browser(testapp)
    thief.set_cookie("cs_session", stolen)
    hits = _cache(testapp).hits
    assert thief.get(PAGE, status=303).location.startswith("http://localhost/signin")
    assert _cache(testapp).hits == hits


def test_english_and_chinese_readers_do_not_share_a_page(testapp, dbsession, clock):
    make_document()
    chinese, english = AccountFactory(language="zh_CN"), AccountFactory(language="en")
    _signed_in(testapp, chinese)
    other = _browser(testapp)
    _signed_in(other, english)
    for _ in range(2):
        zh_page, en_page = testapp.get(PAGE), other.get(PAGE)
        assert 'class="who">' + chinese.display_name in zh_page.text
        assert "Printable view" in en_page.text and "Printable view" not in zh_page.text
        assert 'lang="en"' in en_page.text and 'lang="zh-CN"' in zh_page.text


def test_roles_that_change_links_get_their_own_page(testapp, dbsession, clock):
    document = make_document()
    staff, trainer = AccountFactory(), AccountFactory(roles=["trainer"])
    _signed_in(testapp, staff)
    other = _browser(testapp)
    _signed_in(other, trainer)
    edit_link = f"/handbook/doc/{document.id}/edit"
    for _ in range(2):
        assert edit_link not in testapp.get(PAGE).text
        assert edit_link in other.get(PAGE).text


def test_a_flash_message_is_not_lost_on_a_cached_page(testapp, dbsession, clock):
    make_document()
    _signed_in(testapp, AccountFactory())
    _cached(testapp)
    form = testapp.get("/account/password").forms["deform"]
    form["current_password"] = DEFAULT_PASSWORD
    form["new_password"] = form["new_password-confirm"] = "brand-new-password"
    form.submit("submit", status=303)
    # The next page shown, cached or not, carries the message once.
    assert "密码已修改。" in testapp.get(PAGE).text
    assert "密码已修改。" not in testapp.get(PAGE).text


def test_a_role_page_shows_a_renamed_holder_at_once(testapp, dbsession, clock):
    position = PositionFactory(code="cs-agent")
    holder = AccountFactory(position=position, display_name="张三")
    make_document("roles/cs-agent", title="客服专员", data={"position": "cs-agent", "duties": ["接听来电"]})
    _signed_in(testapp, AccountFactory())
    assert "张三" in _cached(testapp, "/handbook/read/roles/cs-agent").text
    holder.display_name = "张三丰"
    dbsession.commit()
    assert "张三丰" in testapp.get("/handbook/read/roles/cs-agent").text


def _badge(page, href):
    """The badge beside the navigation entry linking to `href` ("" if it shows none)."""
    entry = next(a for a in page.html.select("nav a") if a.get("href", "").endswith(href))
    badge = entry.select_one(".badge")
    return badge.get_text(strip=True) if badge is not None else ""


def test_a_reviewer_gets_the_cached_page_with_badges_counted_for_this_request(testapp, dbsession, clock):
    make_document()
    _signed_in(testapp, AccountFactory(roles=["reviewer"]))
    page = _cached(testapp)
    assert _badge(page, "/training/review") == ""
    # A course waiting for review changes no document: the next page is a hit, with the new count.
    waiting = ft.course("day1")
    waiting.review_state = PublishState.PENDING
    dbsession.commit()
    hits = _cache(testapp).hits
    page = testapp.get(PAGE)
    assert _cache(testapp).hits == hits + 1
    assert _badge(page, "/training/review") == "1"
    assert 'aria-label="1 项待处理"' in page.text
    # A document waiting for review changes the generation: rendered again, with its own badge.
    make_document("handbook/basics/other", publish=False)
    service(dbsession).transition(dbsession.merge(service(dbsession).by_slug("handbook/basics/other")), "submit")
    dbsession.commit()
    page = _cached(testapp)
    assert _badge(page, "/handbook/review") == "1" and _badge(page, "/training/review") == "1"


def test_evaluators_share_a_page_each_with_their_own_queue_count(testapp, dbsession, clock):
    make_document()
    first, second = AccountFactory(username="qa1", roles=["qa"]), AccountFactory(username="qa2", roles=["qa"])
    AccountFactory(username="li")
    dbsession.commit()
    # Two of the drafts are the first evaluator's own transcripts: never theirs to score.
    sampled(dbsession, "qa1", [("own-1", True), ("own-2", True)])
    sampled(dbsession, "li", [("li-1", True), ("li-2", True), ("li-3", True)])
    _signed_in(testapp, first)
    assert _badge(_cached(testapp), "/qa/") == "3"
    other = _browser(testapp)
    _signed_in(other, second)
    hits = _cache(testapp).hits
    page = other.get(PAGE)
    assert _cache(testapp).hits == hits + 1  # the first evaluator's page, shared
    assert _badge(page, "/qa/") == "5"
    score_all(dbsession, second, agent=dbsession.query(Account).filter_by(username="li").one())
    assert _badge(testapp.get(PAGE), "/qa/") == ""  # nothing left for them
    assert _badge(other.get(PAGE), "/qa/") == "2"


def test_a_badge_counted_only_by_a_callable_keeps_the_page_off_the_cache(testapp, dbsession, clock, monkeypatch):
    make_document()
    monkeypatch.setattr(navigation, "ITEMS", [
        dataclasses.replace(item, badge=lambda request: 7, badge_query=None) if item.route == "training.review"
        else item for item in navigation.ITEMS])
    monkeypatch.setattr(navigation, "_visible", {})  # the entries each reader sees are kept per process
    _signed_in(testapp, AccountFactory(roles=["reviewer"]))
    hits = _cache(testapp).hits
    for _ in range(2):
        assert _badge(testapp.get(PAGE), "/training/review") == "7"
    assert _cache(testapp).hits == hits
    # Staff see no such badge: their page is still shared.
    other = _browser(testapp)
    _signed_in(other, AccountFactory())
    _cached(other)


def _count_round_trips(monkeypatch) -> list:
    """Every statement the cached path sends from now on (its key) is appended to the list returned."""
    sent: list = []
    original = documents_cache.RawStatements.cursor

    @contextmanager
    def counting(self):
        with original(self) as run:
            def counted(key, params):
                sent.append(key)
                return run(key, params)
            yield counted

    monkeypatch.setattr(documents_cache.RawStatements, "cursor", counting)
    return sent


def test_a_reviewers_hit_counts_the_badges_in_its_one_statement(testapp, dbsession, clock, monkeypatch):
    make_document()
    _signed_in(testapp, AccountFactory(roles=["reviewer"]))
    _cached(testapp)
    _cached(testapp)  # the first hit learnt which badges this session's page has
    sent = _count_round_trips(monkeypatch)
    hits = _cache(testapp).hits
    assert _badge(testapp.get(PAGE), "/training/review") == ""
    waiting = ft.course("day1")
    waiting.review_state = PublishState.PENDING
    dbsession.commit()
    assert _badge(testapp.get(PAGE), "/training/review") == "1"
    assert _cache(testapp).hits == hits + 2
    assert len(sent) == 2  # one round trip per page


def test_a_reviewer_who_loses_the_role_loses_the_badge_on_the_shared_page(testapp, dbsession, clock):
    make_document()
    waiting = ft.course("day1")
    waiting.review_state = PublishState.PENDING
    reviewer = AccountFactory(roles=["reviewer"])
    _signed_in(testapp, reviewer)
    _cached(testapp)
    assert _badge(_cached(testapp), "/training/review") == "1"
    dbsession.execute(delete(Grant).where(Grant.account_id == reviewer.id))
    dbsession.commit()
    for _ in range(3):  # the page of staff, rendered then shared: no review entry, whatever was guessed
        page = testapp.get(PAGE)
        assert not [a for a in page.html.select("nav a") if a.get("href", "").endswith("/training/review")]
    assert _cache(testapp).hits


def test_a_cached_page_has_the_same_headers_as_a_rendered_one(testapp, dbsession, clock):
    make_document()
    _signed_in(testapp, AccountFactory())
    testapp.get(PAGE)
    rendered = testapp.get(PAGE + "?from=search")  # a query string: never cached
    cached = _cached(testapp)

    def headers(response):
        return sorted((name.lower(), value) for name, value in response.headerlist
                      if name.lower() not in ("content-length", "set-cookie"))

    assert headers(cached) == headers(rendered)
    names = [name.lower() for name, _ in cached.headerlist]
    assert len(names) == len(set(names))  # none twice


@pytest.mark.postgresql_only  # a server that drops its connections
def test_pages_are_served_and_cached_again_after_the_database_restarts(testapp, dbsession, clock, engine):
    make_document(body="首问负责制，限时答复。")
    _signed_in(testapp, AccountFactory())
    _cached(testapp)
    # Every other connection to the database ends, as when the server restarts
    # (waiting up to 5 s for each: the signal alone returns at once).
    dbsession.execute(text("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    dbsession.commit()
    assert "首问负责制" in testapp.get(PAGE, status=200).text
    # The hit's dropped connection was not kept: the next ones are hits on a new one.
    for _ in range(3):
        assert "首问负责制" in _cached(testapp).text
    # No connection of the dropped ones is left for later tests to trip over.
    engine.dispose()
