"""The team dashboard on a team with known figures, its exports read back, and team isolation."""

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest

from tests.conftest import login

from .known_team import build

HEADERS_FIGURES = {"alice": ["alice", "爱丽丝", "一组", 25, 1, 75.0, 50.0, 3, 75.0, 25]}


@pytest.fixture
def known(dbsession, clock):
    return build(dbsession)


def _cells(page, username):
    row = page.html.find("tr", attrs={"data-account": username})
    return {cls: row.find("td", class_=cls).get_text(strip=True)
            for cls in ("onboarding", "overdue", "quiz-average", "pass-rate", "streak", "retention", "qa-points")}


def test_dashboard_shows_the_known_figures(testapp, known):
    login(testapp, "boss")
    page = testapp.get("/reports/", params={"month": "2026-03"})
    assert _cells(page, "alice") == {"onboarding": "25", "overdue": "1", "quiz-average": "75.0", "pass-rate": "50.0",
                                     "streak": "3", "retention": "75.0", "qa-points": "25"}
    assert _cells(page, "bob") == {"onboarding": "—", "overdue": "0", "quiz-average": "—", "pass-rate": "—",
                                   "streak": "0", "retention": "—", "qa-points": "—"}
    assert "carol" not in page.text and "卡罗" not in page.text
    svgs = page.html.find_all("svg")
    assert len(svgs) == 2
    for svg in svgs:
        assert svg["role"] == "img" and svg.find("title") and svg["aria-label"]
    # The numbers are written on the bars, not only drawn.
    assert "25%" in svgs[0].get_text()
    assert "style=" not in page.text
    quiz_links = [a.get_text() for a in page.html.find("ul", class_="reports-quizzes").find_all("a")]
    assert quiz_links == ["测验0", "测验1"]
    link = page.html.find("tr", attrs={"data-account": "alice"}).find("a")["href"]
    assert testapp.get(link).html.find("dd", class_="onboarding").get_text(strip=True) == "25"


def test_exports_read_back(testapp, known):
    login(testapp, "boss")
    response = testapp.get("/reports/export.xlsx", params={"month": "2026-03", "team": known["team"].id})
    assert response.content_type.startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.body)).active
    rows = list(sheet.iter_rows(values_only=True))
    by_user = {row[0]: list(row) for row in rows[1:]}
    assert set(by_user) == {"alice", "bob"}
    assert by_user["alice"] == HEADERS_FIGURES["alice"]
    assert by_user["bob"][3:] == [None, 0, None, None, 0, None, None]
    text = testapp.get("/reports/export.csv", params={"month": "2026-03"}).body.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert [line[0] for line in lines[1:]] == ["alice", "bob"]
    assert lines[1][3:] == ["25", "1", "75.0", "50.0", "3", "75.0", "25"]


def test_admin_sees_every_team_and_can_filter(testapp, known):
    login(testapp, "root")
    page = testapp.get("/reports/")
    assert "carol" in page.text and "alice" in page.text
    page = testapp.get("/reports/", params={"team": known["other"].id})
    assert "carol" in page.text and "alice" not in page.text


def test_manager_cannot_filter_to_another_team(testapp, known):
    login(testapp, "boss")
    testapp.get("/reports/", params={"team": known["other"].id}, status=403)
    testapp.get("/reports/export.xlsx", params={"team": known["other"].id}, status=403)


TEAM_MESSAGE = "团队编号必须是数字"
MONTH_MESSAGE = "月份格式应为 2026-03"


@pytest.mark.parametrize("params, message", [
    ({"team": "999999"}, "999999"),
    ({"team": "abc"}, TEAM_MESSAGE),
    # Too big for PostgreSQL's integer, digits int() refuses, and digits int() takes but an id is not.
    ({"team": "99999999999999999999"}, TEAM_MESSAGE),
    ({"team": "²"}, TEAM_MESSAGE),
    ({"team": "٣"}, TEAM_MESSAGE),
    ({"team": "0"}, TEAM_MESSAGE),
    ({"month": "2026-13"}, MONTH_MESSAGE),
    ({"month": "march"}, MONTH_MESSAGE),
    ({"month": "0-01"}, MONTH_MESSAGE),
    ({"month": "9999-12"}, MONTH_MESSAGE),  # its month end would be year 10000
    ({"month": "２０２６-03"}, MONTH_MESSAGE),
    ({"month": "2026-03-01"}, MONTH_MESSAGE),
    ({"page": "²"}, "页码必须是从 1 开始的整数"),
])
def test_bad_filters_are_refused_with_a_message(testapp, known, params, message):
    login(testapp, "boss")
    page = testapp.get("/reports/", params=params, status=400)
    assert message in page.text
    assert page.html.find("main") is not None or page.html.find("h1") is not None
    if "page" not in params:
        testapp.get("/reports/export.csv", params=params, status=400)
    if "team" in params:  # the quiz report has no month
        testapp.get(f"/reports/quizzes/{known['quizzes'][0].id}", params=params, status=400)


