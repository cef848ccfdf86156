"""The audit log and the account list say things in words, in the reader's language and time zone."""

import re
from datetime import UTC, datetime

import pytest
import webtest
from sqlalchemy import select
from webtest import Upload

from cs_handbook.models.accounts import Account
from cs_handbook.models.audit import AuditEvent
from cs_handbook.services.audit import AuditAction
from cs_handbook.services.site_settings import SiteSettingsService
from cs_handbook.zones import SITE_TIMEZONE_KEY
from tests.conftest import login
from tests.factories import AccountFactory, PositionFactory, TeamFactory
from tests.functional.isolation import _IsolatedApp, fresh

pytestmark = pytest.mark.isolated_app

# What must never show in the table: action codes, detail keys, field names, role and reason codes.
RAW = [re.escape(code) for code in AuditAction.all() if "." in code] + [
    r"\bscope_(type|id)\b", r"\b(team|position|mentor)_id\b", r"\bdisplay_name\b", r"\bstart_date\b",
    r"\bfields\b", r"\bchanges\b", r"\breason\b", r"\bcredentials\b", r"\bmethod\b", r"\bGET\b", r"\bPOST\b",
    r"\bzh_CN\b", r"\baccount \d", r"\broute\b", r"\bTrue\b",
    r"\bNone\b", r"\{", r"=",
]
# Role codes are English words: looked for in the Chinese page only.
ROLE_CODES = [r"\btrainer\b", r"\bmanager\b", r"\bmentor\b", r"\bowner\b", r"\breviewer\b"]


def _client(app, ip):
    return webtest.TestApp(_IsolatedApp(app), extra_environ={"REMOTE_ADDR": ip, "HTTP_HOST": "localhost"})


def _check(form, name, value):
    for field in form.fields.get(name, ()):
        if getattr(field, "_value", None) == value:
            field.checked = True


def _make_history(app, testapp, language="zh_CN"):
    """Events of every kind an admin's day produces, made through the pages."""
    team = TeamFactory(name="客服一组")
    PositionFactory(code="cs-agent", name="客户服务人员")
    mentor = AccountFactory(username="laoshi", display_name="李老师")
    person = AccountFactory(username="xiaoming", display_name="张小明")
    AccountFactory(username="boss", display_name="管理员", roles=["admin"], language=language)
    ids = {"team": team.id, "mentor": mentor.id, "person": person.id}
    login(testapp, "boss")
    form = testapp.get(f"/admin/accounts/{ids['person']}").forms["account"]
    form["team_id"] = str(ids["team"])
    form["mentor_id"] = str(ids["mentor"])
    form["language"] = "en"
    form["start_date"] = "2026-03-02"
    form["display_name"] = "张晓明"
    _check(form, "checkbox", "trainer")
    form.submit("submit", status=303)
    grant = testapp.get(f"/admin/accounts/{ids['mentor']}").forms["grant-manager-team"]
    grant["scope_id"] = str(ids["team"])
    grant.submit("submit", status=303)
    page = testapp.get(f"/admin/accounts/{ids['person']}")
    next(f for f in page.forms.values() if f.action.endswith("/status")).submit(status=303)
    page = testapp.get(f"/admin/accounts/{ids['person']}")
    next(f for f in page.forms.values() if f.action.endswith("/status")).submit(status=303)
    reset = testapp.get(f"/admin/accounts/{ids['person']}/password").forms["password"]
    reset["new_password"] = reset["new_password-confirm"] = "new-password-for-him"
    reset.submit("submit", status=303)
    roster = testapp.get("/admin/accounts/roster").forms["deform"]
    roster["upload"] = Upload("roster.csv", "username,display_name\nnew.one,新人甲\n".encode(), "text/csv")
    roster["default_password"] = roster["default_password-confirm"] = "roster-password-1"
    roster.submit("submit", status=303)
    other = _client(app, "10.0.0.9")
    login(other, "xiaoming", "wrong-password", status=400)
    login(other, "laoshi")
    other.get("/admin/audit", status=403)
    return ids


