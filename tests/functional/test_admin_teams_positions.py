"""Teams are renamed and given a time zone; positions are listed with their role profile and added."""

import pytest
from sqlalchemy import select

from cs_handbook.models.accounts import Position, Team
from cs_handbook.models.audit import AuditEvent
from tests.conftest import login
from tests.factories import AccountFactory, PositionFactory, TeamFactory
from tests.factories_documents import make_document
from tests.functional.isolation import fresh

pytestmark = pytest.mark.isolated_app


def _admin(testapp):
    AccountFactory(username="boss", roles=["admin"])
    login(testapp, "boss")


def _events(dbsession, action):
    fresh(dbsession)
    return list(dbsession.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_admin_renames_a_team_and_sets_its_time_zone(testapp, dbsession):
    team = TeamFactory(name="客服一组", timezone="Asia/Shanghai")
    TeamFactory(name="客服二组")
    AccountFactory(username="member", team=team)
    team_id = team.id
    _admin(testapp)
    page = testapp.get("/admin/accounts").click(href="/admin/teams$")
    row = next(tr for tr in page.html.select("tbody tr") if "客服一组" in tr.text)
    assert [td.get_text(strip=True) for td in row.find_all("td")] == ["客服一组", "Asia/Shanghai", "1"]
    form = page.click(description="客服一组").forms["team"]
    zones = [value for value, _selected, _text in form["timezone"].options]
    assert form["timezone"].value == "Asia/Shanghai" and "Europe/London" in zones and "Mars/Olympus" not in zones
    form["name"] = "华东客服组"
    form["timezone"] = "Asia/Urumqi"
    page = form.submit("submit", status=303).follow()
    assert "团队 华东客服组 已保存" in page.text
    fresh(dbsession)
    saved = dbsession.get(Team, team_id)
    assert (saved.name, saved.timezone) == ("华东客服组", "Asia/Urumqi")
    [event] = _events(dbsession, "team.updated")
    assert (event.actor_name, event.target_type, event.target_id, event.detail) == (
        "boss", "team", str(team_id),
        {"changes": {"name": ["客服一组", "华东客服组"], "timezone": ["Asia/Shanghai", "Asia/Urumqi"]}})
    row = next(tr for tr in testapp.get("/admin/audit").html.select("tbody tr") if "修改团队" in tr.text)
    assert "名称：客服一组 → 华东客服组" in row.text and "时区：Asia/Shanghai → Asia/Urumqi" in row.text
    # Saving without a change records nothing.
    testapp.get(f"/admin/teams/{team_id}").forms["team"].submit("submit", status=303)
    assert len(_events(dbsession, "team.updated")) == 1


def test_bad_team_changes_are_400_and_nothing_is_saved(testapp, dbsession):
    team_id = TeamFactory(name="客服一组").id
    TeamFactory(name="客服二组")
    _admin(testapp)
    for name, zone, message in (("客服二组", "Asia/Shanghai", "已有同名团队"),
                                ("新名字", "Mars/Olympus", "未知的时区"),
                                ("新名字", "", "必需"),
                                ("x" * 101, "Asia/Shanghai", "长于最大长度"),
                                ("坏\x07名", "Asia/Shanghai", "控制字符"),
                                ("   ", "Asia/Shanghai", "必需")):
        form = testapp.get(f"/admin/teams/{team_id}").forms["team"]
        form["name"] = name
        form["timezone"].force_value(zone)
        assert message in form.submit("submit", status=400).text, (name, zone)
    fresh(dbsession)
    assert (dbsession.get(Team, team_id).name, dbsession.get(Team, team_id).timezone) == ("客服一组", "Asia/Shanghai")
    assert _events(dbsession, "team.updated") == []
    testapp.get(f"/admin/teams/{team_id + 1000}", status=404)


def test_admin_adds_a_team_with_a_zone_from_the_list(testapp, dbsession):
    _admin(testapp)
    form = testapp.get("/admin/teams").forms["team"]
    form["name"] = "夜班组"
    form["timezone"] = "Europe/Berlin"
    form.submit("submit", status=303)
    fresh(dbsession)
    assert dbsession.scalar(select(Team.timezone).where(Team.name == "夜班组")) == "Europe/Berlin"
    assert [e.detail for e in _events(dbsession, "team.created")] == [{"name": "夜班组", "timezone": "Europe/Berlin"}]
    form = testapp.get("/admin/teams").forms["team"]
    form["name"] = "夜班组"
    assert "已有同名团队" in form.submit("submit", status=400).text


def test_positions_are_listed_with_holders_and_role_profile(testapp, dbsession):
    agent = PositionFactory(code="cs-agent", name="客户服务人员")
    PositionFactory(code="order-agent", name="订单受理人员")
    AccountFactory(position=agent)
    AccountFactory(position=agent, disabled=True)
    make_document("roles/cs-agent", title="客户服务人员岗位职责", data={"position": "cs-agent"})
    _admin(testapp)
    page = testapp.get("/admin/accounts").click(href="/admin/positions$")
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in page.html.select("tbody tr")]
    assert rows == [["客户服务人员", "cs-agent", "1", "客户服务人员岗位职责"],
                    ["订单受理人员", "order-agent", "0", "还没有岗位说明使用这个代码。"]]
    profile = page.click(description="客户服务人员岗位职责")
    assert "客户服务人员岗位职责" in profile.text


