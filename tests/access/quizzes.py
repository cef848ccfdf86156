"""Access-matrix rows of the quizzes area (cs_handbook/views/quizzes)."""

from cs_handbook.clock import Clock

from . import Row, only, signed_in

TRAINERS = ("trainer", "admin")


def _quiz(dbsession, people):
    from tests.factories_quizzes import make_quiz

    quiz = make_quiz(dbsession, keys=["q-single", "q-essay"])
    return {"slug": quiz.slug, "quiz": quiz}


def _attempt(dbsession, people, finished=False, owner="staff"):
    from cs_handbook.services.quizzes import AttemptService

    ctx = _quiz(dbsession, people)
    service = AttemptService(dbsession, Clock())
    attempt = service.start(ctx["quiz"], people[owner].id)
    if finished:
        service.save(attempt, {"1": 0, "2": "首问负责"}, 1)
        service.finish(attempt)
    dbsession.commit()
    return {**ctx, "attempt_id": attempt.id, "item_id": attempt.questions[1].id,
            "version_id": attempt.questions[0].version_id}


def _finished(dbsession, people):
    return _attempt(dbsession, people, finished=True)


def _outsiders_finished(dbsession, people):
    # Team B's attempt: the matrix's manager manages team A only.
    return _attempt(dbsession, people, finished=True, owner="outsider")


def _admins_attempt(dbsession, people):
    # Unsafe rows use an attempt of the admin: the CSRF check of the matrix signs in as
    # admin, and only an attempt's owner passes the permission check that runs first.
    return _attempt(dbsession, people, owner="admin")


QUESTION = {"category": "basics", "key": "matrix-q", "type": "truefalse", "text": "对吗？", "source": "",
            "tags": "", "points": "1", "explanation": "", "answer": "true"}
# deform's markers around a sequence of mappings: options a (correct) and b.
OPTIONS = [("__start__", "options:sequence"),
           ("__start__", "option:mapping"), ("text", "a"), ("correct", "true"), ("feedback", ""),
           ("__end__", "option:mapping"),
           ("__start__", "option:mapping"), ("text", "b"), ("feedback", ""), ("__end__", "option:mapping"),
           ("__end__", "options:sequence")]


def _question(dbsession, people):
    from cs_handbook.services.quizzes_bank import BankService

    ctx = _quiz(dbsession, people)
    question = BankService(dbsession, Clock()).question("basics/q-essay")
    return {**ctx, "question_id": question.id}


def _used_question(dbsession, people):
    ctx = _finished(dbsession, people)
    from cs_handbook.services.quizzes_bank import BankService

    return {**ctx, "question_id": BankService(dbsession, Clock()).question("basics/q-single").id}


def _unused_question(dbsession, people):
    from tests.factories_quizzes import make_bank

    make_bank(dbsession, keys=["q-tf"])
    from cs_handbook.services.quizzes_bank import BankService

    return {"question_id": BankService(dbsession, Clock()).question("basics/q-tf").id}

