"""The 500 page: whatever fails, the reader gets our page in their language, with the security headers.

The failures are made by a route this module adds to an app of its own: a
foreign key violation flushed inside the view (the database refuses during
the view; PostgreSQL then refuses every further statement of the
transaction) and the same violation left for the commit (pyramid_tm commits
after the view, then asks for the error page). After either, the next write
must go through at once: the failed request must not keep SQLite's write
lock.
"""

import sqlite3
import time

import pytest
import webtest
from pyramid.config import Configurator
from pyramid.security import NO_PERMISSION_REQUIRED
from sqlalchemy import func, make_url, select

from cs_handbook import main
from cs_handbook.clock import Clock
from cs_handbook.models.accounts import Account
from tests.conftest import csrf_token, login
from tests.factories import AccountFactory
from tests.functional.isolation import _IsolatedApp, fresh

pytestmark = pytest.mark.isolated_app

PAGES = {
    "zh_CN": ("出错了", "错误已记录，请稍后再试。"),
    "en": ("Something went wrong", "The error was logged. Please try again later."),
}


def _orphan(request) -> Account:
    # An account in a team that does not exist: the foreign key refuses it.
    return Account(username="orphan", display_name="孤儿", password_hash="-", team_id=999_999,
                   created_at=request.find_service(Clock).now())


def fail(request):
    how = request.matchdict["how"]
    if how == "in-view":
        request.dbsession.add(_orphan(request))
        request.dbsession.flush()
    elif how == "at-commit":
        request.dbsession.add(_orphan(request))
    else:
        raise RuntimeError("a bug")
    return request.response


@pytest.fixture(scope="module")
def failing_app(app_settings):
    app = main({}, **app_settings)
    config = Configurator(registry=app.registry)
    config.add_route("test.fail", "/_test/fail/{how}")
    config.add_view(fail, route_name="test.fail", request_method=("GET", "POST"), permission=NO_PERMISSION_REQUIRED)
    config.commit()
    yield app
    app.registry["dbengine"].dispose()


@pytest.fixture
def failing(failing_app, dbsession):
    return webtest.TestApp(_IsolatedApp(failing_app), extra_environ={"REMOTE_ADDR": "127.0.0.1",
                                                                      "HTTP_HOST": "localhost"})


def _assert_error_page(response, language):
    title, message = PAGES[language]
    assert response.status_int == 500
    assert f"<title>{title} · " in response.text and message in response.text
    assert "Traceback" not in response.text and "IntegrityError" not in response.text
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def _assert_no_write_lock_left(app_settings):
    url = make_url(app_settings["sqlalchemy.url"])
    if url.get_backend_name() != "sqlite":
        return
    # A leaked write transaction makes this fail at once (no busy timeout).
    connection = sqlite3.connect(url.database, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    finally:
        connection.close()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("how", ["in-view", "at-commit"])
def test_a_database_error_gives_the_translated_500_page_and_releases_the_database(
        failing, app_settings, dbsession, how, language):
    # The admin's navigation asks the database for the review badge: the
    # page must not ask it inside the failed transaction.
    AccountFactory(username="boss", roles=["admin", "reviewer"], language=language)
    login(failing, "boss")
    token = csrf_token(failing)

    _assert_error_page(failing.post(f"/_test/fail/{how}", {"csrf_token": token}, status=500), language)

    _assert_no_write_lock_left(app_settings)
    started = time.monotonic()
    other = "en" if language == "zh_CN" else "zh_CN"
    failing.post("/language", {"language": other, "came_from": "/", "csrf_token": token}, status=303)
    assert time.monotonic() - started < 3
    fresh(dbsession)
    assert dbsession.scalar(select(Account.language).where(Account.username == "boss")) == other
    assert dbsession.scalar(select(func.count()).select_from(Account).where(Account.username == "orphan")) == 0


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_bug_gives_the_500_page_to_anonymous_readers_in_their_language(failing, dbsession, language):
    failing.set_cookie("_LOCALE_", language)
    _assert_error_page(failing.get("/_test/fail/bug", status=500), language)
    _assert_error_page(failing.post("/_test/fail/bug", {"csrf_token": csrf_token_anonymous(failing)}, status=500),
                       language)


def csrf_token_anonymous(testapp) -> str:
    return testapp.get("/signin").forms["deform"]["csrf_token"].value


def test_a_failure_before_any_view_still_gives_the_page_with_headers(failing, dbsession, monkeypatch):
    from cs_handbook.security import SecurityPolicy

    AccountFactory(username="wang", language="en")
    login(failing, "wang")

    def unavailable(self, request):
        raise RuntimeError("the database went away")

    # pyramid_tm asks who is signed in before any view runs.
    monkeypatch.setattr(SecurityPolicy, "_load_identity", unavailable)
    # Who is reading could not be found out: the site's language, as for anyone signed out.
    _assert_error_page(failing.get("/", status=500), "zh_CN")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_an_oversized_body_gets_the_translated_413_page(testapp, dbsession, language):
    testapp.set_cookie("_LOCALE_", language)
    response = testapp.post("/signin", params=b"x" * (5 * 1024 * 1024), content_type="application/octet-stream",
                            status=413)
    title, message = {"zh_CN": ("请求过大", "提交的内容过大。"),
                      "en": ("Request too large", "What you sent is too large.")}[language]
    assert f"<title>{title} · " in response.text and message in response.text
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_when_the_error_page_itself_fails_a_plain_page_in_both_languages_remains(failing, dbsession, monkeypatch):
    import cs_handbook.views.errors

    def broken(request):
        raise RuntimeError("the error page is broken too")

    monkeypatch.setattr(cs_handbook.views.errors, "settle_identity", broken)
    response = failing.get("/_test/fail/bug", status=500)
    assert "出错了" in response.text and "Something went wrong" in response.text
    assert "Traceback" not in response.text and "broken" not in response.text
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("signed_in", [False, True])
def test_an_unknown_address_is_404_for_every_method(testapp, dbsession, signed_in):
    if signed_in:
        # The admin's navigation reads the database: the page must still be drawn.
        AccountFactory(username="boss", roles=["admin"])
        login(testapp, "boss")
    for method in ("GET", "POST", "PUT", "DELETE"):
        response = testapp.request("/no/such/page", method=method, expect_errors=True)
        assert response.status_int == 404, method
        assert "<title>页面不存在 · " in response.text
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_missing_slash_is_added(testapp, dbsession):
    AccountFactory(username="wang")
    login(testapp, "wang")
    assert testapp.get("/handbook?q=x", status=303).location == "http://localhost/handbook/?q=x"


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_bytes_that_are_not_utf8_in_a_query_or_form_get_the_translated_400_page(testapp, dbsession, language):
    testapp.set_cookie("_LOCALE_", language)
    title = {"zh_CN": "请求有误", "en": "Bad request"}[language]
    response = testapp.get("/signin?next=%B2%FF", status=400)
    assert f"<title>{title} · " in response.text and "Traceback" not in response.text
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    # webob reads a form body leniently: such a post is refused like any other bad form.
    response = testapp.post("/signin", params=b"csrf_token=x&username=%B2", status=400,
                            content_type="application/x-www-form-urlencoded")
    assert "Traceback" not in response.text
    # The same page with good input still answers.
    testapp.get("/signin?next=%2Fhandbook%2F", status=200)
