"""What the site-wide UI pass fixed, as a reader meets it in Chinese and in English: label punctuation,
counts said in words, inputs deform drew without a label, each question's result on the review,
named time zones and the home page's panels styled by their area's stylesheet."""

from datetime import date

import pytest

from cs_handbook.models.accounts import GlobalRole
from cs_handbook.models.qa import Evaluation
from tests import factories
from tests import factories_training as ft
from tests.conftest import login
from tests.factories_drill import DrillItemFactory
from tests.factories_qa import conversation_csv, good_conversation, qa_service
from tests.factories_quizzes import make_quiz


def _switch(testapp, language):
    page = testapp.get("/")
    form = next(f for f in page.forms.values() if f.action.endswith("/language"))
    form["language"] = language
    form.submit(status=303)


@pytest.fixture
def new_hire(dbsession, clock):
    team = factories.TeamFactory(name="客服一组")
    ft.standard_programme()
    ft.documents()
    person = ft.new_hire(date(2026, 3, 2), team=team, username="li", display_name="李雷")
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    return person


def test_home_labels_take_the_readers_punctuation_and_panels_their_stylesheet(testapp, new_hire):
    login(testapp, "li")
    page = testapp.get("/")
    meta = page.html.select_one("main p.meta").get_text(" ", strip=True)
    assert "岗位：cs-agent" in meta and "团队：客服一组" in meta and ": " not in meta
    stylesheets = [link["href"] for link in page.html.select("link[rel=stylesheet]")]
    # The onboarding panel's overdue and done tags are styled on the home page too.
    assert any("/css/training.css" in href for href in stylesheets)
    _switch(testapp, "en")
    meta = testapp.get("/").html.select_one("main p.meta").get_text(" ", strip=True)
    assert "Position: cs-agent" in meta and "Team: 客服一组" in meta and "：" not in meta


def test_drill_status_and_answer_label_read_as_sentences(testapp, new_hire):
    DrillItemFactory(prompt="首次响应时限", payload={"unit": "秒"})
    login(testapp, "li")
    page = testapp.get("/drill/")
    status = page.html.select_one("#drill-status").get_text(" ", strip=True)
    assert "连续练习：0 天" in status and "（最长 0 天）" in status and "(" not in status
    assert page.html.select_one("label[for=drill-value]").get_text(strip=True) == "您的答案（秒）"
    _switch(testapp, "en")
    page = testapp.get("/drill/")
    status = page.html.select_one("#drill-status").get_text(" ", strip=True)
    assert "Days in a row: 0" in status and "(best: 0)" in status and "days" not in status
    assert page.html.select_one("label[for=drill-value]").get_text(strip=True) == "Your answer (秒)"


def test_my_quizzes_says_how_many_attempts_are_used(testapp, dbsession, new_hire):
    make_quiz(dbsession, attempts_allowed=3)
    make_quiz(dbsession, slug="open-ended", title="不限次数")
    login(testapp, "li")
    cells = [row.select("td")[2].get_text(" ", strip=True) for row in testapp.get("/quizzes/").html.select(
        "table.quiz-list tbody tr")]
    assert cells == ["已用 0 / 3 次", "尚无"]
    _switch(testapp, "en")
    cells = [row.select("td")[2].get_text(" ", strip=True) for row in testapp.get("/quizzes/").html.select(
        "table.quiz-list tbody tr")]
    assert cells == ["0 of 3 used", "None yet"]


