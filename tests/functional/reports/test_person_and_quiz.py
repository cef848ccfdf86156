"""The per-person drill-down (weak points by topic) and the quiz report, with their access rules."""

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from cs_handbook.models.qa import CRITERIA, Evaluation, Transcript
from cs_handbook.models.quizzes import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    Question,
    QuestionCategory,
    QuestionVersion,
)
from tests.conftest import login

from .known_team import NOW, build


def _question(dbsession, category, key):
    question = Question(category_id=category.id, key=key, tags=[])
    dbsession.add(question)
    dbsession.flush()
    version = QuestionVersion(question_id=question.id, number=1, type="truefalse", text=key, data={"answer": True},
                              created_at=NOW)
    dbsession.add(version)
    dbsession.flush()
    return version


def _attempt(dbsession, quiz, account, number, fractions, percent, passed):
    attempt = Attempt(quiz_id=quiz.id, account_id=account.id, number=number, state=AttemptState.GRADED,
                      started_at=NOW, submitted_at=datetime(2026, 3, 1, 10, tzinfo=UTC), score_percent=percent,
                      passed=passed, max_score=len(fractions))
    dbsession.add(attempt)
    dbsession.flush()
    for position, (version, fraction) in enumerate(fractions):
        dbsession.add(AttemptQuestion(attempt_id=attempt.id, position=position, version_id=version.id,
                                      order=[], fraction=fraction))


@pytest.fixture
def known(dbsession, clock):
    data = build(dbsession)
    rules = QuestionCategory(slug="rules", title="规章制度")
    manners = QuestionCategory(slug="manners", title="服务礼仪")
    dbsession.add_all([rules, manners])
    dbsession.flush()
    r1, r2 = _question(dbsession, rules, "r1"), _question(dbsession, rules, "r2")
    m1 = _question(dbsession, manners, "m1")
    quiz = data["quizzes"][0]
    # alice: rules 1/4 right (weak), manners 2/2 right.
    _attempt(dbsession, quiz, data["alice"], 1, [(r1, 0.0), (r2, 0.0), (m1, 1.0)], 33.3, False)
    _attempt(dbsession, quiz, data["alice"], 2, [(r1, 1.0), (r2, 0.0), (m1, 1.0)], 95.0, True)
    _attempt(dbsession, quiz, data["carol"], 1, [(r1, 1.0), (r2, 1.0), (m1, 1.0)], 100.0, True)
    dbsession.commit()
    return data


def test_person_page_shows_weak_points(testapp, known):
    login(testapp, "boss")
    page = testapp.get(f"/reports/people/{known['alice'].id}", params={"month": "2026-03"})
    rows = page.html.find("table", class_="quiz-topics").find("tbody").find_all("tr")
    cells = [[td.get_text(strip=True) for td in row.find_all("td")] for row in rows]
    weak = page.html.find("span", class_="weak-mark").get_text(strip=True)
    assert cells == [["规章制度", "4", "25.0", weak], ["服务礼仪", "2", "100.0", ""]]
    drill = [[td.get_text(strip=True) for td in row.find_all("td")]
             for row in page.html.find("table", class_="drill-topics").find("tbody").find_all("tr")]
    assert drill == [["首问负责制 — 时限", "4", "75.0", ""]]
    assert page.html.find("dd", class_="overdue").get_text(strip=True) == "1"
    assert page.html.find("dd", class_="qa-points").get_text(strip=True) == "25"
    assert "first:b" in page.text  # the overdue item is named
    # Weak points of every kind, together at the top (alice's QA cards have no failed criterion recorded).
    assert [li.get_text(strip=True) for li in page.html.find("ul", class_="weak-points")("li")] == [
        "测验：规章制度 (25.0%)"]


def test_person_of_another_team_is_forbidden_and_unknown_is_not_found(testapp, known):
    login(testapp, "boss")
    testapp.get(f"/reports/people/{known['carol'].id}", status=403)
    testapp.get("/reports/people/999999", status=404)
    testapp.reset()
    login(testapp, "root")
    testapp.get(f"/reports/people/{known['carol'].id}", status=200)


