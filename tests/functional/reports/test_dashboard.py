"""The team dashboard on a team with known figures, its exports read back, and team isolation."""

import csv
import io

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
            for cls in ("progress", "overdue", "quiz-average", "pass-rate", "streak", "retention", "qa-points")}


def test_dashboard_shows_the_known_figures(testapp, known):
    login(testapp, "boss")
    page = testapp.get("/reports/", params={"month": "2026-03"})
    assert _cells(page, "alice") == {"progress": "25", "overdue": "1", "quiz-average": "75.0", "pass-rate": "50.0",
                                     "streak": "3", "retention": "75.0", "qa-points": "25"}
    assert _cells(page, "bob") == {"progress": "—", "overdue": "0", "quiz-average": "—", "pass-rate": "—",
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
    assert testapp.get(link).html.find("dd", class_="progress").get_text(strip=True) == "25"


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


@pytest.mark.parametrize("params, message", [
    ({"team": "999999"}, "999999"),
    ({"team": "abc"}, ""),
    ({"month": "2026-13"}, ""),
    ({"month": "march"}, ""),
])
def test_bad_filters_are_refused_with_a_message(testapp, known, params, message):
    login(testapp, "boss")
    page = testapp.get("/reports/", params=params, status=400)
    assert message in page.text
    assert page.html.find("main") is not None or page.html.find("h1") is not None
    testapp.get("/reports/export.csv", params=params, status=400)


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
    assert _cells(page, "alice")["progress"] == "25" and _cells(page, "alice")["overdue"] == "1"


def test_qa_points_count_failures_per_day(testapp, dbsession, known):
    # The ledger's rule per day (4 failures cost a point), over several days; evaluated with no
    # failure is the full 26; drafts and other months do not count.
    from datetime import UTC, date, datetime

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
    assert _cells(page, "alice")["qa-points"] == "24" and _cells(page, "bob")["qa-points"] == "—"
