"""The audit log: what is recorded (who, what, when, from where) and the admin's filters."""

from datetime import UTC, datetime

import pytest
import webtest
from sqlalchemy import select

from cs_handbook.models.audit import AuditEvent
from tests.conftest import login
from tests.factories import AccountFactory
from tests.functional.isolation import fresh

pytestmark = pytest.mark.isolated_app

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _events(dbsession, action=None):
    fresh(dbsession)
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(dbsession.scalars(query))


def _client(app, ip):
    return webtest.TestApp(_wrap(app), extra_environ={"REMOTE_ADDR": ip, "HTTP_HOST": "localhost"})


def _wrap(app):
    from tests.functional.isolation import _IsolatedApp

    return _IsolatedApp(app)


def test_sign_in_success_failure_and_sign_out_are_logged(app, testapp, dbsession, clock):
    wang_id = AccountFactory(username="wang").id
    client = _client(app, "10.1.2.3")
    login(client, "wang", "wrong-password", status=400)
    login(client, "nobody", "wrong-password", status=400)
    login(client, "wang")
    token = client.get("/account/password").forms["deform"]["csrf_token"].value
    client.post("/signout", {"csrf_token": token}, status=303)
    events = _events(dbsession)
    assert [(e.action, e.actor_name, e.ip) for e in events] == [
        ("signin.failed", "wang", "10.1.2.3"),
        ("signin.failed", "nobody", "10.1.2.3"),
        ("signin", "wang", "10.1.2.3"),
        ("signout", "wang", "10.1.2.3"),
    ]
    assert all(e.at == NOW for e in events)
    assert events[2].actor_id == wang_id and events[0].actor_id is None
    assert events[0].detail == {"reason": "credentials"}


def test_permission_denied_is_logged_even_though_the_request_is_rolled_back(app, testapp, dbsession, clock):
    AccountFactory(username="wang")
    client = _client(app, "10.9.9.9")
    login(client, "wang")
    client.get("/admin/audit", status=403)
    token = client.get("/account/password").forms["deform"]["csrf_token"].value
    # An unsafe request too (on SQLite it holds the write lock when denied).
    client.post("/admin/accounts/new", {"csrf_token": token}, status=403)
    denied = _events(dbsession, "permission.denied")
    assert [(e.actor_name, e.target_id, e.detail["method"], e.ip) for e in denied] == [
        ("wang", "admin.audit", "GET", "10.9.9.9"), ("wang", "admin.accounts.new", "POST", "10.9.9.9")]
    assert all(e.at == NOW for e in denied)


def test_password_change_is_logged(testapp, dbsession, clock):
    AccountFactory(username="wang")
    login(testapp, "wang")
    form = testapp.get("/account/password").forms["deform"]
    form["current_password"] = "correct-horse-123"
    form["new_password"] = form["new_password-confirm"] = "another-horse-456"
    form.submit("submit", status=303)
    [event] = _events(dbsession, "password.changed")
    assert (event.actor_name, event.ip, event.at) == ("wang", "127.0.0.1", NOW)


def _seed(dbsession):
    rows = [
        ("signin", "alice", "10.0.0.1", datetime(2026, 2, 27, 23, 0, tzinfo=UTC)),
        ("signin.failed", "bob", "10.0.0.2", datetime(2026, 2, 28, 8, 0, tzinfo=UTC)),
        ("account.created", "alice", "10.0.0.1", datetime(2026, 3, 1, 12, 0, tzinfo=UTC)),
        ("grant.added", "carol", "10.0.0.3", datetime(2026, 3, 2, 8, 0, tzinfo=UTC)),
    ]
    for action, actor, ip, at in rows:
        dbsession.add(AuditEvent(action=action, actor_name=actor, ip=ip, at=at, detail={"n": actor}))
    dbsession.commit()


def _shown(page):
    """(who, action code) of each row; the code is kept in an attribute, the cell says it in words."""
    return [(tr.find_all("td")[1].text.strip(), tr.find_all("td")[2]["data-action"])
            for tr in page.html.select("tbody tr") if len(tr.find_all("td")) > 1]


