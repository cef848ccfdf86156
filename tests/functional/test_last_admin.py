"""The site always keeps an active administrator: the last one cannot lose the role or be disabled."""

import threading

import pytest
import transaction
import zope.sqlalchemy
from sqlalchemy import select

from cs_handbook.clock import FixedClock
from cs_handbook.models import sqlite_write_intent
from cs_handbook.models.accounts import Account, Grant
from cs_handbook.services.accounts import AccountError, AccountService
from cs_handbook.services.audit import AuditService
from tests.conftest import login
from tests.factories import AccountFactory
from tests.functional.isolation import fresh

pytestmark = pytest.mark.isolated_app


def _admins(dbsession) -> set[str]:
    fresh(dbsession)
    return set(dbsession.scalars(
        select(Account.username).join(Grant, Grant.account_id == Account.id)
        .where(Grant.role == "admin", Grant.scope_type == "site", Account.is_active.is_(True))))


def _untick_admin(testapp, account_id, status):
    form = testapp.get(f"/admin/accounts/{account_id}").forms["account"]
    for field in form.fields["checkbox"]:
        if field._value == "admin":
            field.checked = False
    return form.submit("submit", status=status)


def test_the_last_admin_cannot_drop_their_own_admin_role(testapp, dbsession):
    boss = AccountFactory(username="boss", display_name="老板", roles=["admin", "trainer"])
    boss_id = boss.id
    login(testapp, "boss")
    form = testapp.get(f"/admin/accounts/{boss_id}").forms["account"]
    form["display_name"] = "不该保存"
    for field in form.fields["checkbox"]:
        if field._value == "admin":
            field.checked = False
    response = form.submit("submit", status=400)
    assert "老板 是最后一位启用中的管理员" in response.html.select_one(".item-roles .invalid-feedback").text
    assert _admins(dbsession) == {"boss"}
    fresh(dbsession)
    assert dbsession.get(Account, boss_id).display_name == "老板"


def test_with_another_admin_the_role_can_go(testapp, dbsession):
    boss_id = AccountFactory(username="boss", roles=["admin"]).id
    AccountFactory(username="deputy", roles=["admin"])
    login(testapp, "boss")
    _untick_admin(testapp, boss_id, status=303)
    assert _admins(dbsession) == {"deputy"}


def test_a_disabled_admin_does_not_count(testapp, dbsession):
    boss_id = AccountFactory(username="boss", roles=["admin"]).id
    AccountFactory(username="gone", roles=["admin"], disabled=True)
    login(testapp, "boss")
    assert "最后一位启用中的管理员" in _untick_admin(testapp, boss_id, status=400).text
    assert _admins(dbsession) == {"boss"}


def test_the_last_admin_cannot_be_disabled(dbsession, clock):
    boss = AccountFactory(username="boss", roles=["admin"])
    service = AccountService(dbsession, clock, AuditService(dbsession, clock))
    with pytest.raises(AccountError) as refused:
        service.set_active(boss, False)
    assert refused.value.msgid.startswith("${name} is the last active administrator")
    other = AccountFactory(username="other", roles=["admin"])
    service.set_active(boss, False)
    with pytest.raises(AccountError):
        service.set_active(other, False)


def _threaded(registry, work, count=2):
    errors, results = [], []
    barrier = threading.Barrier(count)

    def run(i):
        sqlite_write_intent.set(True)  # writers take SQLite's write lock at BEGIN, as requests that write do
        session = registry["dbsession_factory"]()
        try:
            barrier.wait()
            manager = transaction.TransactionManager(explicit=True)
            zope.sqlalchemy.register(session, transaction_manager=manager)
            with manager:
                results.append(work(session, i))
        except AccountError as error:
            errors.append(error)
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_two_admins_removing_each_other_at_once_leave_one(dbsession, registry, clock):
    ids = [AccountFactory(username="first", roles=["admin"]).id, AccountFactory(username="second", roles=["admin"]).id]
    fixed = FixedClock(clock.now())

    def remove_the_other(session, i):
        service = AccountService(session, fixed, AuditService(session, fixed))
        other = session.get(Account, ids[1 - i])
        service.set_global_roles(other, set())
        return i

    results, errors = _threaded(registry, remove_the_other)
    assert len(results) == 1 and len(errors) == 1
    assert len(_admins(dbsession)) == 1


def test_an_admin_disabled_while_another_loses_the_role_leaves_one(dbsession, registry, clock):
    ids = [AccountFactory(username="first", roles=["admin"]).id, AccountFactory(username="second", roles=["admin"]).id]
    fixed = FixedClock(clock.now())

    def work(session, i):
        service = AccountService(session, fixed, AuditService(session, fixed))
        if i == 0:
            service.set_active(session.get(Account, ids[0]), False)
        else:
            service.set_global_roles(session.get(Account, ids[1]), set())
        return i

    results, errors = _threaded(registry, work)
    assert len(results) == 1 and len(errors) == 1
    assert len(_admins(dbsession)) == 1
