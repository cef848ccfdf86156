"""Roll-ups computed off the request path (CLI), and the org-wide report served from them."""

import argparse
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from pyramid.scripting import prepare

from cs_handbook.models.reports import PersonRollup
from cs_handbook.scripts.progress import Progress
from cs_handbook.scripts.reports import cmd_rollup
from tests import factories as f
from tests.conftest import login

from .known_team import build


@pytest.fixture
def known(dbsession, clock):
    return build(dbsession)


def _rollup(registry, month="2026-03"):
    env = prepare(registry=registry)
    out = io.StringIO()
    try:
        code = cmd_rollup(env, argparse.Namespace(month=month), Progress(stream=out, every_seconds=0))
    finally:
        env["closer"]()
    return code, out.getvalue()


def test_rollup_command_writes_one_row_per_person(registry, dbsession, known):
    code, output = _rollup(registry)
    assert code == 0
    # boss and root belong to no team: they are rolled up too (the org report's "no team" line).
    assert "5 people in 2 teams" in output and "roll-up refresh took" in output
    rows = {r.account_id: r for r in dbsession.query(PersonRollup)}
    assert {r.month for r in rows.values()} == {date(2026, 3, 1)}
    alice = rows[known["alice"].id]
    assert (alice.team_id, alice.progress_percent, alice.overdue, alice.quiz_average, alice.quiz_pass_rate,
            alice.streak, alice.retention, alice.qa_points) == (known["team"].id, 25, 1, 75.0, 50.0, 3, 75.0, 25)
    assert rows[known["bob"].id].progress_percent is None
    assert rows[known["carol"].id].quiz_average == 100.0
    assert rows[known["boss"].id].team_id is None
    # Running it again replaces, never duplicates.
    _rollup(registry)
    assert dbsession.query(PersonRollup).count() == 5


def test_rollup_command_refuses_a_bad_month(registry, known):
    code, output = _rollup(registry, "2026-13")
    assert code == 2 and "YYYY-MM" in output


def test_org_report_from_rollups(registry, testapp, dbsession, known):
    login(testapp, "root")
    page = testapp.get("/reports/org")
    assert "rollup" in page.text and page.html.find("tr", attrs={"data-team": True}) is None
    _rollup(registry)
    page = testapp.get("/reports/org")
    cells = [td.get_text(strip=True) for td in page.html.find("tr", attrs={"data-team": str(known["team"].id)})("td")]
    assert cells == ["一组", "2", "25.0", "1", "75.0", "50.0", "75.0", "25.0"]
    assert page.html.find("p", class_="reports-stamp").get_text(strip=True) == (
        "数据截至 2026-03-02 09:00（UTC），取自汇总表；质检积分统计月份：2026-03。")
    assert page.html.find("thead")("th")[-1].get_text(strip=True) == "2026-03 质检积分"
    response = testapp.get("/reports/org/export.xlsx")
    assert 'filename="org-report-2026-03.xlsx"' in response.content_disposition
    book = openpyxl.load_workbook(io.BytesIO(response.body))
    assert book.active.title == "全公司报表"
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][-1] == "2026-03 质检积分"
    assert rows[1:] == [("一组", 2, 25, 1, 75, 50, 75, 25), ("二组", 1, None, 0, 100, 100, None, None),
                        ("无团队", 2, None, 0, None, None, None, None)]
    # The people of no team are a group of their own, last, linked to their dashboard.
    line = page.html.find("tr", attrs={"data-team": "none"})
    assert [td.get_text(strip=True) for td in line("td")][:2] == ["无团队", "2"]
    team_page = testapp.get(line.find("a")["href"])
    # By name: 管理员 (root) before 经理 (boss).
    assert [tr["data-account"] for tr in team_page.html.find_all("tr", attrs={"data-account": True})] == [
        "root", "boss"]


