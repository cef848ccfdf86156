"""`cs-handbook <ini> quizzes sweep|stats` run through their command functions."""

import io

from pyramid.scripting import prepare
from sqlalchemy import select

from cs_handbook.models.quizzes import Attempt, QuizStats
from cs_handbook.scripts.cli import build_parser
from cs_handbook.scripts.progress import Progress
from cs_handbook.services.quizzes import AttemptService
from tests.factories import AccountFactory
from tests.factories_quizzes import make_quiz


def test_sweep_then_stats(app, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-tf"], time_limit_minutes=10)
    service = AttemptService(dbsession, clock)
    overdue = service.start(quiz, AccountFactory().id)
    service.save(overdue, {"1": 0}, 1)
    clock.advance(minutes=1)
    running = service.start(quiz, AccountFactory().id)
    dbsession.commit()
    # The first ran out 30 s ago (the final submit's grace is over), the second has 30 s left.
    clock.advance(minutes=9, seconds=30)
    out = io.StringIO()
    parser = build_parser()
    env = prepare(registry=app.registry)
    try:
        args = parser.parse_args(["x.ini", "quizzes", "sweep"])
        assert args.func(env, args, Progress(stream=out)) == 0
        args = parser.parse_args(["x.ini", "quizzes", "stats", quiz.slug])
        assert args.func(env, args, Progress(stream=out)) == 0
    finally:
        env["closer"]()
    dbsession.rollback()
    dbsession.expire_all()
    states = {a.id: (a.state, a.score_percent) for a in dbsession.scalars(select(Attempt))}
    assert states == {overdue.id: ("graded", 50.0), running.id: ("in_progress", None)}
    stats = dbsession.scalar(select(QuizStats))
    assert stats.data["attempts"] == 1 and stats.running_since is None
    assert "1 overdue attempt(s)" in out.getvalue() and "1 computed" in out.getvalue()
