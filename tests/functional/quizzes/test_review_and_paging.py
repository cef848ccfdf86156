"""What the review shows and when (fixed clock), and one question per page without JavaScript."""

from datetime import timedelta

from sqlalchemy import select

from cs_handbook.models.quizzes import AttemptQuestion
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_quizzes import make_quiz

EXPLANATION = "因为……"  # every sample question's explanation
CORRECT = "实际感受与期望之间的差距"  # q-single's right option (the taker chooses the other)
OPTION_FEEDBACK = "价格高低：价格只是感受的一部分"  # the feedback of q-single's wrong option
SOURCE = "阅读出处文档"
SCORE = '<strong class="score">0.0%</strong>'
QUESTION_MARK = "0.00 / 1.0"


def _start(testapp, quiz):
    page = testapp.get("/quizzes/")
    form = next(f for f in page.forms.values() if f.action.endswith(f"/q/{quiz.slug}/start"))
    return form.submit(status=303).follow()


def _take_and_finish(testapp, quiz, answer="1"):
    page = _start(testapp, quiz)
    review_url = page.request.path + "/review"
    # Before submitting, the owner's review shows nothing of the answers whatever the settings.
    before = testapp.get(review_url).text
    assert "本测验的详细反馈暂不显示。" in before and EXPLANATION not in before and QUESTION_MARK not in before
    form = page.forms["quiz-form"]
    form["q1"] = answer  # option 1: the wrong one
    form.submit("action", value="finish", status=303)
    return review_url


def _parts(page) -> dict:
    """What the review shows of each part."""
    text = page.text
    right = " ".join(p.get_text() for p in page.html.select(".correct"))
    return {"marks": SCORE in text and QUESTION_MARK in text, "answers": "正确答案" in right and CORRECT in right,
            "feedback": EXPLANATION in text and OPTION_FEEDBACK in page.html.get_text(), "sources": SOURCE in text}


def _with_source_documents(registry):
    # The review links to documents only when their area is there: it is, in the full app.
    assert registry.introspector.get("routes", "documents.view") is not None


ALL = {"marks": True, "answers": True, "feedback": True, "sources": True}


def test_review_after_submitting_shows_every_part(testapp, dbsession, clock, registry):
    _with_source_documents(registry)
    quiz = make_quiz(dbsession, keys=["q-single"], review="after_submit")
    AccountFactory(username="taker")
    login(testapp, "taker")
    review_url = _take_and_finish(testapp, quiz)
    page = testapp.get(review_url)
    assert _parts(page) == ALL
    assert not page.html.select(".review-hidden li")


def test_each_part_follows_its_own_setting(testapp, dbsession, clock, registry):
    _with_source_documents(registry)
    quiz = make_quiz(dbsession, keys=["q-single"], close_at=clock.now() + timedelta(hours=2),
                     review={"marks": "after_submit", "answers": "after_close", "feedback": "never",
                             "sources": "after_submit"})
    AccountFactory(username="taker")
    login(testapp, "taker")
    review_url = _take_and_finish(testapp, quiz)
    page = testapp.get(review_url)
    assert _parts(page) == {"marks": True, "answers": False, "feedback": False, "sources": True}
    # The page says what is held back and until when, in the reader's zone (Shanghai: UTC+8).
    assert [li.get_text(strip=True) for li in page.html.select(".review-hidden li")] == [
        "正确答案：测验关闭后（2026-03-02 19:00 (Asia/Shanghai)）显示。", "反馈：本测验不显示。"]
    clock.advance(hours=1, minutes=59, seconds=59)
    assert _parts(testapp.get(review_url))["answers"] is False
    clock.advance(seconds=1)
    assert _parts(testapp.get(review_url)) == {"marks": True, "answers": True, "feedback": False, "sources": True}


def test_after_close_is_never_reached_without_a_closing_date(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single"], review="after_close")
    AccountFactory(username="taker")
    login(testapp, "taker")
    review_url = _take_and_finish(testapp, quiz)
    clock.advance(days=365)
    page = testapp.get(review_url)
    assert _parts(page) == {"marks": False, "answers": False, "feedback": False, "sources": False}


def test_hidden_marks_hide_the_overall_mark_too(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single"], review={"marks": "never"})
    AccountFactory(username="taker")
    AccountFactory(username="trainer", roles=["trainer"])
    login(testapp, "taker")
    review_url = _take_and_finish(testapp, quiz)
    page = testapp.get(review_url)
    assert _parts(page)["marks"] is False and "0.0%" not in page.text and "未通过" not in page.text
    assert "已提交" in page.text
    row = testapp.get("/quizzes/").html.find("td", string=lambda t: t and quiz.title in t).parent
    assert "分数暂不显示" in row.get_text() and "%" not in row.get_text()
    # Trainers see all of it.
    testapp.reset()
    login(testapp, "trainer")
    assert _parts(testapp.get(review_url)) == ALL


def test_review_never_shows_nothing_to_the_taker_but_all_to_the_trainer(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single"], review="never", close_at=clock.now() + timedelta(hours=1))
    AccountFactory(username="taker")
    AccountFactory(username="trainer", roles=["trainer"])
    login(testapp, "taker")
    review_url = _take_and_finish(testapp, quiz)
    clock.advance(days=30)
    page = testapp.get(review_url)
    assert _parts(page) == {"marks": False, "answers": False, "feedback": False, "sources": False}
    assert len(page.html.select(".review-hidden li")) == 4
    testapp.reset()
    login(testapp, "trainer")
    assert _parts(testapp.get(review_url)) == ALL


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