def _table(page):
    return page.html.select_one("table.audit tbody")


def _cell(td):
    details = td.select("span.detail")
    if details:
        return "; ".join(" ".join(span.get_text(" ").split()) for span in details)
    return " ".join(td.get_text(" ").split())


def _rows(page):
    return [[_cell(td) for td in tr.find_all("td")] for tr in _table(page).find_all("tr")
            if len(tr.find_all("td")) > 1]


def test_every_event_reads_as_words_in_chinese(app, testapp, dbsession):
    _make_history(app, testapp)
    page = testapp.get("/admin/audit")
    text = _table(page).get_text(" ")
    raw = [pattern for pattern in RAW + ROLE_CODES if re.search(pattern, text)]
    assert raw == [], text
    rows = {(row[2], row[3]): row[4] for row in _rows(page)}
    assert rows[("修改账号", "张晓明 (xiaoming)")] == (
        "显示名称：张小明 → 张晓明; 团队：— → 客服一组; 入职日期：— → 2026-03-02; 导师：— → 李老师 (laoshi); "
        "语言：简体中文 → English")
    assert rows[("授予角色", "张晓明 (xiaoming)")] == "角色：培训师"
    assert rows[("授予角色", "李老师 (laoshi)")] in ("角色：导师 · 张晓明 (xiaoming)", "角色：团队经理 · 客服一组")
    assert {row[4] for row in _rows(page) if row[2] == "授予角色" and row[3] == "李老师 (laoshi)"} == {
        "角色：导师 · 张晓明 (xiaoming)", "角色：团队经理 · 客服一组"}
    assert rows[("登录失败", "")] == "原因：用户名或密码错误"
    assert rows[("无权访问", "页面 /admin/audit")] == "请求：打开"
    assert rows[("导入花名册", "")] == "新建：1; 更新：0"
    assert rows[("创建账号", "新人甲 (new.one)")] == "用户名：new.one"
    assert {"停用账号", "启用账号", "管理员设置了新密码", "登录"} <= {row[2] for row in _rows(page)}
    # The action filter lists actions by name too.
    options = [o.get_text() for o in page.html.select("select[name=action] option")]
    assert "授予角色" in options and not any("." in o for o in options)


def test_every_event_reads_as_words_in_english(app, testapp, dbsession):
    _make_history(app, testapp, language="en")
    page = testapp.get("/admin/audit")
    text = _table(page).get_text(" ")
    raw = [pattern for pattern in RAW if re.search(pattern, text)]
    assert raw == [], text
    actions = {row[2] for row in _rows(page)}
    assert {"Account changed", "Role granted", "Sign-in failed", "Access denied", "Roster imported"} <= actions
    rows = {(row[2], row[3]): row[4] for row in _rows(page)}
    assert rows[("Sign-in failed", "")] == "Reason: wrong username or password"
    assert "Language: 简体中文 → English" in rows[("Account changed", "张晓明 (xiaoming)")]


def test_the_account_list_names_global_roles(testapp, dbsession):
    AccountFactory(username="teacher", roles=["trainer", "qa"])
    AccountFactory(username="boss", roles=["admin"])
    login(testapp, "boss")
    cells = {tr.find_all("td")[0].get_text(strip=True): tr.find_all("td")[4].get_text(strip=True)
             for tr in testapp.get("/admin/accounts").html.select("tbody tr")}
    assert cells["teacher"] == "质检员, 培训师" and cells["boss"] == "管理员"


def _seed_times(dbsession):
    for name, at in (("early", datetime(2026, 3, 1, 15, 30, tzinfo=UTC)),   # 23:30 on the 1st in Shanghai
                     ("late", datetime(2026, 3, 1, 16, 30, tzinfo=UTC))):   # 00:30 on the 2nd in Shanghai
        dbsession.add(AuditEvent(action="signin", actor_name=name, ip="10.0.0.1", at=at, detail={}))
    dbsession.commit()