@pytest.mark.parametrize("params", [{"team": "99999999999999999999"}, {"month": "9999-12"}])
def test_bad_filters_are_refused_in_english_too(testapp, dbsession, known, params):
    dbsession.merge(known["boss"]).language = "en"
    dbsession.commit()
    login(testapp, "boss")
    page = testapp.get("/reports/", params=params, status=400)
    assert "The team must be a number." in page.text or "The month must look like 2026-03." in page.text


def test_bad_month_on_the_person_page(testapp, known):
    login(testapp, "boss")
    page = testapp.get(f"/reports/people/{known['alice'].id}", params={"month": "9999-12"}, status=400)
    assert MONTH_MESSAGE in page.text


@pytest.mark.parametrize("path", ["/reports/people/99999999999999999999", "/reports/people/" + quote("١٢"),
                                  "/reports/quizzes/99999999999999999999", "/reports/quizzes/" + quote("١"),
                                  "/reports/quizzes/1234567890/export.csv", "/reports/people/0"])
def test_ids_no_integer_holds_are_not_found(testapp, known, path):
    login(testapp, "root")
    testapp.get(path, status=404)


def test_unknown_export_format_is_not_found(testapp, known):
    login(testapp, "boss")
    testapp.get("/reports/export.pdf", status=404)


def test_progress_follows_the_training_rule_for_unpublished_courses(testapp, dbsession, known):
    # As in TrainingService.summary: a course published once and back in draft
    # for an edit still counts; a course never published does not.
    from cs_handbook.models.training import Course, CourseItem, PathStep, PublishState, TrainingPath

    later = dbsession.query(Course).filter_by(slug="later").one()
    later.state = PublishState.DRAFT
    never = Course(slug="never", title="未发布", state=PublishState.DRAFT, created_at=later.created_at)
    never.items.append(CourseItem(key="n", kind="reading", title="n", required=True))
    dbsession.add(never)
    dbsession.flush()
    path = dbsession.query(TrainingPath).one()
    dbsession.add(PathStep(path_id=path.id, course_id=never.id, position=9, due_day=0))
    dbsession.commit()
    login(testapp, "boss")
    page = testapp.get("/reports/", params={"month": "2026-03"})
    assert _cells(page, "alice")["onboarding"] == "25" and _cells(page, "alice")["overdue"] == "1"


def test_qa_points_count_failures_per_day(testapp, dbsession, clock, known):
    # The ledger's rule per day (4 failures cost a point), over several days; evaluated with no
    # failure is the full 26; drafts and other months do not count.
    from cs_handbook.models.qa import Evaluation, Transcript

    at = datetime(2026, 3, 2, 9, tzinfo=UTC)

    def evaluate(agent, day, passed, status="final"):
        transcript = Transcript(external_id=f"x{agent.id}-{day}-{passed}-{dbsession.query(Transcript).count()}",
                                agent_id=agent.id, started_at=at, day=day, sampled=True, imported_at=at)
        dbsession.add(transcript)
        dbsession.flush()
        dbsession.add(Evaluation(transcript_id=transcript.id, agent_id=agent.id, day=day, status=status,
                                 passed=passed, created_at=at, finalised_at=at))

    alice, bob = dbsession.merge(known["alice"]), dbsession.merge(known["bob"])
    for _ in range(5):
        evaluate(alice, date(2026, 3, 3), False)  # 5 failures: one more point
    evaluate(alice, date(2026, 3, 3), True)
    for _ in range(8):
        evaluate(alice, date(2026, 3, 4), False, status="draft")
        evaluate(alice, date(2026, 2, 27), False)
    evaluate(bob, date(2026, 3, 5), True)
    dbsession.commit()
    login(testapp, "boss")
    page = testapp.get("/reports/", params={"month": "2026-03"})
    assert _cells(page, "alice")["qa-points"] == "24" and _cells(page, "bob")["qa-points"] == "26"
    page = testapp.get("/reports/", params={"month": "2026-02"})
    assert _cells(page, "bob")["qa-points"] == "—"
    # Eight failures in one day: what they cost is the ledger's rule (a daily cap, say), whatever it is.
    assert _cells(page, "alice")["qa-points"] == str(_ledger_points(dbsession, clock, date(2026, 2, 1))["alice"])


def _default_rules_points(dbsession, clock):
    from cs_handbook.services.qa import QAService
    from cs_handbook.services.qa_ledger import compute_line, rules_for
    from cs_handbook.services.site_settings import SiteSettingsService

    qa = QAService(dbsession, clock, SiteSettingsService(dbsession, clock))
    default = rules_for([], date(2026, 3, 1))
    return {account.username: compute_line(account.id, [d for d, n in line.failures_by_day.items() for _ in range(n)],
                                           default).points for account, line in qa.ledger(date(2026, 3, 1))}


