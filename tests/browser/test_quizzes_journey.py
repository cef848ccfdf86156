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