def test_filters_by_action_who_address_and_dates(testapp, dbsession):
    AccountFactory(username="boss", roles=["admin"])
    login(testapp, "boss")
    _seed(dbsession)
    # (without the admin's own sign-in, which happened just now)
    everything = [row for row in _shown(testapp.get("/admin/audit")) if row[0] != "boss"]
    assert everything == [("carol", "grant.added"), ("alice", "account.created"), ("bob", "signin.failed"),
                              ("alice", "signin")]
    assert _shown(testapp.get("/admin/audit", {"action": "signin.failed"})) == [("bob", "signin.failed")]
    assert _shown(testapp.get("/admin/audit", {"actor": "alice"})) == [("alice", "account.created"),
                                                                        ("alice", "signin")]
    assert _shown(testapp.get("/admin/audit", {"ip": "10.0.0.3"})) == [("carol", "grant.added")]
    # Days are the site's (Asia/Shanghai): alice's sign-in at 23:00 UTC on the 27th was 07:00 on the 28th there.
    assert _shown(testapp.get("/admin/audit", {"since": "2026-02-28", "until": "2026-03-01"})) == [
        ("alice", "account.created"), ("bob", "signin.failed"), ("alice", "signin")]
    assert _shown(testapp.get("/admin/audit", {"until": "2026-02-27"})) == []
    assert _shown(testapp.get("/admin/audit", {"actor": "alice", "since": "2026-03-01"})) == [
        ("alice", "account.created")]
    # An unknown action or an over-long address filters nothing out: not a 500.
    assert len(_shown(testapp.get("/admin/audit", {"action": "nope", "ip": "x" * 500}))) == 0
    assert len(_shown(testapp.get("/admin/audit", {"action": "nope"}))) == 5


def _errors(page):
    return [li.text for li in page.html.select("div.flash-error li")]


def test_bad_filters_are_a_400_that_says_what_is_wrong(testapp, dbsession):
    AccountFactory(username="boss", roles=["admin"])
    login(testapp, "boss")
    _seed(dbsession)
    for params, message in (
        ({"page": "²"}, "页码无效"),
        ({"page": "0"}, "页码无效"),
        ({"page": "-3"}, "页码无效"),
        ({"page": "99999999999999999999"}, "页码无效"),
        ({"since": "yesterday"}, "开始日期无效"),
        ({"until": "2026-99-99"}, "结束日期无效"),
        ({"since": "２０２６-０３-０１"}, "开始日期无效"),
    ):
        page = testapp.get("/admin/audit", params, status=400)
        assert [message in e for e in _errors(page)] == [True], params
        assert _shown(page) == []
    # Both dates wrong: both said.
    page = testapp.get("/admin/audit", {"since": "x", "until": "y"}, status=400)
    assert len(_errors(page)) == 2


def test_extreme_but_valid_filters_are_answered(testapp, dbsession):
    AccountFactory(username="boss", roles=["admin"])
    login(testapp, "boss")
    _seed(dbsession)
    # The last day the calendar holds, and the first: no upper or lower bound.
    assert len(_shown(testapp.get("/admin/audit", {"until": "9999-12-31", "actor": "alice"}))) == 2
    assert len(_shown(testapp.get("/admin/audit", {"since": "0001-01-01", "actor": "alice"}))) == 2
    # A page far past the end is an empty page, not an error.
    page = testapp.get("/admin/audit", {"page": "999999999"})
    assert _shown(page) == [] and "较新" in page.text


def test_audit_log_pages(testapp, dbsession):
    AccountFactory(username="boss", roles=["admin"])
    login(testapp, "boss")
    for n in range(55):
        dbsession.add(AuditEvent(action="signin", actor_name=f"u{n}", ip="10.0.0.1",
                                 at=datetime(2026, 1, 1, 0, n, tzinfo=UTC), detail={}))
    dbsession.commit()
    first = testapp.get("/admin/audit", {"action": "signin"})
    assert len(_shown(first)) == 50 and "较早" in first.text
    second = first.click(description="较早")
    # 56 sign-ins: the admin's own (newest) and u54 … u0.
    assert [who for who, _ in _shown(second)] == [f"u{n}" for n in range(5, -1, -1)]
    assert "较早" not in second.text and "较新" in second.text