def _ledger_points(dbsession, clock, month):
    from cs_handbook.services.qa import QAService
    from cs_handbook.services.site_settings import SiteSettingsService

    dbsession.expire_all()
    qa = QAService(dbsession, clock, SiteSettingsService(dbsession, clock))
    return {account.username: line.points for account, line in qa.ledger(month)}


@pytest.mark.parametrize("month", ["2026-02", "2026-03"])
@pytest.mark.parametrize("new_rules", [False, True], ids=["default-rules", "rules-changed-in-march"])
def test_qa_points_are_the_ledgers(testapp, dbsession, clock, known, month, new_rules):
    # The dashboard counts failures per day in SQL for a page of people; the ledger page does it for the
    # month's agents. Same people, same month, same points, over days with 0-9 failures, under the rules
    # in force that month (rules changed in March leave February's points alone).
    from cs_handbook.models.qa import Evaluation, Transcript
    from cs_handbook.services.qa import QAService
    from cs_handbook.services.site_settings import SiteSettingsService

    if new_rules:
        qa = QAService(dbsession, clock, SiteSettingsService(dbsession, clock))
        rules = {**qa.ledger_rules(date(2026, 3, 1)), "failures_per_point": 2, "daily_cap": 3}
        qa.set_ledger_rules(rules, date(2026, 3, 1), dbsession.merge(known["admin"]))
        dbsession.commit()

    people = [dbsession.merge(known[name]) for name in ("alice", "bob", "carol")]
    at = datetime(2026, 2, 2, 9, tzinfo=UTC)
    n = 0
    for person_index, person in enumerate(people):
        for day_number in range(1, 12):
            day = date(2026, 2 if day_number % 2 else 3, day_number)
            for k in range((day_number * (person_index + 2)) % 10):
                n += 1
                transcript = Transcript(external_id=f"agree-{n}", agent_id=person.id, started_at=at, day=day,
                                        sampled=True, imported_at=at)
                dbsession.add(transcript)
                dbsession.flush()
                dbsession.add(Evaluation(transcript_id=transcript.id, agent_id=person.id, day=day, status="final",
                                         passed=k % 3 == 2, created_at=at, finalised_at=at))
    dbsession.commit()
    ledger = _ledger_points(dbsession, clock, date.fromisoformat(month + "-01"))
    assert len(set(ledger.values())) > 1  # the people really differ
    if new_rules and month == "2026-03":
        assert ledger != _default_rules_points(dbsession, clock)  # the rules change the points
    login(testapp, "root")
    page = testapp.get("/reports/", params={"month": month})
    for person in people:
        assert _cells(page, person.username)["qa-points"] == str(ledger.get(person.username, "—")), person.username


def _site_component_classes():
    # The classes site.css styles as components (.progress is a rounded blue bar, .card a box, ...).
    css = (Path(__file__).resolve().parents[3] / "static" / "css" / "site.css").read_text(encoding="utf-8")
    return set(re.findall(r"\.([A-Za-z][\w-]*)", css))


def test_figures_do_not_take_site_wide_component_styles(testapp, known):
    # A cell with class "progress" was drawn as site.css's progress bar: a tall rounded blue box.
    components = _site_component_classes() - {"table", "meta", "btn", "btn-secondary"}
    assert "progress" in components  # the test would see the clash that happened
    login(testapp, "boss")
    for url in ("/reports/?month=2026-03", f"/reports/people/{known['alice'].id}"):
        page = testapp.get(url)
        for element in page.html.find("main").find_all(["td", "th", "dd", "dt", "tr"]):
            assert not set(element.get("class") or ()) & components, (url, element)


def test_drill_heatmap_is_linked_for_those_who_may_open_it(testapp, known):
    # Everyone who may open the dashboard (managers, admins) may open the heat-map today; the link follows
    # the drill area's permission, so it is asked, not assumed.
    for username in ("boss", "root"):
        login(testapp, username)
        link = testapp.get("/reports/").html.find("a", class_="reports-heatmap")
        assert link.get_text(strip=True) == "每日一练记忆热力图"
        testapp.get(link["href"], status=200)
        testapp.reset()


def test_no_heatmap_link_for_those_the_drill_area_keeps_out(testapp, known):
    # Were managers refused the heat-map, their dashboard would not offer it.
    from cs_handbook.models.accounts import GlobalRole
    from cs_handbook.permissions import Permission
    from cs_handbook.resources import ROOT_ACL

    index, (action, principal, permissions) = next(
        (n, ace) for n, ace in enumerate(ROOT_ACL) if ace[1] == f"role:{GlobalRole.MANAGER}")
    ROOT_ACL[index] = (action, principal, tuple(p for p in permissions if p != Permission.DRILL_TEAM_VIEW))
    try:
        login(testapp, "boss")
        page = testapp.get("/reports/")
    finally:
        ROOT_ACL[index] = (action, principal, permissions)
    assert page.html.find("a", class_="reports-heatmap") is None
