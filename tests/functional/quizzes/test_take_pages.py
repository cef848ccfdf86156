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


def test_a_save_older_than_the_stored_one_gets_the_stored_answer_back(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-tf"])
    AccountFactory(username="taker")
    login(testapp, "taker")
    page = _start(testapp, quiz)
    url = page.html.find(id="quiz-form")["data-save-url"]
    headers = {"X-CSRF-Token": _token(page)}
    # Another window saved with number 7; this one's save number 7 (and 5) arrive after it.
    assert testapp.post_json(url, {"seq": 7, "answers": {"1": 1}}, headers=headers).json["saved"] == {"1": True}
    reply = testapp.post_json(url, {"seq": 7, "answers": {"1": 0, "2": True}}, headers=headers).json
    assert reply["saved"] == {"1": False, "2": True}
    assert reply["current"] == {"1": 1} and reply["current_seq"] == 7
    # Once told, the page saves with a number past the stored one and wins.
    assert testapp.post_json(url, {"seq": 8, "answers": {"1": 0}}, headers=headers).json == {
        "saved": {"1": True}, "seq": 8}
    dbsession.rollback()
    assert {q.position: q.answer for q in dbsession.scalars(select(AttemptQuestion))} == {1: 0, 2: True}


def test_save_numbers_past_the_column_are_refused(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single"])
    AccountFactory(username="taker")
    login(testapp, "taker")
    page = _start(testapp, quiz)
    url = page.html.find(id="quiz-form")["data-save-url"]
    headers = {"X-CSRF-Token": _token(page)}
    for seq in (2**31, 2**40, 2**70, True, 0, -1, 1.5):
        reply = testapp.post_json(url, {"seq": seq, "answers": {"1": 0}}, headers=headers, status=400)
        assert reply.json["error"] == "答案格式不正确。"
    assert testapp.post_json(url, {"seq": 2**31 - 1, "answers": {"1": 0}}, headers=headers).json["saved"] == {
        "1": True}


def _timed_page(testapp, dbsession, keys=("q-short", "q-tf")):
    quiz = make_quiz(dbsession, keys=list(keys), time_limit_minutes=10)
    AccountFactory(username="taker")
    login(testapp, "taker")
    return _start(testapp, quiz)


def test_final_submit_within_the_grace_is_stored_and_graded(testapp, dbsession, clock):
    page = _timed_page(testapp, dbsession)
    form = page.forms["quiz-form"]
    form["q1"] = "60秒"
    form["q2"] = "true"
    clock.advance(minutes=10, seconds=29)  # 29 s after the deadline: the timer's submit on a slow line
    review = form.submit("action", value="finish", status=303).follow()
    assert "100.0%" in review.text
    dbsession.rollback()
    attempt = dbsession.scalar(select(Attempt))
    assert attempt.state == "graded" and attempt.submitted_at == attempt.deadline
    assert {q.position: q.answer for q in attempt.questions} == {1: "60秒", 2: True}


def test_final_submit_after_the_grace_is_refused_and_the_attempt_graded_as_saved(testapp, dbsession, clock):
    page = _timed_page(testapp, dbsession)
    url = page.html.find(id="quiz-form")["data-save-url"]
    testapp.post_json(url, {"seq": 1, "answers": {"2": True}}, headers={"X-CSRF-Token": _token(page)})
    form = page.forms["quiz-form"]
    form["q1"] = "60秒"
    form["q2"] = "false"
    clock.advance(minutes=10, seconds=31)
    refused = form.submit("action", value="finish", status=409)
    assert "这些答案在时限之后才送达，没有保存。" in refused.text
    assert refused.html.find("a", string="查看本次作答")["href"].endswith("/review")
    dbsession.rollback()
    attempt = dbsession.scalar(select(Attempt))
    assert attempt.state == "graded" and attempt.score_percent == 50.0
    assert {q.position: q.answer for q in attempt.questions} == {1: None, 2: True}


def test_a_plain_save_after_the_deadline_gets_no_grace(testapp, dbsession, clock):
    page = _timed_page(testapp, dbsession)
    form = page.forms["quiz-form"]
    form["q1"] = "60秒"
    clock.advance(minutes=10, seconds=1)
    form.submit("goto", value="1", status=409)
    # The autosave has no grace either.
    url = page.html.find(id="quiz-form")["data-save-url"]
    testapp.post_json(url, {"seq": 9, "answers": {"1": "60秒"}}, headers={"X-CSRF-Token": _token(page)},
                      status=409)
    dbsession.rollback()
    attempt = dbsession.scalar(select(Attempt))
    assert attempt.state == "graded" and attempt.questions[0].answer is None


def test_a_partly_filled_ordering_is_saved_and_scored_without_javascript(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-order"])
    AccountFactory(username="taker")
    login(testapp, "taker")
    form = _start(testapp, quiz).forms["quiz-form"]
    form["q1"] = "0"
    form["q2-0"] = "0"  # the first step in place 1, the same step again in place 2, the rest blank
    form["q2-1"] = "0"
    page = form.submit("goto", value="1", status=303).follow()
    dbsession.rollback()
    assert {q.position: q.answer for q in dbsession.scalars(select(AttemptQuestion))} == {
        1: 0, 2: [0, 0, None, None, None]}
    # The page shows the partial order back, and the rest can be filled in later.
    form = page.forms["quiz-form"]
    assert (form["q2-0"].value, form["q2-1"].value, form["q2-2"].value) == ("0", "0", "")
    form["q2-4"] = "4"
    review = form.submit("action", value="finish", status=303).follow()
    # q1 right (1 point) and two of five places right (0.4): 1.4 of 2 points.
    assert '<strong class="score">70.0%</strong>' in review.text
    assert "记录 → 记录 → — → — → 反馈" in review.text


def test_digits_other_than_ascii_are_refused_not_crashed_on(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-tf"], one_per_page=True)
    AccountFactory(username="taker")
    login(testapp, "taker")
    page = _start(testapp, quiz)
    token = _token(page)
    for odd in ("²", "٣", "１"):
        assert "第 1 题，共 2 题" in testapp.get(page.request.path, {"page": odd}).text
        testapp.post(page.request.path, {"csrf_token": token, "shown": odd, "q1": "0"}, status=400)
        testapp.post(page.request.path, {"csrf_token": token, "shown": "1", "q1": odd}, status=400)
        testapp.post_json(page.request.path + "/save", {"seq": 1, "answers": {odd: 0}},
                          headers={"X-CSRF-Token": token}, status=400)
    # A "goto" that is not a page number leads to the first page.
    moved = testapp.post(page.request.path, {"csrf_token": token, "shown": "1", "q1": "0", "goto": "²"}, status=303)
    assert "page=" not in moved.location


def test_a_matching_question_with_a_distractor_is_taken_and_graded(testapp, dbsession, clock):
    from cs_handbook.services.quizzes_bank import BankService

    bank = BankService(dbsession, clock)
    category = bank.ensure_category("basics", "服务基础")
    data = {"pairs": [{"left": "受理投诉", "right": "客户投诉受理人员"}, {"left": "受理订单", "right": "订单受理人员"}],
            "distractors": ["售后技术人员"]}
    bank.save_question(category, "match-distractor", {"type": "matching", "text": "职责与岗位", "source": "",
                                                      "points": 1.0, "explanation": "", "data": data}, [])
    dbsession.commit()
    quiz = make_quiz(dbsession, keys=[])
    bank.save_quiz(quiz.slug, {}, ["basics/match-distractor"], [])
    dbsession.commit()
    AccountFactory(username="taker")
    login(testapp, "taker")
    form = _start(testapp, quiz).forms["quiz-form"]
    options = [o.get_text() for o in form.html.select("select[name=q1-0] option")][1:]
    assert sorted(options) == ["售后技术人员", "客户投诉受理人员", "订单受理人员"]
    form["q1-0"] = "2"  # the distractor: wrong
    form["q1-1"] = "1"
    review = form.submit("action", value="finish", status=303).follow()
    assert '<strong class="score">50.0%</strong>' in review.text
    assert "受理投诉 — 售后技术人员" in review.text


def test_no_start_button_once_every_attempt_is_used(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-tf"], attempts_allowed=1)
    AccountFactory(username="taker")
    login(testapp, "taker")
    form = _start(testapp, quiz).forms["quiz-form"]
    form["q1"] = "true"
    form.submit("action", value="finish", status=303)
    row = testapp.get("/quizzes/").html.find("td", string=lambda t: t and quiz.title in t).parent
    assert "作答次数已用完" in row.get_text() and not row.find("form")


def test_the_deadline_is_shown_in_the_takers_zone(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-tf"], time_limit_minutes=10)
    AccountFactory(username="taker")
    login(testapp, "taker")
    page = _start(testapp, quiz)
    assert "截止于 2026-03-02 17:10 (Asia/Shanghai)" in page.text
    # The timer is outside the live region; only the connection status is announced.
    assert page.html.find(id="quiz-timer").find_parent(attrs={"aria-live": True}) is None
    assert page.html.find(id="quiz-connection")["aria-live"] == "polite"


def test_my_quizzes_say_when_a_quiz_opens_and_closes(testapp, dbsession, clock):
    from datetime import timedelta

    later = make_quiz(dbsession, slug="later", keys=["q-tf"], open_at=clock.now() + timedelta(days=1))
    closing = make_quiz(dbsession, slug="closing", keys=["q-tf"], title="即将关闭",
                        close_at=clock.now() + timedelta(hours=3))
    over = make_quiz(dbsession, slug="over", keys=["q-tf"], title="已结束",
                     open_at=clock.now() - timedelta(days=9), close_at=clock.now() - timedelta(days=1))
    AccountFactory(username="taker")
    login(testapp, "taker")
    rows = {tr.find("td").get_text(" ", strip=True): tr.get_text(" ", strip=True)
            for tr in testapp.get("/quizzes/").html.select("table.quiz-list tbody tr")}
    assert "2026-03-03 17:00 (Asia/Shanghai) 开放" in next(v for k, v in rows.items() if later.title in k)
    assert "2026-03-02 20:00 (Asia/Shanghai) 关闭" in next(v for k, v in rows.items() if closing.title in k)
    ended = next(v for k, v in rows.items() if over.title in k)
    assert "开放" not in ended and "已关闭" in ended