def test_admin_adds_a_position_and_bad_ones_are_400(testapp, dbsession):
    PositionFactory(code="cs-agent", name="客户服务人员")
    _admin(testapp)
    form = testapp.get("/admin/positions").forms["position"]
    form["code"], form["name"] = " Night-Desk ", "夜间值班客服"
    page = form.submit("submit", status=303).follow()
    assert "岗位 夜间值班客服 已添加" in page.text and "night-desk" in page.text
    for code, name, message in (("cs-agent", "重复", "已有相同代码的岗位"), ("坏代码", "名字", "小写字母"),
                                ("a", "名字", "小写字母"), ("ok-code", "", "必需"),
                                ("ok-code", "x" * 101, "长于最大长度")):
        form = testapp.get("/admin/positions").forms["position"]
        form["code"], form["name"] = code, name
        assert message in form.submit("submit", status=400).text, (code, name)
    fresh(dbsession)
    assert sorted(dbsession.scalars(select(Position.code))) == ["cs-agent", "night-desk"]
    assert [e.detail for e in _events(dbsession, "position.created")] == [
        {"code": "night-desk", "name": "夜间值班客服"}]
    row = next(tr for tr in testapp.get("/admin/audit").html.select("tbody tr") if "新增岗位" in tr.text)
    assert [td.get_text(" ", strip=True) for td in row.find_all("td")][3:5] == [
        "夜间值班客服", "代码：night-desk ; 名称：夜间值班客服"]
    # The new position is offered on the account form.
    assert "夜间值班客服" in testapp.get("/admin/accounts/new").text


def test_the_zone_select_offers_the_common_zones_first_then_each_region(testapp, dbsession):
    _admin(testapp)
    select_ = testapp.get("/admin/teams").html.select_one("select[name=timezone]")
    groups = {group["label"]: [option["value"] for option in group.find_all("option")]
              for group in select_.find_all("optgroup")}
    labels = list(groups)
    assert labels[0] == "常用" and groups["常用"][0] == "Asia/Shanghai"
    assert "Asia" in labels and "Europe" in labels and labels[-1] == "其他时区"
    assert "Asia/Urumqi" in groups["Asia"] and "UTC" in groups["其他时区"]
    assert all(zone.startswith(f"{label}/") for label in labels[1:-1] for zone in groups[label])
    # Site settings choose the site's zone from the same list.
    settings = testapp.get("/admin/settings").html.select_one("select[name=timezone]")
    assert [group["label"] for group in settings.find_all("optgroup")] == labels