def test_review_names_each_result_and_when_the_attempt_was_taken(testapp, dbsession, new_hire):
    make_quiz(dbsession, keys=["q-single", "q-tf"])
    login(testapp, "li")
    started = testapp.get("/quizzes/").forms[next(k for k, f in testapp.get("/quizzes/").forms.items()
                                                   if f.action.endswith("/start"))].submit().follow()
    form = started.forms["quiz-form"]
    single = next(name for name in form.fields if name.startswith("q1"))
    form[single] = form[single].options[0][0]  # whichever option is shown first
    truefalse = next(name for name in form.fields if name.startswith("q2"))
    form[truefalse] = "false"  # the statement is true: a wrong answer
    review = form.submit("action", value="finish").follow()
    marks = [p.get_text(" ", strip=True) for p in review.html.select(".review-question p.mark")]
    assert "✗ 答错" in marks[1] and "0.00 / 1.00" in marks[1]
    assert marks[0].endswith("✓ 答对") or marks[0].endswith("✗ 答错")
    times = review.html.select_one("dl.attempt-times").get_text(" ", strip=True)
    assert "开始时间 2026-03-02 17:00 (Asia/Shanghai)" in times and "已提交 2026-03-02 17:00 (Asia/Shanghai)" in times


def test_quiz_builder_names_the_date_and_time_inputs(testapp, dbsession, new_hire):
    factories.AccountFactory(username="wang", roles=[GlobalRole.TRAINER])
    make_quiz(dbsession)
    login(testapp, "wang")
    page = testapp.get("/quizzes/bank/quiz?slug=day-one")
    labels = [tag["aria-label"] for tag in page.html.select("input[type=date], input[type=time]")]
    assert labels == ["开放时间（Asia/Shanghai）：日期", "开放时间（Asia/Shanghai）：时间",
                      "关闭时间（Asia/Shanghai）：日期", "关闭时间（Asia/Shanghai）：时间"]


def test_key_form_rows_are_labelled(testapp, dbsession, new_hire):
    factories.AccountFactory(username="wang", roles=[GlobalRole.TRAINER])
    make_quiz(dbsession, keys=["q-short", "q-order"])
    login(testapp, "wang")
    bank = testapp.get("/quizzes/bank")
    keys = [a["href"] for a in bank.html.select("a[href*='/versions/']") if a["href"].endswith("/key")]
    inputs = [tag for href in keys for tag in testapp.get(href).html.select("input[name=accepted], input[name=step]")]
    assert inputs and all(tag.get("aria-label") in ("可接受的答案", "步骤") for tag in inputs)


def test_scorecard_names_the_zone_of_the_conversation_times(testapp, dbsession, new_hire):
    factories.AccountFactory(username="qa1", roles=[GlobalRole.QA])
    service = qa_service(dbsession)
    service.import_file(conversation_csv(good_conversation("li", "c-1")), "day.csv")
    dbsession.flush()
    service.draw_sample(date(2026, 3, 2))
    dbsession.commit()
    evaluation_id = dbsession.query(Evaluation.id).scalar()
    dbsession.rollback()
    login(testapp, "qa1")
    page = testapp.get(f"/qa/evaluations/{evaluation_id}")
    assert page.html.select_one(".qa-zone").get_text(strip=True) == "时间按Asia/Shanghai显示。"
    assert page.html.select_one("h1").get_text(strip=True) == "评分表：c-1"


def test_team_dashboard_says_there_are_no_scores_instead_of_an_empty_histogram(testapp, new_hire):
    boss = factories.AccountFactory(username="boss", roles=[GlobalRole.MANAGER])
    factories.make_team_manager(boss, new_hire.team)
    login(testapp, "boss")
    page = testapp.get("/reports/")
    assert "还没有测验成绩，暂无成绩分布可显示。" in page.html.select_one(".reports-no-scores").get_text()
    assert len(page.html.select(".reports-charts svg")) == 1  # onboarding progress only
    assert page.html.select_one("td.team").get_text(strip=True) == "客服一组"


def test_print_view_links_back_to_the_page_on_screen_only(testapp, new_hire):
    login(testapp, "li")
    page = testapp.get("/handbook/print/handbook/basics/what-is-service")
    back = page.html.select_one("main p.no-print a")
    assert back.get_text(strip=True) == "← 返回页面"
    assert back["href"].endswith("/handbook/read/handbook/basics/what-is-service")
