"""Attempt integrity through AttemptService: start/resume, sequence numbers, finish once, timer, sweep."""

import threading
from datetime import timedelta

import pytest
import transaction
import zope.sqlalchemy
from sqlalchemy import func, select

from cs_handbook.clock import FixedClock
from cs_handbook.models import sqlite_write_intent
from cs_handbook.models.quizzes import Attempt, AttemptQuestion, QuizGrade
from cs_handbook.services.quizzes import AttemptService, QuizError
from cs_handbook.services.quizzes_grading import correct_answer
from tests.factories import AccountFactory
from tests.factories_quizzes import make_bank, make_quiz


def service(session, clock, events=None):
    return AttemptService(session, clock, notify=(events.append if events is not None else None))


def answers_for(attempt, right=True):
    out = {}
    for q in attempt.questions:
        answer = correct_answer(q.version.type, q.version.data)
        if not right and q.version.type == "truefalse":
            answer = not answer
        out[str(q.position)] = answer
    return out


def test_a_finish_right_after_a_save_grades_the_saved_answers(dbsession, clock):
    # As the form without JavaScript does in one request: its questions loaded (and held), a save,
    # then the finish. The save's UPDATEs bypass the ORM; the grading must still see them.
    quiz = make_quiz(dbsession)
    svc = service(dbsession, clock)
    attempt = svc.start(quiz, AccountFactory().id)
    held = list(attempt.questions)
    assert all(svc.save(attempt, answers_for(attempt), 1).values())
    assert svc.finish(attempt) is True
    assert attempt.score_percent == 100.0 and attempt.passed
    assert all(q.seq == 1 for q in held)


def test_start_resumes_and_grades_full_marks(dbsession, clock):
    quiz = make_quiz(dbsession)
    account = AccountFactory()
    events = []
    svc = service(dbsession, clock, events)
    attempt = svc.start(quiz, account.id)
    assert svc.start(quiz, account.id).id == attempt.id
    assert len(attempt.questions) == 6
    assert all(svc.save(attempt, answers_for(attempt), 1).values())
    assert svc.finish(attempt) is True
    assert attempt.state == "graded" and attempt.score_percent == 100.0 and attempt.passed
    assert [e.id for e in events] == [attempt.id]
    assert svc.finish(attempt) is False
    assert len(events) == 1
    second = svc.start(quiz, account.id)
    assert second.number == 2