ROWS = [
    Row("quizzes.index", "GET", "/quizzes/", signed_in(200)),
    Row("quizzes.start", "POST", "/quizzes/q/{slug}/start", signed_in(303), setup=_quiz, data={}),
    Row("quizzes.take", "GET", "/quizzes/attempts/{attempt_id}", only(200, "staff"), setup=_attempt),
    # Nobody but the owner (here the admin) writes into an attempt.
    Row("quizzes.take", "POST", "/quizzes/attempts/{attempt_id}", only(303, "admin"), setup=_admins_attempt,
        data={"shown": "1", "q1": "0"}),
    # A form-encoded body is not the JSON the endpoint takes: the owner gets 400, others 403.
    Row("quizzes.save", "POST", "/quizzes/attempts/{attempt_id}/save", only(400, "admin"), setup=_admins_attempt,
        data={"seq": "1"}),
    Row("quizzes.finish", "POST", "/quizzes/attempts/{attempt_id}/finish", only(303, "admin"),
        setup=_admins_attempt, data={}),
    # Owner, trainers, admins and the manager of the owner's team.
    Row("quizzes.review", "GET", "/quizzes/attempts/{attempt_id}/review",
        only(200, "staff", "trainer", "admin", "manager"), setup=_finished),
    Row("quizzes.review", "GET", "/quizzes/attempts/{attempt_id}/review", only(200, "trainer", "admin"),
        setup=_outsiders_finished),
    Row("quizzes.bank", "GET", "/quizzes/bank", only(200, *TRAINERS)),
    Row("quizzes.question_new", "GET", "/quizzes/bank/new", only(200, *TRAINERS), setup=_quiz),
    Row("quizzes.question_new", "POST", "/quizzes/bank/new", only(303, *TRAINERS), setup=_quiz, data=QUESTION),
    Row("quizzes.quiz_edit", "GET", "/quizzes/bank/quiz", only(200, *TRAINERS)),
    Row("quizzes.quiz_edit", "POST", "/quizzes/bank/quiz", only(303, *TRAINERS), setup=_quiz,
        data=[("slug", "matrix-quiz"), ("title", "测验"), ("pass_mark", "80"), ("attempts_allowed", "0"),
              ("grading", "highest"), ("__start__", "slots:sequence"), ("__start__", "slot:mapping"),
              ("question", "basics/q-single"), ("category", ""), ("count", "1"), ("__end__", "slot:mapping"),
              ("__end__", "slots:sequence")]),
    Row("quizzes.version_key", "GET", "/quizzes/bank/versions/{version_id}/key", only(200, *TRAINERS),
        setup=_finished),
    Row("quizzes.version_key", "POST", "/quizzes/bank/versions/{version_id}/key", only(303, *TRAINERS),
        setup=_finished, data=OPTIONS),
    Row("quizzes.question_archive", "POST", "/quizzes/bank/questions/{question_id}/archive", only(303, *TRAINERS),
        setup=_question, data={"action": "archive"}),
    Row("quizzes.question_delete", "GET", "/quizzes/bank/questions/{question_id}/delete", only(200, *TRAINERS),
        setup=_used_question),
    # A used question is refused (409), an unused one deleted (303); everyone else 403.
    Row("quizzes.question_delete", "POST", "/quizzes/bank/questions/{question_id}/delete", only(409, *TRAINERS),
        setup=_used_question, data={}),
    Row("quizzes.question_delete", "POST", "/quizzes/bank/questions/{question_id}/delete", only(303, *TRAINERS),
        setup=_unused_question, data={}),
    Row("quizzes.grading", "GET", "/quizzes/grading", only(200, *TRAINERS)),
    Row("quizzes.grade_answer", "GET", "/quizzes/grading/{item_id}", only(200, *TRAINERS), setup=_finished),
    Row("quizzes.grade_answer", "POST", "/quizzes/grading/{item_id}", only(303, *TRAINERS), setup=_finished,
        data={"mark": "1", "feedback": "好"}),
    Row("quizzes.results", "GET", "/quizzes/q/{slug}/results", only(200, "trainer", "admin", "manager"),
        setup=_finished),
    Row("quizzes.results_export", "GET", "/quizzes/q/{slug}/results.csv", only(200, "trainer", "admin", "manager"),
        setup=_finished),
    Row("quizzes.results_export", "GET", "/quizzes/q/{slug}/results.xlsx", only(200, "trainer", "admin", "manager"),
        setup=_finished),
    Row("quizzes.stats", "GET", "/quizzes/q/{slug}/stats", only(200, "trainer", "admin", "manager"), setup=_quiz),
    Row("quizzes.stats_refresh", "POST", "/quizzes/q/{slug}/stats/refresh", only(303, *TRAINERS), setup=_finished,
        data={}),
    Row("quizzes.import", "GET", "/quizzes/bank/import", only(200, *TRAINERS)),
    # No file: the form is re-shown with a message.
    Row("quizzes.import", "POST", "/quizzes/bank/import", only(400, *TRAINERS), data={"format": "gift"}),
    Row("quizzes.export", "GET", "/quizzes/bank/export.gift", only(200, *TRAINERS), setup=_quiz),
]
