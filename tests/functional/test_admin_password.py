"""An admin sets a new password for someone who lost theirs: old sessions end, the change is audited."""

import pytest
import webtest
from sqlalchemy import select

from cs_handbook.models.accounts import Account
from cs_handbook.models.audit import AuditEvent
from tests.conftest import login
from tests.factories import DEFAULT_PASSWORD, AccountFactory
from tests.functional.isolation import _IsolatedApp, fresh

pytestmark = pytest.mark.isolated_app

NEW_PASSWORD = "brand-new-password-9"


def _client(app, ip="10.0.0.7"):
    return webtest.TestApp(_IsolatedApp(app), extra_environ={"REMOTE_ADDR": ip, "HTTP_HOST": "localhost"})


def _reset_form(testapp, account_id):
    return testapp.get(f"/admin/accounts/{account_id}/password").forms["password"]


def test_admin_sets_a_new_password_and_the_persons_sessions_end(app, testapp, dbsession, clock):
    person_id = AccountFactory(username="forgetful", display_name="健忘的人").id
    AccountFactory(username="boss", roles=["admin"])
    person = _client(app)
    login(person, "forgetful")
    person.get("/", status=200)
    login(testapp, "boss")
    # Reached from the person's page.
    page = testapp.get(f"/admin/accounts/{person_id}").click(description="设置新密码")
    form = page.forms["password"]
    form["new_password"] = form["new_password-confirm"] = NEW_PASSWORD
    page = form.submit("submit", status=303).follow()
    assert "已为 健忘的人 设置新密码" in page.text

    # The copied cookie of the person's browser no longer works …
    assert person.get("/", status=303).location.startswith("http://localhost/signin")
    # … the old password is refused and the new one works.
    fresh_client = _client(app, "10.0.0.8")
    login(fresh_client, "forgetful", DEFAULT_PASSWORD, status=400)
    login(fresh_client, "forgetful", NEW_PASSWORD)
    fresh(dbsession)
    assert dbsession.get(Account, person_id).password_hash.startswith("$argon2id$")
    [event] = dbsession.scalars(select(AuditEvent).where(AuditEvent.action == "password.reset"))
    assert (event.actor_name, event.target_type, event.target_id, event.ip) == (
        "boss", "account", str(person_id), "127.0.0.1")
    assert "password" not in str(event.detail).lower()


def test_a_short_or_unconfirmed_password_is_a_400_and_nothing_changes(app, testapp, dbsession):
    person_id = AccountFactory(username="person").id
    AccountFactory(username="boss", roles=["admin"])
    person = _client(app)
    login(person, "person")
    login(testapp, "boss")
    form = _reset_form(testapp, person_id)
    form["new_password"] = form["new_password-confirm"] = "short"
    assert "至少输入 10 个字符" in form.submit("submit", status=400).text
    form = _reset_form(testapp, person_id)
    form["new_password"], form["new_password-confirm"] = NEW_PASSWORD, NEW_PASSWORD + "x"
    form.submit("submit", status=400)
    form = _reset_form(testapp, person_id)
    form["new_password"] = form["new_password-confirm"] = "control\x07chars-pw"
    form.submit("submit", status=400)
    person.get("/", status=200)  # still signed in
    login(_client(app, "10.0.0.9"), "person", DEFAULT_PASSWORD)
    fresh(dbsession)
    assert dbsession.scalars(select(AuditEvent).where(AuditEvent.action == "password.reset")).all() == []


def test_an_admin_is_sent_to_change_password_for_their_own_account(testapp, dbsession):
    boss_id = AccountFactory(username="boss", roles=["admin"]).id
    login(testapp, "boss")
    assert "设置新密码" not in testapp.get(f"/admin/accounts/{boss_id}").text
    page = testapp.get(f"/admin/accounts/{boss_id}/password")
    assert "password" not in page.forms
    assert page.html.find("a", href="http://localhost/account/password") is not None
    token = testapp.get("/account/password").forms["deform"]["csrf_token"].value
    response = testapp.post(f"/admin/accounts/{boss_id}/password",
                            [("csrf_token", token), ("__start__", "new_password:mapping"),
                             ("new_password", NEW_PASSWORD), ("new_password-confirm", NEW_PASSWORD),
                             ("__end__", "new_password:mapping")], status=400)
    assert "修改自己的密码" in response.text
    testapp.get("/", status=200)  # still signed in, with the old password
    fresh(dbsession)
    assert dbsession.scalars(select(AuditEvent).where(AuditEvent.action == "password.reset")).all() == []
