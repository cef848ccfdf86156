"""Roster import: all rows or none, bad lines reported by number, bad files refused."""

import pytest
from sqlalchemy import func, select
from webtest import Upload

from cs_handbook.models.accounts import Account, Grant, ScopedRole
from cs_handbook.models.audit import AuditEvent
from tests.conftest import login
from tests.factories import AccountFactory, PositionFactory, TeamFactory
from tests.functional.isolation import fresh

pytestmark = pytest.mark.isolated_app

HEADER = "username,display_name,email,position,team,start_date,mentor,language\n"


def _upload(testapp, body: bytes, password="roster-password-1", status=303):
    form = testapp.get("/admin/accounts/roster").forms["deform"]
    form["upload"] = Upload("roster.csv", body, "text/csv")
    form["default_password"] = form["default_password-confirm"] = password
    return form.submit("submit", status=status)


def _count(dbsession, model=Account):
    fresh(dbsession)
    return dbsession.scalar(select(func.count()).select_from(model))


def _setup(dbsession, testapp):
    TeamFactory(name="客服一组")
    PositionFactory(code="cs-agent", name="客户服务人员")
    AccountFactory(username="boss", roles=["admin"])
    login(testapp, "boss")


def test_a_good_roster_creates_and_updates(testapp, dbsession):
    _setup(dbsession, testapp)
    AccountFactory(username="old.hand", display_name="老员工")
    body = (HEADER
            + "lina,李娜,lina@example.com,cs-agent,客服一组,2026-03-02,old.hand,zh_CN\n"
            + "tom,Tom,,,,,lina,en\n"
            + "Old.Hand,老员工（改名）,,,,,,\n").encode("utf-8-sig")  # Excel's BOM is fine
    response = _upload(testapp, body).follow()
    assert "新建 2 个，更新 1 个" in response.text
    fresh(dbsession)
    lina = dbsession.scalar(select(Account).where(Account.username == "lina"))
    assert (lina.display_name, lina.email, lina.position.code, lina.team.name, str(lina.start_date)) == (
        "李娜", "lina@example.com", "cs-agent", "客服一组", "2026-03-02")
    old = dbsession.scalar(select(Account).where(Account.username == "old.hand"))
    assert lina.mentor_id == old.id and old.display_name == "老员工（改名）"
    tom = dbsession.scalar(select(Account).where(Account.username == "tom"))
    # A mentor named on an earlier row of the same file; the grant follows.
    assert tom.mentor_id == lina.id and tom.language == "en"
    assert dbsession.scalar(select(Grant).where(Grant.role == ScopedRole.MENTOR, Grant.scope_id == tom.id)).account_id \
        == lina.id
    event = dbsession.scalar(select(AuditEvent).where(AuditEvent.action == "roster.imported"))
    assert event.actor_name == "boss" and event.detail == {"created": 2, "updated": 1} and event.ip == "127.0.0.1"
    testapp.reset()
    login(testapp, "tom", "roster-password-1")


def test_a_bad_row_is_reported_by_line_and_nothing_is_imported(testapp, dbsession):
    _setup(dbsession, testapp)
    before = _count(dbsession)
    body = (HEADER
            + "good1,好人一,,,,,,\n"
            + "good2,好人二,,,,,,\n"
            + "bad one,坏名字,,,,,,\n"          # line 4
            + "good3,好人三,,nowhere,,,,\n"     # line 5: unknown position
            + "good4,好人四,,,,2026-13-45,,\n"  # line 6
            + "good1,重复,,,,,,\n"              # line 7
            + "good5,,,,,,,\n"                  # line 8: no display name
            + "good6,好人六,,,无此组,,,\n"       # line 9
            + "good7,好人七,,,,,ghost,\n"        # line 10
            + "good8,好人八,,,,,,fr\n"           # line 11
            + "good9,好人九,not-an-email,,,,,\n").encode()  # line 12
    response = _upload(testapp, body, status=400)
    errors = [li.text for li in response.html.select("ul.import-errors li")]
    assert [e.split("：")[0] for e in errors] == [f"第 {n} 行" for n in range(4, 13)]
    assert "用户名无效" in errors[0] and "未知的岗位：nowhere" in errors[1] and "日期无效" in errors[2]
    assert "good1 重复出现" in errors[3] and "未知的团队：无此组" in errors[5] and "未知的导师：ghost" in errors[6]
    assert "未导入任何数据" in response.text
    assert _count(dbsession) == before
    assert _count(dbsession, AuditEvent) == 0 or not dbsession.scalar(
        select(AuditEvent).where(AuditEvent.action == "roster.imported"))


def test_a_file_that_is_not_utf8_is_refused_with_a_message(testapp, dbsession):
    _setup(dbsession, testapp)
    before = _count(dbsession)
    response = _upload(testapp, (HEADER + "lina,李娜,,,,,,\n").encode("gb18030"), status=400)
    assert "文件不是 UTF-8 文本" in response.text
    assert _count(dbsession) == before


def test_missing_columns_and_empty_files(testapp, dbsession):
    _setup(dbsession, testapp)
    response = _upload(testapp, "name,email\n小王,a@example.com\n".encode(), status=400)
    assert "缺少字段：display_name, username" in response.text
    response = _upload(testapp, HEADER.encode(), status=400)
    assert "文件中没有数据行" in response.text
    response = _upload(testapp, b"", status=400)
    assert "缺少字段" in response.text


def test_broken_csv_and_control_characters_are_400(testapp, dbsession):
    _setup(dbsession, testapp)
    before = _count(dbsession)
    response = _upload(testapp, (HEADER + "a\x00b,名字,,,,,,\n").encode(), status=400)
    assert "第 2 行" in response.text
    response = _upload(testapp, (HEADER + "ok.name,名\x07字,,,,,,\n").encode(), status=400)
    assert "第 2 行" in response.text
    response = _upload(testapp, (HEADER + 'ok.name,"未结束的引号\n').encode(), status=400)
    assert "第 2 行" in response.text
    assert _count(dbsession) == before


def test_no_file_or_a_short_password_is_400(testapp, dbsession):
    _setup(dbsession, testapp)
    form = testapp.get("/admin/accounts/roster").forms["deform"]
    form["default_password"] = form["default_password-confirm"] = "roster-password-1"
    form.submit("submit", status=400)
    assert "至少输入 10 个字符" in _upload(testapp, HEADER.encode(), password="short", status=400).text


def test_a_mentor_who_is_the_row_itself_or_disabled_is_reported_by_line(testapp, dbsession):
    _setup(dbsession, testapp)
    AccountFactory(username="gone", display_name="离职者", disabled=True)
    AccountFactory(username="old.hand", display_name="老员工")
    before = _count(dbsession)
    body = (HEADER
            + "lina,李娜,,,,,old.hand,\n"
            + "self.made,自己带自己,,,,,self.made,\n"  # line 3
            + "tom,Tom,,,,,gone,\n"                    # line 4
            + "gone,离职者,,,,,,\n"
            + "ann,Ann,,,,,GONE,\n").encode()          # line 6: disabled, even named again on line 5
    response = _upload(testapp, body, status=400)
    errors = [li.text for li in response.html.select("ul.import-errors li")]
    assert errors == ["第 3 行：不能把本人设为自己的导师。", "第 4 行：导师 gone 的账号已停用。",
                      "第 6 行：导师 gone 的账号已停用。"]
    assert _count(dbsession) == before
    fresh(dbsession)
    assert dbsession.scalar(select(Account).where(Account.username == "lina")) is None
