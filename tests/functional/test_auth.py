"""Sign-in, sign-out, sessions that end, the rate limit, and the security headers."""

import pytest
from sqlalchemy import func, select

from cs_handbook.models.audit import AuditEvent
from tests.conftest import csrf_token, login
from tests.factories import AccountFactory


def test_sign_in_and_out(testapp, dbsession):
    AccountFactory(username="wang", display_name="王芳")
    response = login(testapp, "wang").follow()
    assert "王芳" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    token = response.html.find("form", action="http://localhost/signout").find("input")["value"]
    testapp.post("/signout", {"csrf_token": token}, status=303)
    assert testapp.get("/", status=303).location.endswith("/signin")


def test_wrong_password_is_a_clear_400(testapp, dbsession):
    AccountFactory(username="wang")
    response = login(testapp, "wang", "wrong-password", status=400)
    assert "用户名或密码错误" in response.text or "Wrong username or password" in response.text
    assert dbsession.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "signin.failed")) == 1


def test_session_rotates_at_sign_in(testapp, app, dbsession):
    import webtest

    AccountFactory(username="wang")
    before_token = testapp.get("/signin").forms["deform"]["csrf_token"].value
    # A cookie an attacker could have planted before the victim signs in.
    planted = testapp.cookies["cs_session"]
    login(testapp, "wang")
    assert testapp.cookies["cs_session"] != planted
    attacker = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.9", "HTTP_HOST": "localhost"})
    attacker.set_cookie("cs_session", planted)
    assert attacker.get("/account/password", status=303).location.startswith("http://localhost/signin")
    # The CSRF token of before the sign-in is refused after it; the new one works.
    refused = testapp.post("/account/notices", {"csrf_token": before_token}, status=400)
    assert "表单已过期" in refused.text
    testapp.post("/account/notices", {"csrf_token": csrf_token(testapp)}, status=303)


def test_copied_cookie_stops_working_after_sign_out(testapp, app, dbsession):
    import webtest

    AccountFactory(username="wang")
    login(testapp, "wang")
    stolen = testapp.cookies["cs_session"]
    token = testapp.get("/account/password").forms["deform"]["csrf_token"].value
    testapp.post("/signout", {"csrf_token": token}, status=303)
    thief = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.9", "HTTP_HOST": "localhost"})
    thief.set_cookie("cs_session", stolen)
    assert thief.get("/account/password", status=303).location.startswith("http://localhost/signin")


def test_disabling_an_account_ends_its_sessions(testapp, app, dbsession):
    import webtest

    AccountFactory(username="boss", roles=["admin"])
    victim = AccountFactory(username="leaver")
    staff = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.2", "HTTP_HOST": "localhost"})
    login(staff, "leaver")
    staff.get("/account/password", status=200)
    login(testapp, "boss")
    page = testapp.get(f"/admin/accounts/{victim.id}")
    status_form = next(f for f in page.forms.values() if f.action.endswith("/status"))
    status_form.submit(status=303)
    staff.get("/account/password", status=303)
    login(staff, "leaver", status=400)


def test_ten_failures_throttle_with_429_and_audit(testapp, dbsession):
    AccountFactory(username="wang")
    for _ in range(10):
        login(testapp, "wang", "nope-nope-nope", status=400)
    response = login(testapp, "wang", status=429)
    assert response.headers["Retry-After"]
    assert dbsession.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "signin.throttled")) == 1


def test_ten_failures_from_one_address_throttle_that_address(testapp, app, dbsession):
    import webtest

    AccountFactory(username="wang")
    for n in range(10):
        login(testapp, f"guess{n}", "nope-nope-nope", status=400)
    # The right password from the guessing address: still refused.
    assert "登录失败次数过多" in login(testapp, "wang", status=429).text
    elsewhere = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.7", "HTTP_HOST": "localhost"})
    login(elsewhere, "wang")


def test_throttle_expires_after_the_window(testapp, dbsession, clock):
    AccountFactory(username="wang")
    for _ in range(10):
        login(testapp, "wang", "nope-nope-nope", status=400)
    login(testapp, "wang", status=429)
    clock.advance(minutes=5, seconds=1)
    login(testapp, "wang", status=303)


def _assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, response.request.path
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_security_headers_on_every_response(testapp, dbsession):
    AccountFactory(username="wang")
    for response in (testapp.get("/signin"), testapp.get("/static/css/site.css"), testapp.get("/healthz"),
                     testapp.post("/signin", {"username": "wang"}, status=400),  # no CSRF token
                     testapp.get("/no/such/page", status=404)):
        _assert_security_headers(response)
    login(testapp, "wang")
    for response in (testapp.get("/"), testapp.get("/admin/accounts", status=403),
                     testapp.delete("/account/password", status=405),
                     testapp.post("/language", {"csrf_token": csrf_token(testapp), "language": "fr"}, status=400)):
        _assert_security_headers(response)
        assert response.headers["Cache-Control"] == "no-store"


def test_healthz(testapp):
    assert testapp.get("/healthz").json == {"status": "ok"}


@pytest.mark.parametrize("next_path, location", [
    ("//evil.example/", "http://localhost/"),
    ("/%5Cevil.example", "http://localhost/"),
    # CR/LF would split the Location header: refused, not a 500.
    ("/%0d%0aSet-Cookie:%20stolen=1", "http://localhost/"),
    ("/account/notices", "http://localhost/account/notices"),
    ("/%E6%96%87%E6%A1%A3", "http://localhost/%E6%96%87%E6%A1%A3"),
])
def test_next_must_be_a_clean_path_on_this_site(testapp, dbsession, next_path, location):
    AccountFactory(username="wang")
    page = testapp.get(f"/signin?next={next_path}")
    form = page.forms["deform"]
    form["username"], form["password"] = "wang", "correct-horse-123"
    response = form.submit("submit", status=303)
    assert response.location == location
    assert "stolen" not in response.headers.get("Set-Cookie", "")
