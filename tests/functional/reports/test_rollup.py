"""Roll-ups computed off the request path (CLI), and the org-wide report served from them."""

import argparse
import io

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
    assert "3 people in 2 teams" in output and "roll-up refresh took" in output
    rows = {r.account_id: r for r in dbsession.query(PersonRollup)}
    alice = rows[known["alice"].id]
    assert (alice.team_id, alice.progress_percent, alice.overdue, alice.quiz_average, alice.quiz_pass_rate,
            alice.streak, alice.retention, alice.qa_points) == (known["team"].id, 25, 1, 75.0, 50.0, 3, 75.0, 25)
    assert rows[known["bob"].id].progress_percent is None
    assert rows[known["carol"].id].quiz_average == 100.0
    # Running it again replaces, never duplicates.
    _rollup(registry)
    assert dbsession.query(PersonRollup).count() == 3


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
    book = openpyxl.load_workbook(io.BytesIO(testapp.get("/reports/org/export.xlsx").body))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1:] == [("一组", 2, 25, 1, 75, 50, 75, 25), ("二组", 1, None, 0, 100, 100, None, None)]


def test_org_report_only_for_managers_of_every_team(registry, testapp, dbsession, known):
    login(testapp, "boss")
    testapp.get("/reports/org", status=403)
    testapp.get("/reports/org/export.csv", status=403)
    f.make_team_manager(dbsession.merge(known["boss"]), dbsession.merge(known["other"]))
    dbsession.commit()
    testapp.get("/reports/org", status=200)