def test_times_are_shown_and_filtered_in_the_sites_zone(testapp, dbsession, clock):
    AccountFactory(username="boss", roles=["admin"])
    login(testapp, "boss")
    _seed_times(dbsession)
    page = testapp.get("/admin/audit", {"actor": "early"})
    assert "Asia/Shanghai（UTC+08:00）" in page.text
    assert _rows(page)[0][0] == "2026-03-01 23:30:00"
    assert [r[1] for r in _rows(testapp.get("/admin/audit", {"since": "2026-03-02", "until": "2026-03-02"}))
            if r[1] != "boss"] == ["late"]
    # Another site zone: the same events on other days.
    SiteSettingsService(dbsession, clock).set(SITE_TIMEZONE_KEY, "Europe/London")
    dbsession.commit()
    page = testapp.get("/admin/audit", {"since": "2026-03-01", "until": "2026-03-01"})
    assert [r[0] for r in _rows(page)] == ["2026-03-01 16:30:00", "2026-03-01 15:30:00"]
    assert "Europe/London（UTC+00:00）" in page.text


def test_filter_by_the_account_concerned_and_by_part_of_who(testapp, dbsession):
    alice_id = AccountFactory(username="alice").id
    AccountFactory(username="boss", roles=["admin"])
    login(testapp, "boss")
    for actor, target in (("alice", alice_id), ("bob", alice_id), ("malice", alice_id + 100), ("al%ce", None)):
        dbsession.add(AuditEvent(action="account.updated", actor_name=actor, ip="10.0.0.1",
                                 at=datetime(2026, 3, 1, tzinfo=UTC), target_type="account" if target else "",
                                 target_id=str(target or ""), detail={}))
    dbsession.commit()
    # From the account's page.
    page = testapp.get(f"/admin/accounts/{alice_id}").click(description="该账号的审计日志")
    assert sorted(r[1] for r in _rows(page)) == ["alice", "bob"]
    assert page.html.select_one("select[name=target] option[selected]")["value"] == str(alice_id)
    assert sorted(r[1] for r in _rows(testapp.get("/admin/audit", {"actor": "ALI"}))) == ["alice", "malice"]
    # % and _ are letters here, not wildcards.
    assert [r[1] for r in _rows(testapp.get("/admin/audit", {"actor": "%"}))] == ["al%ce"]
    assert [r[1] for r in _rows(testapp.get("/admin/audit", {"actor": "_"}))] == []
    for junk in ("²", "0", "x", "99999999999999999999"):
        page = testapp.get("/admin/audit", {"target": junk}, status=400)
        assert "请从列表中选择账号" in page.text


def test_an_update_records_old_and_new_values_but_never_a_password(testapp, dbsession):
    person_id = AccountFactory(username="person", display_name="旧名", email="old@example.com").id
    AccountFactory(username="boss", roles=["admin"])
    login(testapp, "boss")
    form = testapp.get(f"/admin/accounts/{person_id}").forms["account"]
    form["email"] = "new@example.com"
    form.submit("submit", status=303)
    reset = testapp.get(f"/admin/accounts/{person_id}/password").forms["password"]
    reset["new_password"] = reset["new_password-confirm"] = "a-secret-password-1"
    reset.submit("submit", status=303)
    fresh(dbsession)
    events = list(dbsession.scalars(select(AuditEvent).where(AuditEvent.target_id == str(person_id))))
    assert [e.detail for e in events if e.action == "account.updated"] == [
        {"changes": {"email": ["old@example.com", "new@example.com"]}}]
    assert not any("a-secret-password-1" in str(e.detail) for e in events)
    assert not any(dbsession.get(Account, person_id).password_hash in str(e.detail) for e in events)
