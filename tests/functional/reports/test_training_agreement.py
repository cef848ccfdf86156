"""The dashboard's onboarding figures are the training pages' figures: same person, same moment, same answer.

The reports area computes progress and overdue items in SQL for a page of
people at once (services/reports.py); the training area computes them one
person at a time (TrainingService.summary, whose docstring states the
rules). Each test builds people in a given state and compares the two at
several moments, through the service, the dashboard page, the person page
and the roll-up.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from cs_handbook.models.accounts import GlobalRole
from cs_handbook.models.quizzes import Attempt, AttemptState, Quiz
from cs_handbook.models.training import Enrolment, ItemProgress, ProgressState
from cs_handbook.services.reports import ReportsService
from tests import factories as f
from tests import factories_training as ft
from tests.conftest import login

START = date(2026, 2, 23)  # a Monday a week before the clock's 2026-03-02
MONTH = date(2026, 3, 1)
# Before and after the morning deadline in Shanghai (UTC+8) and London (UTC+0), late evening, the next days.
MOMENTS = [datetime(2026, 3, 2, 3, 59, tzinfo=UTC), datetime(2026, 3, 2, 4, 0, tzinfo=UTC),
           datetime(2026, 3, 2, 11, 59, tzinfo=UTC), datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
           datetime(2026, 3, 2, 15, 59, tzinfo=UTC), datetime(2026, 3, 2, 16, 0, tzinfo=UTC),
           datetime(2026, 3, 3, 23, 59, tzinfo=UTC), datetime(2026, 3, 20, 9, 0, tzinfo=UTC)]


def _enrol(dbsession, person, path, start=START):
    enrolment = Enrolment(account_id=person.id, path_id=path.id, start_date=start, created_at=MOMENTS[0])
    dbsession.add(enrolment)
    dbsession.flush()
    return enrolment


def _done(dbsession, person, *items, state=ProgressState.DONE):
    for item in items:
        dbsession.add(ItemProgress(account_id=person.id, item_id=item.id, state=state, updated_at=MOMENTS[0],
                                   done_at=MOMENTS[0] if state == ProgressState.DONE else None))
    dbsession.flush()


@pytest.fixture
def people(dbsession, clock):
    """One team in Shanghai, one in London; a path of mornings, afternoons, a quiz and a practical task."""
    shanghai = f.TeamFactory(name="上海组", timezone="Asia/Shanghai")
    london = f.TeamFactory(name="伦敦组", timezone="Europe/London")
    position = f.PositionFactory(code="cs-agent", name="客服")
    quiz = Quiz(slug="exists", title="已有测验", pass_mark=80.0)
    dbsession.add(quiz)
    dbsession.commit()
    day0 = ft.course("day0", ("r1", "reading", "handbook/a"), ("r2", "reading", "handbook/b"),
                     ("extra", "reading", "handbook/c", False), ("old", "reading", "handbook/old"))
    day0pm = ft.course("day0pm", ("shadow", "practical", ""))
    quizzes = ft.course("quizzes", ("q-ok", "quiz", "exists"), ("q-later", "quiz", "not-written-yet"))
    week2 = ft.course("week2", ("r3", "reading", "handbook/d"), ("task", "practical", ""))
    path = ft.path("cs-agent", (day0, 7, "am"), (day0pm, 7, "pm"), (quizzes, 1), (week2, 14))
    items = {item.key: item for crs in (day0, day0pm, quizzes, week2) for item in crs.items}

    def person(username, team, start=START):
        account = f.AccountFactory(username=username, display_name=username, team=team, position=position)
        dbsession.flush()
        _enrol(dbsession, account, path, start)
        return account

    made = {}
    for team, suffix in ((shanghai, "sh"), (london, "ld")):
        # Enrolled for a start two months ahead: nothing due yet.
        made[f"future-{suffix}"] = person(f"future-{suffix}", team, START + timedelta(days=60))
        made[f"untouched-{suffix}"] = person(f"untouched-{suffix}", team)  # not started, items falling due
        reader = made[f"reader-{suffix}"] = person(f"reader-{suffix}", team)
        _done(dbsession, reader, items["r1"])  # one reading done, the other overdue after the morning
        signed = made[f"signed-{suffix}"] = person(f"signed-{suffix}", team)
        _done(dbsession, signed, items["r1"], items["r2"], items["shadow"], items["q-ok"], items["r3"], items["task"])
        waiting = made[f"waiting-{suffix}"] = person(f"waiting-{suffix}", team)
        # Asked for a sign-off, not given yet: not done.
        _done(dbsession, waiting, items["r1"], items["r2"])
        _done(dbsession, waiting, items["shadow"], state=ProgressState.REQUESTED)
        everything = made[f"complete-{suffix}"] = person(f"complete-{suffix}", team)
        _done(dbsession, everything, *(item for item in items.values() if item.key != "q-later"))
        # Told to finish everything by 1 March: all that is left is overdue from then on.
        hurried = made[f"finish-by-{suffix}"] = person(f"finish-by-{suffix}", team)
        hurried_enrolment = dbsession.query(Enrolment).filter_by(account_id=hurried.id).one()
        hurried_enrolment.finish_by = date(2026, 3, 1)
        _done(dbsession, hurried, items["r1"])
        # Passed the quiz before being enrolled: enrolment through the training service counts it.
        early = made[f"passed-before-{suffix}"] = f.AccountFactory(username=f"passed-before-{suffix}", team=team,
                                                                    position=position)
        dbsession.add(Attempt(quiz_id=quiz.id, account_id=early.id, number=1, state=AttemptState.GRADED,
                              started_at=MOMENTS[0] - timedelta(days=30), score_percent=95.0, passed=True,
                              submitted_at=MOMENTS[0] - timedelta(days=30), max_score=1.0))
        dbsession.flush()
        ft.service(dbsession, clock).enrol(early, path, START)
    # "old" was dropped from day0 by an approved change: it stays (done) for those who did it, gone for others.
    _done(dbsession, made["signed-sh"], items["old"])
    items["old"].retired_at = MOMENTS[0] - timedelta(days=1)
    # A working copy waiting for review (a new item, one dropped) changes nothing until approved.
    week2.draft = {"title": "第二周（修订）", "items": [
        {"key": "brand-new", "kind": "reading", "title": "新条目", "target": "handbook/e", "minutes": 5,
         "required": True}]}
    week2.review_state = "pending"
    made["no-team"] = person("no-team", None)  # Asia/Shanghai by default
    made["not-enrolled"] = f.AccountFactory(username="not-enrolled", team=shanghai, position=position)
    boss = f.AccountFactory(username="boss", roles=[GlobalRole.ADMIN])
    dbsession.commit()
    return {"people": made, "items": items, "path": path, "boss": boss}


def _training_figures(dbsession, clock, account):
    summary = ft.service(dbsession, clock).summary(account)
    return (summary.percent, summary.overdue) if summary.total or summary.rows else (None, 0)


def _compare(dbsession, clock, people):
    reports = ReportsService(dbsession, clock)
    by_id = {row.person.id: row for row in reports.page(None, MONTH, 1, 100).rows}
    disagreements = {}
    for name, account in people.items():
        account = dbsession.merge(account)
        expected = _training_figures(dbsession, clock, account)
        row = by_id[account.id]
        single = reports.person_row(account.id, MONTH)
        got = (row.progress, row.overdue)
        if got != expected or (single.progress, single.overdue) != expected:
            disagreements[name] = {"training": expected, "dashboard": got, "person": (single.progress, single.overdue)}
    return disagreements


@pytest.mark.parametrize("moment", MOMENTS, ids=[m.strftime("%m-%dT%H:%M") for m in MOMENTS])
def test_dashboard_agrees_with_training_at_every_moment(dbsession, clock, people, moment):
    clock.set(moment)
    dbsession.expire_all()
    assert _compare(dbsession, clock, people["people"]) == {}


def test_the_states_really_differ(dbsession, clock, people):
    # The comparison means something only if the states give different figures.
    clock.set(datetime(2026, 3, 20, 9, 0, tzinfo=UTC))
    figures = {name: _training_figures(dbsession, clock, dbsession.merge(account))
               for name, account in people["people"].items()}
    assert figures["future-sh"] == (0, 0) and figures["not-enrolled"] == (None, 0)
    # 7 required items: r1, r2, shadow, q-ok, q-later, r3, task (and "old", retired, for those who did it).
    # The quiz not written yet is never overdue.
    assert figures["untouched-sh"] == (0, 6)
    assert figures["reader-sh"] == (14, 5)
    assert figures["signed-sh"] == (87, 0)  # 7 of 8 with "old": all but the quiz that does not exist
    assert figures["signed-ld"] == (85, 0)  # 6 of 7: never did "old"
    assert figures["waiting-sh"] == (28, 4)
    assert figures["complete-sh"] == (87, 0)
    assert figures["passed-before-sh"] == (14, 5)  # the quiz passed a month before enrolment
    clock.set(MOMENTS[0])  # 11:59 in Shanghai on 2 March: only the finish-by date makes anything overdue today
    figures = {name: _training_figures(dbsession, clock, dbsession.merge(account))
               for name, account in people["people"].items()}
    assert figures["finish-by-sh"] == (14, 5) and figures["untouched-sh"] == (0, 1)


def test_pages_and_rollup_show_the_training_figures(registry, testapp, dbsession, clock, people):
    from tests.functional.reports.test_rollup import _rollup

    clock.set(datetime(2026, 3, 2, 4, 30, tzinfo=UTC))  # Shanghai past noon, London still in the morning
    dbsession.expire_all()
    _rollup(registry)
    from cs_handbook.models.reports import PersonRollup

    rollups = {r.account_id: (r.progress_percent, r.overdue) for r in dbsession.query(PersonRollup)}
    login(testapp, "boss")
    page = testapp.get("/reports/", params={"month": "2026-03"})
    for name, account in people["people"].items():
        account = dbsession.merge(account)
        percent, overdue = _training_figures(dbsession, clock, account)
        row = page.html.find("tr", attrs={"data-account": account.username})
        cells = (row.find("td", class_="onboarding").get_text(strip=True), row.find("td", class_="overdue").get_text(
            strip=True))
        assert cells == ("—" if percent is None else str(percent), str(overdue)), name
        person = testapp.get(f"/reports/people/{account.id}", params={"month": "2026-03"})
        assert person.html.find("dd", class_="overdue").get_text(strip=True) == str(overdue), name
        # The person page names exactly the overdue items the training pages count.
        named = person.html.find("ul", class_="overdue-items")
        assert len(named("li") if named else []) == overdue, name
        assert rollups[account.id] == (percent, overdue), name
