"""Login sessions end: after their lifetime, after idling, on a new sign-in, on a password change; housekeeping.

The test app runs with very long lifetimes (tests/conftest.py); here they
are set to production-like values on the app's settings, and time moves
with the fixed clock.
"""

from datetime import timedelta
from pathlib import Path

import pytest
import webtest
from sqlalchemy import func, select

from cs_handbook.models.accounts import LoginAttempt, LoginSession
from cs_handbook.scripts.cli import main as cli_main
from tests.conftest import csrf_token, login
from tests.factories import AccountFactory
from tests.functional.isolation import _IsolatedApp, fresh

pytestmark = pytest.mark.isolated_app

LIFETIME, IDLE = 12 * 3600, 2 * 3600


@pytest.fixture
def lifetimes(app, monkeypatch):
    monkeypatch.setitem(app.registry.settings, "cs_handbook.session_max_age", LIFETIME)
    monkeypatch.setitem(app.registry.settings, "cs_handbook.session_idle_timeout", IDLE)


def _browser(app) -> webtest.TestApp:
    return webtest.TestApp(_IsolatedApp(app), extra_environ={"REMOTE_ADDR": "10.0.0.3", "HTTP_HOST": "localhost"})


def _signed_in(client) -> bool:
    response = client.get("/account/password", expect_errors=True)
    assert response.status_int in (200, 303)
    return response.status_int == 200


def test_a_session_in_use_ends_after_its_lifetime(testapp, dbsession, clock, lifetimes):
    AccountFactory(username="wang")
    login(testapp, "wang")
    for _hour in range(11):
        clock.advance(hours=1)
        assert _signed_in(testapp)
    clock.advance(minutes=59)
    assert _signed_in(testapp)
    clock.advance(minutes=2)  # 12 h and 1 minute after signing in
    assert not _signed_in(testapp)
    login(testapp, "wang")
    assert _signed_in(testapp)


def test_an_idle_session_ends(testapp, dbsession, clock, lifetimes):
    AccountFactory(username="wang")
    login(testapp, "wang")
    # Used now and then, it lives on: each use renews the idle stamp.
    for _step in range(3):
        clock.advance(hours=1, minutes=50)
        assert _signed_in(testapp)
    clock.advance(hours=2, minutes=1)
    assert not _signed_in(testapp)


def test_an_expired_session_is_refused_on_cached_handbook_pages_too(testapp, dbsession, clock, lifetimes):
    from tests.factories_documents import make_document

    document = make_document("policies/session-check", title="会话检查", body="正文")
    AccountFactory(username="wang")
    login(testapp, "wang")
    for _visit in range(2):  # the second visit is served from the page cache
        assert "会话检查" in testapp.get(f"/handbook/read/{document.slug}").text
    clock.advance(hours=2, minutes=1)
    assert testapp.get(f"/handbook/read/{document.slug}", status=303).location.startswith("http://localhost/signin")


def test_signing_in_again_ends_the_browsers_old_session(testapp, app, dbsession):
    AccountFactory(username="wang")
    login(testapp, "wang")
    old_cookie = testapp.cookies["cs_session"]
    # The sign-in form of another tab, sent while signed in.
    testapp.post("/signin", {"username": "wang", "password": "correct-horse-123", "csrf_token": csrf_token(testapp)},
                 status=303)
    assert testapp.cookies["cs_session"] != old_cookie
    assert _signed_in(testapp)
    copy = _browser(app)
    copy.set_cookie("cs_session", old_cookie)
    assert not _signed_in(copy)
    fresh(dbsession)
    assert dbsession.scalar(select(func.count()).select_from(LoginSession)
                            .where(LoginSession.revoked_at.is_(None))) == 1


def test_changing_the_password_ends_the_other_sessions(testapp, app, dbsession):
    AccountFactory(username="wang")
    login(testapp, "wang")
    elsewhere = _browser(app)
    login(elsewhere, "wang")
    form = testapp.get("/account/password").forms["deform"]
    form["current_password"] = "correct-horse-123"
    form["new_password"] = form["new_password-confirm"] = "brand-new-password"
    form.submit("submit", status=303)
    assert _signed_in(testapp)
    assert not _signed_in(elsewhere)


def test_end_sessions_signs_an_account_out_everywhere(app, testapp, dbsession, clock):
    from cs_handbook.services.auth import AuthService

    wang = AccountFactory(username="wang")
    AccountFactory(username="li")
    login(testapp, "wang")
    neighbour = _browser(app)
    login(neighbour, "li")
    assert AuthService(dbsession, clock, None, 10, 300).end_sessions(wang.id) == 1
    dbsession.commit()
    assert not _signed_in(testapp)
    assert _signed_in(neighbour)


def test_housekeeping_deletes_old_failures_and_ended_sessions(database_url, testapp, app, dbsession, clock,
                                                              lifetimes, monkeypatch, capsys):
    from cs_handbook.clock import Clock

    AccountFactory(username="wang")
    login(testapp, "wang")  # will be past its lifetime
    ended = _browser(app)
    login(ended, "wang")
    ended.post("/signout", {"csrf_token": csrf_token(ended)}, status=303)  # revoked
    clock.advance(hours=13)
    current = _browser(app)
    login(current, "wang")
    now = clock.advance(minutes=1)
    # Failures: one older than the 5-minute window, one inside it.
    dbsession.add_all([LoginAttempt(username="x", ip="10.0.0.1", at=now - timedelta(minutes=6)),
                       LoginAttempt(username="x", ip="10.0.0.1", at=now - timedelta(minutes=4))])
    dbsession.commit()
    fresh(dbsession)
    assert dbsession.scalar(select(func.count()).select_from(LoginSession)) == 3

    # The command builds its own app from testing.ini (lifetime 12 h): it gets the test's time.
    monkeypatch.setenv("CS_HANDBOOK_DATABASE_URL", database_url)
    monkeypatch.setattr(Clock, "now", lambda self: clock.now())
    assert cli_main([str(Path(__file__).resolve().parents[2] / "testing.ini"), "--quiet", "housekeeping"]) == 0
    assert capsys.readouterr().err.strip() == "清理完成：删除了 1 条过期的登录失败记录和 2 个已结束的会话。"
    fresh(dbsession)
    assert dbsession.scalar(select(func.count()).select_from(LoginAttempt)) == 1
    assert dbsession.scalar(select(func.count()).select_from(LoginSession)) == 1
    assert _signed_in(current)
