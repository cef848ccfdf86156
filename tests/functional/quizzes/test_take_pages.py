"""The staff pages: start/resume, take without JavaScript, autosave JSON, finish, review."""

from sqlalchemy import func, select

from cs_handbook.models.quizzes import Attempt, AttemptQuestion
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_quizzes import make_quiz


def _start(testapp, quiz):
    page = testapp.get("/quizzes/")
    form = next(f for f in page.forms.values() if f.action.endswith(f"/q/{quiz.slug}/start"))
    return form.submit(status=303).follow()


def _token(page):
    return page.forms["quiz-form"]["csrf_token"].value


def test_take_without_javascript_and_review(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-multiple", "q-tf", "q-short", "q-order", "q-match"])
    account = AccountFactory(username="taker")
    login(testapp, "taker")
    page = _start(testapp, quiz)
    assert quiz.title in page.text
    # Reloading and starting again resume the same attempt.
    again = _start(testapp, quiz)
    assert again.request.path == page.request.path
    form = page.forms["quiz-form"]
    form["q1"] = "0"
    form["q2"] = ["0", "1"]
    form["q3"] = "true"
    form["q4"] = "６０ 秒"
    for n in range(5):
        form[f"q5-{n}"] = str(n)
    for n in range(2):
        form[f"q6-{n}"] = str(n)
    review = form.submit("action", value="finish", status=303).follow()
    assert "100.0%" in review.text
    dbsession.commit()
    dbsession.expire_all()
    attempt = dbsession.scalar(select(Attempt))
    assert attempt.state == "graded" and attempt.account_id == account.id
    assert "因为" in review.text  # explanations shown after submit


def test_autosave_json_sequence_and_errors(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-tf"], time_limit_minutes=10)
    AccountFactory(username="taker")
    login(testapp, "taker")
    page = _start(testapp, quiz)
    url = page.html.find(id="quiz-form")["data-save-url"]
    headers = {"X-CSRF-Token": _token(page)}
    ok = testapp.post_json(url, {"seq": 2, "answers": {"1": 0}}, headers=headers)
    assert ok.json["saved"] == {"1": True}
    late = testapp.post_json(url, {"seq": 1, "answers": {"1": 1}}, headers=headers)
    assert late.json["saved"] == {"1": False}
    for body in ({"seq": 3, "answers": {"1": [0]}}, {"seq": 3, "answers": {"7": 0}}, {"seq": "x", "answers": {}},
                 {"seq": 3, "answers": {"1": 9}}, ["nope"]):
        testapp.post_json(url, body, headers=headers, status=400)
    testapp.post(url, "not json", headers={**headers, "Content-Type": "application/json"}, status=400)
    testapp.post_json(url, {"seq": 5, "answers": {"1": 1}}, status=400)  # no CSRF token
    clock.advance(minutes=10, seconds=1)
    refused = testapp.post_json(url, {"seq": 9, "answers": {"1": 1, "2": True}}, headers=headers, status=409)
    assert refused.json["error"]
    dbsession.rollback()
    answers = {q.position: (q.answer, q.seq) for q in dbsession.scalars(select(AttemptQuestion))}
    assert answers == {1: (0, 2), 2: (None, 0)}
    # Opening the page after time up submits it.
    testapp.get(page.request.path, status=303)
    dbsession.rollback()
    assert dbsession.scalar(select(Attempt.state)) == "graded"


def test_someone_elses_attempt_is_refused(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single"])
    AccountFactory(username="owner")
    AccountFactory(username="intruder")
    login(testapp, "owner")
    page = _start(testapp, quiz)
    testapp.post("/signout", {"csrf_token": _token(page)})
    login(testapp, "intruder")
    testapp.get(page.request.path, status=403)
    testapp.get(page.request.path + "/review", status=403)
    token = testapp.get("/quizzes/").forms[0]["csrf_token"].value
    testapp.post_json(page.request.path + "/save", {"seq": 1, "answers": {"1": 0}},
                      headers={"X-CSRF-Token": token}, status=403)
    dbsession.rollback()
    assert dbsession.scalar(select(func.max(AttemptQuestion.seq))) == 0
