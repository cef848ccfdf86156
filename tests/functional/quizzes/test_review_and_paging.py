"""What the review shows and when (fixed clock), and one question per page without JavaScript."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cs_handbook.models.quizzes import AttemptQuestion
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_quizzes import make_quiz

HIDDEN = "本测验的详细反馈暂不显示。"
EXPLANATION = "因为……"  # every sample question's explanation
CORRECT = "实际感受与期望之间的差距"  # the right option of q-single


def _start(testapp, quiz):
    page = testapp.get("/quizzes/")
    form = next(f for f in page.forms.values() if f.action.endswith(f"/q/{quiz.slug}/start"))
    return form.submit(status=303).follow()


def _take_and_finish(testapp, quiz, answer="1"):
    page = _start(testapp, quiz)
    review_url = page.request.path + "/review"
    # Before submitting, the owner's review shows no details whatever the setting.
    assert HIDDEN in testapp.get(review_url).text
    form = page.forms["quiz-form"]
    form["q1"] = answer  # option 1: the wrong one
    form.submit("action", value="finish", status=303)
    return review_url


def _shows_details(page) -> bool:
    shown = EXPLANATION in page.text and CORRECT in page.text and "0.00 / 1.0" in page.text
    hidden = HIDDEN in page.text and EXPLANATION not in page.text and CORRECT not in page.text
    assert shown != hidden, page.text
    # The overall mark is shown either way.
    assert '<strong class="score">0.0%</strong>' in page.text
    return shown


@pytest.mark.parametrize("review", ["immediately", "after_submit"])
def test_review_right_after_submitting(testapp, dbsession, clock, review):
    quiz = make_quiz(dbsession, keys=["q-single"], review=review)
    AccountFactory(username="taker")
    login(testapp, "taker")
    review_url = _take_and_finish(testapp, quiz)
    assert _shows_details(testapp.get(review_url))


def test_review_after_close_waits_for_the_close(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single"], review="after_close", close_at=clock.now() + timedelta(hours=2))
    AccountFactory(username="taker")
    login(testapp, "taker")
    review_url = _take_and_finish(testapp, quiz)
    assert not _shows_details(testapp.get(review_url))
    clock.advance(hours=1, minutes=59, seconds=59)
    assert not _shows_details(testapp.get(review_url))
    clock.advance(seconds=1)
    assert _shows_details(testapp.get(review_url))


def test_review_never_shows_details_to_the_taker_but_to_the_trainer(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single"], review="never", close_at=clock.now() + timedelta(hours=1))
    AccountFactory(username="taker")
    AccountFactory(username="trainer", roles=["trainer"])
    login(testapp, "taker")
    review_url = _take_and_finish(testapp, quiz)
    assert not _shows_details(testapp.get(review_url))
    clock.advance(days=30)
    assert not _shows_details(testapp.get(review_url))
    testapp.reset()
    login(testapp, "trainer")
    assert _shows_details(testapp.get(review_url))


def _stored(dbsession):
    dbsession.rollback()
    return {q.position: q.answer for q in dbsession.scalars(select(AttemptQuestion))}


def test_one_question_per_page_next_previous_keep_answers(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-tf", "q-short"], one_per_page=True)
    AccountFactory(username="taker")
    login(testapp, "taker")
    page = _start(testapp, quiz)
    assert "第 1 题，共 3 题" in page.text
    form = page.forms["quiz-form"]
    assert "q1" in form.fields and "q2" not in form.fields and "q3" not in form.fields
    assert "goto" in form.fields  # Next, no Previous on the first page
    form["q1"] = "0"
    page = form.submit("goto", value="2", status=303).follow()
    assert page.request.query_string == "page=2"
    assert _stored(dbsession) == {1: 0, 2: None, 3: None}
    form = page.forms["quiz-form"]
    assert "q2" in form.fields and "q1" not in form.fields
    form["q2"] = "false"
    page = form.submit("goto", value="1", status=303).follow()  # Previous
    assert page.request.query_string == "page=1"
    assert _stored(dbsession) == {1: 0, 2: False, 3: None}
    # Back on page 1 the saved answer is checked; saving page 1 again leaves page 2 alone.
    form = page.forms["quiz-form"]
    assert form["q1"].value == "0"
    form["q1"] = "1"
    form.submit("goto", value="2", status=303)
    assert _stored(dbsession) == {1: 1, 2: False, 3: None}
    # Pages past the end show the last one; a page that is not a number shows the first.
    assert "第 1 题，共 3 题" in testapp.get(page.request.path, {"page": "x"}).text
    page = testapp.get(page.request.path, {"page": "99"})
    assert "第 3 题，共 3 题" in page.text
    form = page.forms["quiz-form"]
    form["q3"] = "一分钟"
    review = form.submit("action", value="finish", status=303).follow()
    assert _stored(dbsession) == {1: 1, 2: False, 3: "一分钟"}
    assert '<strong class="score">33.3%</strong>' in review.text  # q1 and q2 (the answer is true) wrong, q3 right


def test_page_without_javascript_saves_on_submit_and_refuses_a_foreign_position(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-tf"], one_per_page=True)
    AccountFactory(username="taker")
    login(testapp, "taker")
    page = _start(testapp, quiz)
    token = page.forms["quiz-form"]["csrf_token"].value
    # A form claiming a question the attempt does not have changes nothing.
    testapp.post(page.request.path, {"csrf_token": token, "shown": ["1", "9"], "q1": "0", "goto": "2"}, status=400)
    assert _stored(dbsession) == {1: None, 2: None}
    testapp.post(page.request.path, {"csrf_token": token, "shown": "1", "q1": "7", "goto": "2"}, status=400)
    assert _stored(dbsession) == {1: None, 2: None}
    testapp.post(page.request.path, {"csrf_token": token, "shown": "1", "q1": "0", "goto": "2"}, status=303)
    assert _stored(dbsession) == {1: 0, 2: None}