def test_quiz_report_counts_only_visible_people(testapp, known):
    quiz = known["quizzes"][0]
    login(testapp, "boss")
    page = testapp.get(f"/reports/quizzes/{quiz.id}")
    assert page.html.find("dd", class_="attempts").get_text(strip=True) == "2"
    assert page.html.find("dd", class_="pass-rate").get_text(strip=True) == "50.0"
    assert page.html.find("dd", class_="average").get_text(strip=True) == "64.2"
    assert "卡罗" not in page.text
    svg = page.html.find("svg")
    assert svg["role"] == "img" and "30–40: 1" in svg["aria-label"] and "90–100: 1" in svg["aria-label"]
    book = openpyxl.load_workbook(io.BytesIO(testapp.get(f"/reports/quizzes/{quiz.id}/export.xlsx").body))
    rows = list(book.active.iter_rows(values_only=True))[1:]
    assert [(r[0], r[3], r[6], r[7]) for r in rows] == [("alice", 1, 33.3, "否"), ("alice", 2, 95.0, "是")]
    testapp.reset()
    login(testapp, "root")
    page = testapp.get(f"/reports/quizzes/{quiz.id}")
    assert page.html.find("dd", class_="attempts").get_text(strip=True) == "3"
    testapp.get("/reports/quizzes/999999", status=404)
    testapp.get(f"/reports/quizzes/{quiz.id}", params={"team": "x"}, status=400)


@pytest.mark.parametrize("language, expected", [
    ("zh_CN", {"header": ["用户名", "姓名", "团队", "作答序号", "状态", "提交时间（UTC）", "得分（%）", "已通过"],
               "rows": [("爱丽丝", "一组", "已评分", "否"), ("爱丽丝", "一组", "已评分", "是"),
                        ("鲍勃", "一组", "等待评分", None), ("鲍勃", "一组", "进行中", None)]}),
    ("en", {"header": ["Username", "Name", "Team", "Attempt no.", "State", "Submitted (UTC)", "Score (%)", "Passed"],
            "rows": [("爱丽丝", "一组", "Graded", "no"), ("爱丽丝", "一组", "Graded", "yes"),
                     ("鲍勃", "一组", "Waiting for grading", None), ("鲍勃", "一组", "In progress", None)]}),
])
def test_quiz_export_cells_in_the_readers_language(testapp, dbsession, known, language, expected):
    quiz, bob = known["quizzes"][0], dbsession.merge(known["bob"])
    for number, state in ((1, AttemptState.SUBMITTED), (2, AttemptState.IN_PROGRESS)):
        dbsession.add(Attempt(quiz_id=quiz.id, account_id=bob.id, number=number, state=state, started_at=NOW,
                              submitted_at=NOW if state == AttemptState.SUBMITTED else None))
    dbsession.merge(known["boss"]).language = language
    dbsession.commit()
    login(testapp, "boss")
    book = openpyxl.load_workbook(io.BytesIO(testapp.get(f"/reports/quizzes/{quiz.id}/export.xlsx").body))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == expected["header"]
    assert [(r[1], r[2], r[4], r[7]) for r in rows[1:]] == expected["rows"]
    # No raw state code or English yes/no anywhere a Chinese reader looks.
    if language == "zh_CN":
        cells = {c for r in rows for c in r if isinstance(c, str)}
        assert not cells & {"graded", "submitted", "in_progress", "yes", "no", "Graded", "In progress"}
    text = testapp.get(f"/reports/quizzes/{quiz.id}/export.csv").body.decode("utf-8-sig")
    assert [line.split(",")[4] for line in text.splitlines()[1:]] == [r[2] for r in expected["rows"]]
    # The page says the same as the export for an attempt not graded yet.
    page = testapp.get(f"/reports/quizzes/{quiz.id}")
    bob_cells = [tr.find_all("td")[-1].get_text(strip=True)
                 for tr in page.html.find_all("tr", attrs={"data-account": "bob"})]
    assert bob_cells == [r[3] or r[2] for r in expected["rows"][2:]]


def test_formula_like_names_come_back_as_text(testapp, dbsession, known):
    evil = "=HYPERLINK(\"http://evil.example\",\"点我\")"
    dbsession.merge(known["alice"]).display_name = evil
    dbsession.commit()
    login(testapp, "boss")
    for url in ("/reports/export.xlsx", f"/reports/quizzes/{known['quizzes'][0].id}/export.xlsx"):
        sheet = openpyxl.load_workbook(io.BytesIO(testapp.get(url).body)).active
        cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "alice")
        assert (cell.value, cell.data_type) == (evil, "s")
    text = testapp.get("/reports/export.csv").body.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text.splitlines()[1])))[1] == "'" + evil


def _criteria(*failed):
    return {name: {"ok": name not in failed, "auto": None, "note": ""} for name in CRITERIA}


