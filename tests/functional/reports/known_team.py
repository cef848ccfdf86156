"""A factory-built team whose every figure is known in advance.

Clock: 2026-03-02 09:00 UTC (the `clock` fixture). Team "一组" (managed by
`boss`) holds alice and bob; team "二组" holds carol, whom boss must never see.

alice  onboarding: 4 required items, 1 done; the first course (2 items) was
       due on day 0 of a start in February → 1 overdue; progress 25 %.
       quiz grades 90 (passed) and 60 (failed) → average 75.0, pass rate 50.0.
       drill: streak 3 (last day yesterday); 4 reviews in the last 30 days,
       3 right → retention 75.0 (an older wrong review does not count).
       QA: 4 failing transcripts on 2026-03-02 → one point lost → 25 points.
bob    nothing yet: not enrolled, no quiz, no drill, no QA.
carol  (other team) quiz grade 100, so a leak would show up.
"""

from datetime import UTC, date, datetime

from cs_handbook.models.accounts import GlobalRole
from cs_handbook.models.drill import DrillCard, DrillReviewLog, DrillStreak
from cs_handbook.models.qa import Evaluation, Transcript
from cs_handbook.models.quizzes import Quiz, QuizGrade
from cs_handbook.models.training import Enrolment, ItemProgress, ProgressState
from tests import factories as f
from tests import factories_training as ft
from tests.factories_drill import DrillItemFactory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def build(dbsession) -> dict:
    team = f.TeamFactory(name="一组")
    other = f.TeamFactory(name="二组")
    position = f.PositionFactory(code="cs-agent", name="客服")
    alice = f.AccountFactory(username="alice", display_name="爱丽丝", team=team, position=position,
                             start_date=date(2026, 2, 1))
    bob = f.AccountFactory(username="bob", display_name="鲍勃", team=team, position=position)
    carol = f.AccountFactory(username="carol", display_name="卡罗", team=other, position=position)
    boss = f.AccountFactory(username="boss", display_name="经理", roles=[GlobalRole.MANAGER])
    admin = f.AccountFactory(username="root", display_name="管理员", roles=[GlobalRole.ADMIN])
    dbsession.commit()
    f.make_team_manager(boss, team)

    first = ft.course("first", ("a", "reading", "x"), ("b", "reading", "y"), ("optional", "reading", "z", False))
    later = ft.course("later", ("c", "reading", "x"), ("d", "practical", ""))
    path = ft.path("cs-agent", (first, 0), (later, 100))
    dbsession.add(Enrolment(account_id=alice.id, path_id=path.id, start_date=date(2026, 2, 1), created_at=NOW))
    dbsession.add(ItemProgress(account_id=alice.id, item_id=first.items[0].id, state=ProgressState.DONE,
                               updated_at=NOW, done_at=NOW))

    quizzes = [Quiz(slug=f"q{n}", title=f"测验{n}", pass_mark=80.0) for n in range(2)]
    dbsession.add_all(quizzes)
    dbsession.flush()
    dbsession.add_all([
        QuizGrade(quiz_id=quizzes[0].id, account_id=alice.id, grade_percent=90.0, passed=True, updated_at=NOW),
        QuizGrade(quiz_id=quizzes[1].id, account_id=alice.id, grade_percent=60.0, passed=False, updated_at=NOW),
        QuizGrade(quiz_id=quizzes[0].id, account_id=carol.id, grade_percent=100.0, passed=True, updated_at=NOW),
    ])

    item = DrillItemFactory(source_title="首问负责制", section="时限")
    card = DrillCard(account_id=alice.id, item_id=item.id, due=NOW, created_at=NOW)
    dbsession.add(card)
    dbsession.flush()
    reviews = [(date(2026, 3, 1), True), (date(2026, 2, 28), True), (date(2026, 2, 20), False),
               (date(2026, 2, 1), True), (date(2026, 1, 1), False)]
    for day, correct in reviews:
        at = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
        dbsession.add(DrillReviewLog(card_id=card.id, account_id=alice.id, item_id=item.id, rating=3 if correct else 1,
                                     correct=correct, reviewed_at=at, day=day, due_before=at, due_after=at))
    dbsession.add(DrillStreak(account_id=alice.id, current=3, best=5, last_day=date(2026, 3, 1)))

    for n in range(4):
        transcript = Transcript(external_id=f"t{n}", agent_id=alice.id, started_at=NOW, day=date(2026, 3, 2),
                                sampled=True, imported_at=NOW)
        dbsession.add(transcript)
        dbsession.flush()
        dbsession.add(Evaluation(transcript_id=transcript.id, agent_id=alice.id, day=date(2026, 3, 2),
                                 status="final", passed=False, created_at=NOW, finalised_at=NOW))
    dbsession.commit()
    return {"team": team, "other": other, "alice": alice, "bob": bob, "carol": carol, "boss": boss,
            "admin": admin, "quizzes": quizzes}