def test_late_older_save_is_ignored(dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single"])
    account = AccountFactory()
    svc = service(dbsession, clock)
    attempt = svc.start(quiz, account.id)
    assert svc.save(attempt, {"1": 0}, 5) == {1: True}
    assert svc.save(attempt, {"1": 1}, 4) == {1: False}
    dbsession.commit()
    question = dbsession.scalar(select(AttemptQuestion))
    assert question.answer == 0 and question.seq == 5


@pytest.mark.parametrize("answers", [{"9": 0}, {"1": 7}, {"1": [0]}, {"1": "0"}])
def test_bad_answers_store_nothing(dbsession, clock, answers):
    quiz = make_quiz(dbsession, keys=["q-single", "q-tf"])
    svc = service(dbsession, clock)
    attempt = svc.start(quiz, AccountFactory().id)
    with pytest.raises(QuizError) as info:
        svc.save(attempt, {"2": True, **answers}, 1)
    assert info.value.status == 400
    assert all(q.seq == 0 and q.answer is None for q in attempt.questions)


def test_timer_refuses_late_save_and_sweep_submits_once(dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-tf"], time_limit_minutes=10)
    svc = service(dbsession, clock)
    attempt = svc.start(quiz, AccountFactory().id)
    clock.advance(minutes=9, seconds=59)
    svc.save(attempt, {"1": 0}, 1)
    assert svc.sweep() == 0 and attempt.state == "in_progress"
    clock.advance(seconds=2)
    with pytest.raises(QuizError) as info:
        svc.save(attempt, {"2": True}, 2)
    assert info.value.status == 409
    # The sweep leaves the final submit its grace (30 s by default) before submitting.
    clock.advance(seconds=28)
    assert svc.sweep() == 0 and attempt.state == "in_progress"
    clock.advance(seconds=1)
    assert svc.sweep() == 1
    assert svc.sweep() == 0
    dbsession.refresh(attempt)
    assert attempt.state == "graded" and attempt.score_percent == 50.0
    assert attempt.submitted_at == attempt.deadline


def test_attempts_allowed_and_grading_method(dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-tf"], attempts_allowed=2, grading="last")
    account = AccountFactory()
    svc = service(dbsession, clock)
    first = svc.start(quiz, account.id)
    svc.save(first, {"1": True}, 1)
    svc.finish(first)
    second = svc.start(quiz, account.id)
    svc.save(second, {"1": False}, 1)
    svc.finish(second)
    grade = dbsession.scalar(select(QuizGrade))
    assert grade.grade_percent == 0.0 and grade.passed is False
    with pytest.raises(QuizError):
        svc.start(quiz, account.id)


def test_closed_quiz_cannot_start(dbsession, clock):
    quiz = make_quiz(dbsession, close_at=clock.now() - timedelta(days=1))
    with pytest.raises(QuizError):
        service(dbsession, clock).start(quiz, AccountFactory().id)


def test_essay_then_regrade_after_key_fix(dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-essay"])
    events = []
    svc = service(dbsession, clock, events)
    attempt = svc.start(quiz, AccountFactory().id)
    svc.save(attempt, {"1": 1, "2": "首问负责、限时答复"}, 1)
    svc.finish(attempt)
    assert attempt.state == "submitted" and not events
    [pending] = svc.essay_queue()
    svc.grade_essay(pending, 1.0, "好", grader_id=attempt.account_id)
    assert attempt.state == "graded" and attempt.score_percent == 50.0 and len(events) == 1
    version = attempt.questions[0].version
    fixed = {"options": [{"text": "实际感受与期望之间的差距"}, {"text": "价格高低", "correct": True}]}
    assert svc.fix_key(version, fixed) == 1
    assert attempt.score_percent == 100.0 and len(events) == 2


def test_random_slots_prefer_unseen(dbsession, clock):
    make_bank(dbsession, keys=["q-single", "q-tf", "q-short"])
    quiz = make_quiz(dbsession, keys=[], random=[("basics", 1)])
    account = AccountFactory()
    svc = service(dbsession, clock)
    seen = []
    for _ in range(3):
        attempt = svc.start(quiz, account.id)
        seen.append(attempt.questions[0].version.question_id)
        svc.finish(attempt)
    assert len(set(seen)) == 3


def test_editing_makes_new_version_attempt_keeps_old(dbsession, clock):
    bank = make_bank(dbsession, keys=["q-tf"])
    quiz = make_quiz(dbsession, keys=["q-tf"])
    svc = service(dbsession, clock)
    attempt = svc.start(quiz, AccountFactory().id)
    question = bank.question("basics/q-tf")
    fields = {"type": "truefalse", "text": "改过的题目", "source": "x", "points": 1.0, "explanation": "",
              "data": {"answer": False}}
    _, status = bank.save_question(question.category, "q-tf", fields, ["标签"])
    assert status == "updated" and question.current_number == 2
    assert attempt.questions[0].version.number == 1


def _threaded(registry, count, work):
    errors, results = [], []
    barrier = threading.Barrier(count)

    def run(i):
        # Writers take SQLite's write lock at BEGIN, as requests that write do.
        sqlite_write_intent.set(True)
        session = registry["dbsession_factory"]()
        try:
            barrier.wait()
            manager = transaction.TransactionManager(explicit=True)
            zope.sqlalchemy.register(session, transaction_manager=manager)
            with manager:
                results.append(work(session, i))
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_concurrent_starts_make_one_attempt_each(dbsession, registry, clock):
    quiz_id = make_quiz(dbsession).id
    accounts = [AccountFactory().id for _ in range(3)]
    fixed = FixedClock(clock.now())

    def start(session, i):
        from cs_handbook.models.quizzes import Quiz

        return AttemptService(session, fixed).start(session.get(Quiz, quiz_id), accounts[i % 3]).id

    results, errors = _threaded(registry, 12, start)
    assert not errors
    assert len(set(results)) == 3
    dbsession.rollback()
    assert dbsession.scalar(select(func.count()).select_from(Attempt)) == 3


def test_concurrent_finish_grades_once(dbsession, registry, clock):
    quiz = make_quiz(dbsession, keys=["q-tf"])
    attempt_id = AttemptService(dbsession, clock).start(quiz, AccountFactory().id).id
    dbsession.commit()
    fixed = FixedClock(clock.now())
    graded = []

    def finish(session, i):
        return AttemptService(session, fixed, notify=graded.append).finish(session.get(Attempt, attempt_id))

    results, errors = _threaded(registry, 6, finish)
    assert not errors
    assert results.count(True) == 1 and len(graded) == 1


def test_saves_racing_a_finish_are_graded_or_refused(dbsession, registry, clock):
    from cs_handbook.services.quizzes_grading import grade

    quiz = make_quiz(dbsession, keys=["q-tf", "q-single"])
    attempt_id = AttemptService(dbsession, clock).start(quiz, AccountFactory().id).id
    dbsession.commit()
    fixed = FixedClock(clock.now())

    def work(session, i):
        svc = AttemptService(session, fixed)
        if i == 6:
            return "finished", svc.finish(session.get(Attempt, attempt_id))
        try:
            return i + 1, svc.store(attempt_id, {"1": i % 2 == 0, "2": i % 2}, i + 1)
        except QuizError as error:
            assert error.status == 409
            return i + 1, None

    results, errors = _threaded(registry, 13, work)
    assert not errors
    dbsession.rollback()
    attempt = dbsession.get(Attempt, attempt_id)
    assert attempt.state == "graded"
    stored = {q.position: q for q in attempt.questions}
    # What was graded is what is stored: no acknowledged save landed after the grading.
    for q in stored.values():
        assert q.fraction == grade(q.version.type, q.version.data, q.answer)
    for seq, outcome in results:
        if seq != "finished" and outcome:
            assert all(stored[p].seq >= seq for p, ok in outcome.items() if ok)


def test_a_key_fix_cannot_drop_options_under_attempts(testapp, dbsession, clock):
    from tests.conftest import login

    quiz = make_quiz(dbsession, keys=["q-multiple"])
    svc = service(dbsession, clock)
    done = svc.start(quiz, AccountFactory(username="done").id)
    svc.save(done, {"1": [2]}, 1)
    svc.finish(done)
    running = svc.start(quiz, AccountFactory(username="live").id)
    dbsession.commit()
    version = done.questions[0].version
    with pytest.raises(QuizError) as info:
        svc.fix_key(version, {"options": [{"text": "您好", "correct": True}, {"text": "请稍等", "correct": True}]})
    assert info.value.msgid.startswith("A key fix keeps the number of options")
    dbsession.rollback()
    # Both attempts' pages still open (they index the three options they showed).
    login(testapp, "live")
    testapp.get(f"/quizzes/attempts/{running.id}", status=200)
    testapp.reset()
    login(testapp, "done")
    testapp.get(f"/quizzes/attempts/{done.id}/review", status=200)


def test_an_ordering_key_fix_keeps_what_people_answered(testapp, dbsession, clock):
    from tests.conftest import login

    quiz = make_quiz(dbsession, keys=["q-order"])  # 记录, 受理, 分析, 处理, 反馈
    svc = service(dbsession, clock)
    done = svc.start(quiz, AccountFactory().id)
    svc.save(done, {"1": [0, 1, 2, 3, 4]}, 1)  # in the order the key said
    svc.finish(done)
    assert done.score_percent == 100.0
    running = svc.start(quiz, AccountFactory(username="live").id)
    shown = [done.questions[0].version.data["items"][i] for i in running.questions[0].order]
    dbsession.commit()
    # The key was wrong: 受理 comes before 记录.
    assert svc.fix_key(done.questions[0].version, {"items": ["受理", "记录", "分析", "处理", "反馈"]}) == 1
    dbsession.commit()
    dbsession.expire_all()
    done = dbsession.get(Attempt, done.id)
    assert done.questions[0].answer == [1, 0, 2, 3, 4]  # still 记录 → 受理 → …, now two places wrong
    assert done.score_percent == 60.0
    login(testapp, "live")
    page = testapp.get(f"/quizzes/attempts/{running.id}")
    options = [o.get_text() for o in page.html.select("select[name=q1-0] option")][1:]
    assert options == shown  # the live attempt shows its steps in the same order as before


def test_a_matching_key_fix_re_pairs_the_sides(dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-match"])
    svc = service(dbsession, clock)
    attempt = svc.start(quiz, AccountFactory().id)
    svc.save(attempt, {"1": [1, 0]}, 1)  # 受理投诉 → 订单受理人员, 受理订单 → 客户投诉受理人员
    svc.finish(attempt)
    assert attempt.score_percent == 0.0
    fixed = {"pairs": [{"left": "受理投诉", "right": "订单受理人员"},
                       {"left": "受理订单", "right": "客户投诉受理人员"}]}
    assert svc.fix_key(attempt.questions[0].version, fixed) == 1
    assert attempt.score_percent == 100.0
    rights = [p["right"] for p in fixed["pairs"]]
    assert [rights[r] for r in attempt.questions[0].answer] == ["订单受理人员", "客户投诉受理人员"]


def test_a_quiz_with_nothing_to_show_cannot_be_started(testapp, dbsession, clock):
    from tests.conftest import login

    bank = make_bank(dbsession, keys=["q-tf"])
    bank.ensure_category("empty", "空分类")
    empty = make_quiz(dbsession, slug="empty", keys=[], random=[("empty", 3)])
    archived_only = make_quiz(dbsession, slug="archived-only", keys=["q-tf"])
    bank.archive(bank.question("basics/q-tf"))
    dbsession.commit()
    svc = service(dbsession, clock)
    account = AccountFactory(username="taker")
    for quiz in (empty, archived_only):
        with pytest.raises(QuizError) as info:
            svc.start(quiz, account.id)
        assert info.value.status == 409
    dbsession.rollback()
    assert dbsession.scalar(select(func.count()).select_from(Attempt)) == 0
    login(testapp, "taker")
    page = testapp.get("/quizzes/")
    form = next(f for f in page.forms.values() if f.action.endswith("/q/empty/start"))
    refused = form.submit(status=409)
    assert "这个测验目前没有可作答的题目，请告知培训师。" in refused.text
    dbsession.rollback()
    assert dbsession.scalar(select(func.count()).select_from(Attempt)) == 0


def test_an_attempt_with_no_marks_to_earn_never_passes(dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-tf"], pass_mark=0.0)
    svc = service(dbsession, clock)
    attempt = svc.start(quiz, AccountFactory().id)
    attempt.max_score = 0.0  # as if its only question were worth nothing
    svc.save(attempt, {"1": True}, 1)
    svc.finish(attempt)
    # Even a pass mark of 0 % is not reached by an attempt that had nothing to score.
    assert attempt.score_percent == 0.0 and attempt.passed is False


def _attempt_with(svc, quiz, account_id, answers):
    attempt = svc.start(quiz, account_id)
    svc.save(attempt, answers, 1)
    svc.finish(attempt)
    return attempt


@pytest.mark.parametrize("method,expected,passed", [("highest", 100.0, True), ("last", 50.0, False),
                                                     ("first", 0.0, False), ("average", 50.0, False)])
def test_grading_methods_combine_the_attempts(dbsession, clock, method, expected, passed):
    quiz = make_quiz(dbsession, keys=["q-tf", "q-single"], grading=method, pass_mark=80.0)
    account = AccountFactory()
    svc = service(dbsession, clock)
    for answers in ({"1": False, "2": 1}, {"1": True, "2": 0}, {"1": True, "2": 1}):  # 0 %, 100 %, 50 %
        _attempt_with(svc, quiz, account.id, answers)
    grade = svc.grade_of(quiz.id, account.id)
    assert (grade.grade_percent, grade.passed) == (expected, passed)


def test_first_waits_for_the_first_attempts_essay_mark(dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-essay", "q-tf"], grading="first")
    account = AccountFactory()
    svc = service(dbsession, clock)
    first = _attempt_with(svc, quiz, account.id, {"1": "首问负责到底", "2": False})
    second = _attempt_with(svc, quiz, account.id, {"1": "", "2": True})  # a blank essay needs no mark
    assert (first.state, second.state, second.score_percent) == ("submitted", "graded", 50.0)
    # The second attempt does not stand in for the first, whose mark is not known yet.
    assert svc.grade_of(quiz.id, account.id) is None
    [pending] = svc.essay_queue()
    svc.grade_essay(pending, 1.0, "", grader_id=account.id)
    assert first.score_percent == 50.0 and svc.grade_of(quiz.id, account.id).grade_percent == 50.0
