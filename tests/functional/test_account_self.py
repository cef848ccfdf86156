"""A signed-in person changes their own password and reads their notices."""

import pytest
import webtest
from sqlalchemy import select

from cs_handbook.models.accounts import Account
from tests.conftest import login
from tests.factories import AccountFactory
from tests.functional.isolation import fresh

pytestmark = pytest.mark.isolated_app


def _change(testapp, current, new, confirm=None, status=303):
    form = testapp.get("/account/password").forms["deform"]
    form["current_password"] = current
    form["new_password"] = new
    form["new_password-confirm"] = new if confirm is None else confirm
    return form.submit("submit", status=status)


def test_wrong_current_password_is_a_400_with_a_message(testapp, dbsession):
    AccountFactory(username="wang")
    login(testapp, "wang")
    response = _change(testapp, "not-my-password", "brand-new-password", status=400)
    assert "当前密码不正确" in response.text
    testapp.reset()
    login(testapp, "wang")  # unchanged


def test_new_password_works_and_the_old_one_no_longer(testapp, app, dbsession):
    AccountFactory(username="wang")
    login(testapp, "wang")
    response = _change(testapp, "correct-horse-123", "brand-new-password").follow()
    assert "密码已修改" in response.text
    other = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.4", "HTTP_HOST": "localhost"})
    login(other, "wang", "correct-horse-123", status=400)
    login(other, "wang", "brand-new-password")
    fresh(dbsession)
    stored = dbsession.scalar(select(Account.password_hash).where(Account.username == "wang"))
    # argon2id with the cost the issue asks for (memory >= 19 MiB, time >= 2).
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert stored.startswith("$argon2id$") and int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2


def test_short_or_mismatched_new_password_is_400(testapp, dbsession):
    AccountFactory(username="wang")
    login(testapp, "wang")
    assert "至少输入 10 个字符" in _change(testapp, "correct-horse-123", "short", status=400).text
    _change(testapp, "correct-horse-123", "brand-new-password", confirm="different-password", status=400)
    testapp.reset()
    login(testapp, "wang")


def test_anonymous_is_sent_to_sign_in_and_back(testapp, dbsession):
    AccountFactory(username="wang")
    response = testapp.get("/account/password", status=303)
    assert response.location == "http://localhost/signin?next=%2Faccount%2Fpassword"
    page = testapp.get(response.location)
    form = page.forms["deform"]
    form["username"], form["password"] = "wang", "correct-horse-123"
    assert form.submit("submit", status=303).location == "http://localhost/account/password"


def test_signed_in_pages_are_not_cached_and_public_ones_may_be(testapp, dbsession):
    AccountFactory(username="wang")
    login(testapp, "wang")
    for path in ("/", "/account/password", "/account/notices"):
        assert testapp.get(path).headers["Cache-Control"] == "no-store"


def test_notices_are_listed_and_marked_read(testapp, dbsession, clock):
    from cs_handbook.models.notices import Notice
    from cs_handbook.services.notices import NoticeService

    wang_id = AccountFactory(username="wang").id
    service = NoticeService(dbsession, clock)
    assert service.leave(wang_id, "test", "Your password was changed.", dedupe_key="k1")
    assert not service.leave(wang_id, "test", "Your password was changed.", dedupe_key="k1")  # deduplicated
    dbsession.commit()
    login(testapp, "wang")
    assert "您有 1 条未读通知" in testapp.get("/").text
    page = testapp.get("/account/notices")
    assert "密码已修改" in page.text  # the message is translated when shown
    token = testapp.get("/account/password").forms["deform"]["csrf_token"].value
    testapp.post("/account/notices", {"csrf_token": token}, status=303)
    fresh(dbsession)
    assert dbsession.scalar(select(Notice.read_at).where(Notice.account_id == wang_id)) is not None
    assert "未读通知" not in testapp.get("/").text
