"""A timed quiz in real Chromium: autosave, go offline, answer two more, come back, submit, review."""

import pytest
from sqlalchemy import select

from cs_handbook.models.quizzes import Attempt, AttemptQuestion
from tests.browser.conftest import browser_login
from tests.factories import AccountFactory
from tests.factories_quizzes import make_quiz

pytestmark = pytest.mark.browser


def test_timed_quiz_offline_and_back(page, live_server, dbsession, registry):
    quiz = make_quiz(dbsession, keys=["q-single", "q-tf", "q-short", "q-multiple"], time_limit_minutes=10)
    AccountFactory(username="li")
    browser_login(page, live_server, "li")
    page.goto(live_server("/quizzes/"))
    page.locator(f"form[action$='/q/{quiz.slug}/start'] button").click()
    status = page.locator("#quiz-connection")
    saved = status.get_attribute("data-online")
    offline = status.get_attribute("data-offline")
    assert page.locator("#quiz-timer").is_visible()

    page.locator("#question-1 input[value='0']").check()
    page.wait_for_function("(text) => document.getElementById('quiz-connection').textContent === text", arg=saved)

    page.context.set_offline(True)
    page.locator("#question-2 input[value='true']").check()
    page.locator("#question-3 input[type=text]").fill("60秒")
    page.locator("#question-3 input[type=text]").dispatch_event("change")
    page.wait_for_function("(text) => document.getElementById('quiz-connection').textContent === text", arg=offline)
    dbsession.rollback()
    stored = {q.position: q.answer for q in dbsession.scalars(select(AttemptQuestion))}
    assert stored[2] is None and stored[3] is None

    page.context.set_offline(False)
    page.wait_for_function("(text) => document.getElementById('quiz-connection').textContent === text", arg=saved)
    dbsession.rollback()
    stored = {q.position: q.answer for q in dbsession.scalars(select(AttemptQuestion))}
    assert stored[1] == 0 and stored[2] is True and stored[3] == "60秒"

    page.locator("#question-4 input[value='0']").check()
    page.locator("#question-4 input[value='1']").check()
    page.locator("#quiz-finish").click()
    page.wait_for_url("**/review")
    assert "100.0%" in page.locator("main").inner_text()
    dbsession.rollback()
    assert dbsession.scalar(select(Attempt.state)) == "graded"


def test_question_editor_shows_the_type_fields_and_adds_rows(page, live_server, dbsession, registry):
    from cs_handbook.models.quizzes import Question
    from tests.factories_quizzes import make_bank

    make_bank(dbsession, keys=["q-tf"])
    AccountFactory(username="trainer", roles=["trainer"])
    browser_login(page, live_server, "trainer")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server("/quizzes/bank/new"))
    form = page.locator("form#question")
    options, steps = form.locator(":scope > fieldset > .item-options"), form.locator(":scope > fieldset > .item-items")
    page.select_option("select[name=type]", "single")
    assert options.is_visible() and not steps.is_visible()
    page.select_option("select[name=type]", "ordering")
    assert steps.is_visible() and not options.is_visible()
    # Four blank steps are there; a fifth is added with the sequence's button, then the order is fixed up.
    steps.locator("input[name=step]").nth(0).fill("受理")
    steps.locator("input[name=step]").nth(1).fill("记录")
    steps.locator(".deform-seq-add").click()
    assert steps.locator("input[name=step]").count() == 5
    steps.locator("input[name=step]").nth(4).fill("反馈")
    steps.locator(".deform-order-button").nth(1).click()  # 记录 moves above 受理
    page.select_option("select[name=category]", "basics")
    form.locator("input[name=key]").fill("browser-order")
    form.locator("textarea[name=text]").fill("投诉处理的顺序")
    form.locator("button[name=submit]").click()
    page.wait_for_url("**/quizzes/bank")
    assert not errors
    dbsession.rollback()
    question = dbsession.scalar(select(Question).where(Question.key == "browser-order"))
    assert question.current.type == "ordering" and question.current.data == {"items": ["记录", "受理", "反馈"]}