def _evaluation(dbsession, agent, day, passed, failed=(), status="final"):
    at = datetime(day.year, day.month, day.day, 3, tzinfo=UTC)
    transcript = Transcript(external_id=f"qa-{agent.id}-{dbsession.query(Transcript).count()}", agent_id=agent.id,
                            started_at=at, day=day, sampled=True, imported_at=at)
    dbsession.add(transcript)
    dbsession.flush()
    evaluation = Evaluation(transcript_id=transcript.id, agent_id=agent.id, day=day, status=status, passed=passed,
                            criteria=_criteria(*failed), created_at=at, finalised_at=at)
    dbsession.add(evaluation)
    dbsession.flush()
    return evaluation


def test_person_page_shows_qa_results_of_the_month_by_criterion(testapp, dbsession, known):
    alice = dbsession.merge(known["alice"])
    # The known team's four failing transcripts of 2026-03-02: three failed the greeting, one closing and wording.
    for n, evaluation in enumerate(dbsession.query(Evaluation).filter_by(agent_id=alice.id).order_by(Evaluation.id)):
        evaluation.criteria = _criteria("greeting") if n < 3 else _criteria("closing", "wording")
    _evaluation(dbsession, alice, date(2026, 3, 3), True)
    _evaluation(dbsession, alice, date(2026, 3, 4), True)
    # A dispute the evaluator accepted clears the failure, as in the ledger.
    _evaluation(dbsession, alice, date(2026, 3, 5), True, ("greeting",))
    _evaluation(dbsession, alice, date(2026, 3, 5), None, ("clarity",), status="draft")  # not finished: not counted
    february = _evaluation(dbsession, alice, date(2026, 2, 27), False, ("attitude",))
    _evaluation(dbsession, dbsession.merge(known["carol"]), date(2026, 3, 2), False, ("knowledge",))
    dbsession.commit()
    login(testapp, "boss")
    page = testapp.get(f"/reports/people/{alice.id}", params={"month": "2026-03"})
    assert page.html.find("p", class_="qa-summary").get_text(strip=True) == "已评聊天记录：7 条；不合格：4 条。"
    rows = [[td.get_text(strip=True) for td in tr("td")]
            for tr in page.html.find("table", class_="qa-criteria").find("tbody")("tr")]
    assert rows == [["问候语", "7", "57.1", "薄弱"], ["结束语", "7", "85.7", ""], ["服务用语", "7", "85.7", ""],
                    ["服务态度", "7", "100.0", ""], ["产品知识", "7", "100.0", ""], ["响应及时性", "7", "100.0", ""],
                    ["表达清晰", "7", "100.0", ""]]
    assert [li.get_text(strip=True) for li in page.html.find("ul", class_="weak-points")("li")] == [
        "测验：规章制度 (25.0%)", "质检：问候语 (57.1%)"]
    failed = [li.get_text(strip=True) for li in page.html.find("ul", class_="qa-failed")("li")]
    assert failed == ["2026-03-02: 结束语、服务用语"] + ["2026-03-02: 问候语"] * 3
    svg = page.html.find("svg", attrs={"aria-label": lambda v: v and v.startswith("质检各项达标率")})
    assert "问候语: 57.1%" in svg["aria-label"]
    # The manager can open each failed transcript from there.
    testapp.get(page.html.find("ul", class_="qa-failed").find("a")["href"], status=200)
    # Another month shows that month's only.
    page = testapp.get(f"/reports/people/{alice.id}", params={"month": "2026-02"})
    assert page.html.find("p", class_="qa-summary").get_text(strip=True) == "已评聊天记录：1 条；不合格：1 条。"
    assert page.html.find("ul", class_="qa-failed").find("a")["href"].endswith(f"/qa/evaluations/{february.id}")
    page = testapp.get(f"/reports/people/{alice.id}", params={"month": "2026-01"})
    assert page.html.find("table", class_="qa-criteria") is None and "本月没有已评定的聊天记录" in page.text


def test_person_page_qa_results_in_english(testapp, dbsession, known):
    dbsession.merge(known["boss"]).language = "en"
    for evaluation in dbsession.query(Evaluation):
        evaluation.criteria = _criteria("timeliness")
    dbsession.commit()
    login(testapp, "boss")
    page = testapp.get(f"/reports/people/{known['alice'].id}", params={"month": "2026-03"})
    assert page.html.find("p", class_="qa-summary").get_text(strip=True) == "Transcripts evaluated: 4; failed: 4."
    first = [td.get_text(strip=True) for td in page.html.find("table", class_="qa-criteria").find("tbody").tr("td")]
    assert first == ["Timeliness of response", "4", "0.0", "weak"]
