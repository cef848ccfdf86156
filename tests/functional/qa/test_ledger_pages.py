"""The ledger pages and exports (scoped to the reader's teams, in words), the agent's points, and the rules:
who may change them, versioned by month, validated, audited."""

import io
from datetime import date

import openpyxl
import pytest
import webtest

from cs_handbook.models.accounts import Account
from cs_handbook.models.audit import AuditEvent
from tests.conftest import login
from tests.factories import AccountFactory, TeamFactory, make_team_manager
from tests.factories_qa import sampled, score_all


@pytest.fixture
def two_teams(dbsession, clock):
    """li (team 一组) fails 8 transcripts on 2 March and 4 on 3 March; wu (二组) fails 4 on 2 March."""
    mine, other = TeamFactory(name="一组"), TeamFactory(name="二组")
    boss = AccountFactory(username="boss", roles=["manager"])
    make_team_manager(boss, mine)
    qa1 = AccountFactory(username="qa1", roles=["qa"])
    AccountFactory(username="li", team=mine)
    AccountFactory(username="wu", team=other)
    sampled(dbsession, "li", [(f"li-{i}", False) for i in range(8)])
    sampled(dbsession, "li", [(f"li-b-{i}", False) for i in range(4)], day=date(2026, 3, 3))
    sampled(dbsession, "wu", [(f"wu-{i}", False) for i in range(4)])
    score_all(dbsession, qa1, failing=("greeting",))
    return {"mine": mine, "other": other}


def sheet_rows(response):
    return list(openpyxl.load_workbook(io.BytesIO(response.body)).active.iter_rows(values_only=True))


def test_a_manager_sees_and_exports_only_their_teams(testapp, dbsession, two_teams):
    login(testapp, "boss")
    page = testapp.get("/qa/ledger?month=2026-03")
    assert page.html.select("tr[data-account]")[0]["data-account"] == "li" and "(wu)" not in page.text
    # Eight failures on one day lose that day's point only: 26 − 1 − 1.
    assert [td.text for td in page.html.select("tr[data-account=li] td")][2:5] == ["12", "2", "24"]
    rows = sheet_rows(testapp.get("/qa/ledger.xlsx?month=2026-03"))
    assert rows[0][:3] == ("用户名", "姓名", "团队") and [r[0] for r in rows[1:]] == ["li"]
    assert rows[1][3:9] == (12, 2, 24, 0, None, None)
    csv_text = testapp.get("/qa/ledger.csv?month=2026-03").body.decode("utf-8-sig")
    assert "wu" not in csv_text and "li" in csv_text and "yes" not in csv_text
    cards = sheet_rows(testapp.get("/qa/evaluations.xlsx?month=2026-03"))
    assert cards[0][:6] == ("日期", "用户名", "姓名", "团队", "会话", "结果") and cards[0][6] == "问候语"
    assert len(cards) == 13 and {r[1] for r in cards[1:]} == {"li"}
    evaluator = dbsession.query(Account).filter_by(username="qa1").one()
    assert cards[1][5:8] == ("不合格", "不达标", "达标") and cards[1][13] == evaluator.display_name


def test_the_bonus_columns_are_words(testapp, dbsession, two_teams):
    AccountFactory(username="adm", roles=["admin"])
    login(testapp, "adm")
    rows = sheet_rows(testapp.get("/qa/ledger.xlsx?month=2026-04"))
    assert rows == [rows[0]]  # nobody scored in April
    rows = sheet_rows(testapp.get("/qa/ledger.xlsx?month=2026-03"))
    wu = next(r for r in rows if r[0] == "wu")
    assert wu[5:9] == (25, 0, None, None)  # 25 points: full bonus, no extra


@pytest.mark.parametrize("url", ["/qa/ledger?month=2026-13", "/qa/ledger?month=x", "/qa/ledger.xlsx?month=0-01",
                                 "/qa/evaluations.csv?month=9999-99", "/qa/mine?month=2026-3"])
def test_a_month_that_is_no_month_is_a_400(testapp, dbsession, url):
    AccountFactory(username="adm", roles=["admin"])
    login(testapp, "adm")
    assert "月份格式应为 2026-03" in testapp.get(url, status=400).text


def test_the_agent_sees_their_points_and_failing_days(testapp, dbsession, two_teams):
    login(testapp, "li")
    page = testapp.get("/qa/mine")
    figure = page.html.select_one(".qa-points-figure").text
    assert "24" in figure and "/ 26" in figure and "扣 2 分" in figure
    days = [[td.text for td in tr.select("td")] for tr in page.html.select("table.qa-days tbody tr")]
    assert days == [["2026-03-02", "8", "1"], ["2026-03-03", "4", "1"]]
    assert "2026-02" in testapp.get("/qa/mine?month=2026-02").text


def browser(app, username, address):
    client = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": address, "HTTP_HOST": "localhost"})
    login(client, username)
    return client


def test_only_admins_and_managers_of_every_team_change_the_rules(app, dbsession, two_teams):
    everyone = AccountFactory(username="chief", roles=["manager"])
    for team in (two_teams["mine"], two_teams["other"]):
        make_team_manager(everyone, team)
    AccountFactory(username="adm", roles=["admin"])
    dbsession.commit()
    for username, status in (("boss", 403), ("qa1", 403), ("li", 403), ("chief", 200), ("adm", 200)):
        client = browser(app, username, f"10.0.1.{status % 250}")
        client.get("/qa/rules", status=status)
        links = client.get("/qa/ledger", status="*")
        if links.status_int == 200:
            assert ("积分规则" in links.text) is (status == 200), username


def test_new_rules_apply_from_their_month_on_and_are_audited(app, dbsession, two_teams):
    AccountFactory(username="adm", roles=["admin"])
    dbsession.commit()
    admin = browser(app, "adm", "10.0.2.1")
    form = admin.get("/qa/rules").forms["deform"]
    assert form["effective_from"].value == "2026-03" and form["daily_cap"].value == "1"
    form["effective_from"] = "2026-04"
    form["daily_cap"] = "3"
    form.submit("submit", status=303)
    march = admin.get("/qa/ledger?month=2026-03")
    assert [td.text for td in march.html.select("tr[data-account=li] td")][4] == "24"  # March keeps its rules
    assert "每天最多扣 1 分" in march.text
    assert "每天最多扣 3 分" in admin.get("/qa/ledger?month=2026-05").text
    event = dbsession.query(AuditEvent).filter_by(action="qa.rules.changed").one()
    assert event.actor_name == "adm" and event.target_id == "2026-04" and event.detail == {
        "changes": {"daily_cap": [1, 3]}}
    assert "2026-04" in admin.get("/qa/rules").html.select_one("table").text

    form = admin.get("/qa/rules").forms["deform"]
    form["effective_from"] = "2026-02"
    assert "过去的月份沿用原来的规则" in form.submit("submit", status=400).text
    form = admin.get("/qa/rules").forms["deform"]
    form["cut_amount_1"], form["cut_amount_2"] = "100", "50"
    assert "分数越低，档位越严" in form.submit("submit", status=400).text
    form = admin.get("/qa/rules").forms["deform"]
    form["effective_from"] = "2026-3"
    form.submit("submit", status=400)
    dbsession.commit()
    assert dbsession.query(AuditEvent).filter_by(action="qa.rules.changed").count() == 1
