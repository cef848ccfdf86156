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

    page.locator("#question-1 input[type=radio][value='0']").check()
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


def _start_in_browser(page, live_server, quiz):
    page.goto(live_server("/quizzes/"))
    page.locator(f"form[action$='/q/{quiz.slug}/start'] button").click()
    page.wait_for_url("**/attempts/*")


def _status_is(page, kind):
    page.wait_for_function(
        "(kind) => { const s = document.getElementById('quiz-connection');"
        " return s.textContent === s.getAttribute('data-' + kind); }", arg=kind)


def _stored(dbsession):
    dbsession.rollback()
    found = {q.position: q.answer for q in dbsession.scalars(select(AttemptQuestion))}
    dbsession.rollback()
    return found


def test_an_answer_replaced_from_another_device_is_shown_and_said(page, browser, live_server, dbsession,
                                                                  registry):
    quiz = make_quiz(dbsession, keys=["q-single", "q-tf"])
    AccountFactory(username="li")
    browser_login(page, live_server, "li")
    _start_in_browser(page, live_server, quiz)
    # The same attempt open on a second device, which answers question 1 first.
    other_context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    try:
        other = other_context.new_page()
        browser_login(other, live_server, "li")
        other.goto(page.url)
        other.locator("#question-1 input[type=radio][value='1']").check()
        _status_is(other, "online")
    finally:
        other_context.close()
    # This device's save carries the same number, so the server keeps the other device's answer
    # and the page says so, showing that answer instead of claiming its own was saved.
    # click(), not check(): the save's reply may put the other answer back before Playwright
    # looks at the radio again, which is the behaviour under test.
    page.locator("#question-1 input[type=radio][value='0']").click()
    _status_is(page, "conflict")
    assert page.locator("#question-1 input[type=radio][value='1']").is_checked()
    assert not page.locator("#question-1 input[type=radio][value='0']").is_checked()
    assert "conflict" in page.locator("#question-1").get_attribute("class")
    assert _stored(dbsession)[1] == 1
    # Choosing again now replaces it.
    page.locator("#question-1 input[type=radio][value='0']").check()
    _status_is(page, "online")
    assert _stored(dbsession)[1] == 0


def test_time_up_submits_the_answer_still_being_typed(page, live_server, dbsession, registry, clock):
    quiz = make_quiz(dbsession, keys=["q-short", "q-tf"], time_limit_minutes=1)
    AccountFactory(username="li")
    browser_login(page, live_server, "li")
    page.clock.install()
    _start_in_browser(page, live_server, quiz)
    page.locator("#question-2 input[value='true']").check()
    _status_is(page, "online")
    # Typing, no pause long enough for the autosave, when the minute runs out; the request
    # reaches the server 5 s after the deadline, inside the final submit's grace.
    page.locator("#question-1 input[type=text]").press_sequentially("60秒")
    clock.advance(minutes=1, seconds=5)
    page.clock.fast_forward("01:01")
    page.wait_for_url("**/review")
    assert "100.0%" in page.locator("main").inner_text()
    dbsession.rollback()
    attempt = dbsession.scalar(select(Attempt))
    assert attempt.state == "graded" and {q.position: q.answer for q in attempt.questions} == {1: "60秒", 2: True}


def test_a_reload_puts_queued_answers_back_before_the_submit(page, live_server, dbsession, registry):
    quiz = make_quiz(dbsession, keys=["q-single", "q-tf", "q-short"])
    AccountFactory(username="li")
    browser_login(page, live_server, "li")
    _start_in_browser(page, live_server, quiz)
    # The save endpoint cannot be reached: answers wait in the browser's queue.
    page.route("**/save", lambda route: route.abort())
    page.locator("#question-1 input[type=radio][value='0']").check()
    page.locator("#question-3 input[type=text]").fill("一分钟")
    _status_is(page, "offline")
    page.reload()
    assert page.locator("#question-1 input[type=radio][value='0']").is_checked()
    assert page.locator("#question-3 input[type=text]").input_value() == "一分钟"
    assert _stored(dbsession) == {1: None, 2: None, 3: None}
    # The form post now carries the queued answers, not the older ones the server held.
    page.locator("#question-2 input[value='true']").check()
    page.locator("#quiz-finish").click()
    page.wait_for_url("**/review")
    assert _stored(dbsession) == {1: 0, 2: True, 3: "一分钟"}
    assert "100.0%" in page.locator("main").inner_text()


def test_quiz_builder_places_in_the_order_the_trainer_arranges(page, live_server, dbsession, registry):
    from cs_handbook.models.quizzes import Quiz
    from tests.factories_quizzes import make_bank

    make_bank(dbsession, keys=["q-tf", "q-single"])
    AccountFactory(username="trainer", roles=["trainer"])
    browser_login(page, live_server, "trainer")
    page.goto(live_server("/quizzes/bank/quiz"))
    form = page.locator("form#quiz")
    form.locator("input[name=slug]").fill("arranged")
    form.locator("input[name=title]").fill("排好顺序的测验")
    places = form.locator(".item-slots .deform-seq-item")
    # The question field searches the bank's list; a draw goes in the second place, a question in the third.
    assert places.nth(0).locator("input[name=question]").get_attribute("list") == "bank-questions"
    places.nth(0).locator("input[name=question]").fill("basics/q-single")
    places.nth(1).locator("select[name=category]").select_option("basics")
    places.nth(2).locator("input[name=question]").fill("basics/q-tf")
    # Move the draw up to the first place, and add a row with the script's button.
    places.nth(1).locator(".deform-order-button").click()
    form.locator(".item-slots .deform-seq-add").click()
    assert form.locator(".item-slots .deform-seq-item").count() == 4
    form.locator("button[name=submit]").click()
    page.wait_for_url("**/quizzes/bank")
    dbsession.rollback()
    quiz = dbsession.scalar(select(Quiz).where(Quiz.slug == "arranged"))
    assert [(s.question.key if s.question else f"random:{s.category.slug}") for s in quiz.slots] == [
        "random:basics", "q-single", "q-tf"]