def test_org_report_only_for_managers_of_every_team(registry, testapp, dbsession, known):
    login(testapp, "boss")
    testapp.get("/reports/org", status=403)
    testapp.get("/reports/org/export.csv", status=403)
    f.make_team_manager(dbsession.merge(known["boss"]), dbsession.merge(known["other"]))
    dbsession.commit()
    _rollup(registry)
    page = testapp.get("/reports/org", status=200)
    # Still only their teams: the people of no team are nobody's team.
    assert [tr["data-team"] for tr in page.html.find_all("tr", attrs={"data-team": True})] == [
        str(known["team"].id), str(known["other"].id)]
    assert "无团队" not in page.text and "root" not in page.text
    book = openpyxl.load_workbook(io.BytesIO(testapp.get("/reports/org/export.xlsx").body))
    assert [row[0] for row in book.active.iter_rows(values_only=True)][1:] == ["一组", "二组"]
    testapp.get("/reports/", params={"team": "none"}, status=403)
    testapp.get("/reports/export.csv", params={"team": "none"}, status=403)


def test_org_report_pages_teams_by_name(registry, dbsession, known):
    from cs_handbook.services.reports_rollup import org_report

    for name in ("三组", "四组"):
        f.AccountFactory(team=f.TeamFactory(name=name))
    dbsession.commit()
    _rollup(registry)
    dbsession.expire_all()
    names = []
    for number in (1, 2, 3):
        page, _computed = org_report(dbsession, None, number, size=2)
        assert (page.number, page.pages, page.total) == (number, 3, 5)
        names += [line.team for line in page.rows]
    # Sorted by name (code points), the people of no team last, each team once.
    assert names == sorted(["一组", "二组", "三组", "四组"]) + [None]
    page, _computed = org_report(dbsession, None, 9, size=2)
    assert page.number == 3 and [line.team for line in page.rows] == [None]  # past the end: the last page


def test_org_report_names_the_month_and_time_of_the_refresh(registry, testapp, dbsession, known, clock):
    # A refresh for February run later (the default month is the clock's): the page says which is which.
    clock.set(datetime(2026, 3, 5, 14, 30, tzinfo=UTC))
    code, output = _rollup(registry, "2026-02")
    assert code == 0 and "for 2026-02" in output
    login(testapp, "root")
    page = testapp.get("/reports/org")
    stamp = page.html.find("p", class_="reports-stamp").get_text(strip=True)
    assert "2026-03-05 14:30" in stamp and "2026-02" in stamp
    # February: alice's failing transcripts were in March, so nobody of her team was evaluated.
    cells = [td.get_text(strip=True) for td in page.html.find("tr", attrs={"data-team": str(known["team"].id)})("td")]
    assert cells[-1] == "—"
    dbsession.merge(known["admin"]).language = "en"
    dbsession.commit()
    page = testapp.get("/reports/org")
    assert page.html.find("p", class_="reports-stamp").get_text(strip=True) == (
        "Figures as of 2026-03-05 14:30 (UTC), from the roll-ups; QA points for 2026-02.")
    sheet = openpyxl.load_workbook(io.BytesIO(testapp.get("/reports/org/export.xlsx").body)).active
    assert sheet.title == "Organisation report" and next(sheet.iter_rows(values_only=True))[-1] == "QA points 2026-02"


def test_readme_lists_every_reports_command():
    # The README's command table is where an operator looks for what to put on a timer.
    import argparse as ap
    from pathlib import Path

    from cs_handbook.scripts.reports import register

    parser = ap.ArgumentParser()
    register(parser.add_subparsers())
    reports = parser._subparsers._group_actions[0].choices["reports"]
    commands = reports._subparsers._group_actions[0].choices
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    table = [line for line in readme.splitlines() if line.startswith("| `")]
    for name, sub in commands.items():
        row = next((line for line in table if line.startswith(f"| `reports {name}")), None)
        assert row is not None, f"reports {name} is missing from the README's command table"
        for option in (a.option_strings[-1] for a in sub._actions if a.option_strings and a.dest != "help"):
            assert option in row
