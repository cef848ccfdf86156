"""When items count as done, and the overdue sweep: a quiz taken for real through the quiz
pages counts, also when passed before the enrolment or before its item existed; the sweep
leaves one summary notice per person, follows progress and never changes what pages show."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cs_handbook.models.notices import Notice
from cs_handbook.models.training import ItemProgress, OverdueMark
from cs_handbook.services.training import TrainingError
from tests import factories
from tests import factories_training as ft
from tests.conftest import login
from tests.factories_quizzes import make_quiz

START = date(2026, 3, 2)


def _pass_quiz(testapp, start_form):
    """Start from `start_form`, answer the true/false question right, finish."""
    page = start_form.submit(status=303).follow()
    form = page.forms["quiz-form"]
    form["q1"] = "true"
    review = form.submit("action", value="finish", status=303).follow()
    assert "100.0%" in review.text


def _quiz_start_form(testapp, slug):
    page = testapp.get("/quizzes/")
    return next(f for f in page.forms.values() if f.action.endswith(f"/q/{slug}/start"))


def _done(dbsession, person, item) -> bool:
    dbsession.commit()  # a fresh snapshot: the app wrote since
    return dbsession.scalar(select(ItemProgress.state).where(
        ItemProgress.account_id == person.id, ItemProgress.item_id == item.id)) == "done"


def test_a_quiz_taken_from_the_item_page_counts(testapp, dbsession, clock):
    _path, (_day1, _shadow, day2) = ft.standard_programme()
    make_quiz(dbsession, slug="day2-workflow-roles", keys=["q-tf"])
    person = ft.new_hire(START, username="nh")
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    login(testapp, "nh")
    item = testapp.get(f"/training/items/{day2.items[0].id}")
    _pass_quiz(testapp, item.forms["training-quiz"])
    assert _done(dbsession, person, day2.items[0])
    assert "已通过" in testapp.get(f"/training/items/{day2.items[0].id}").text


def test_a_quiz_passed_before_the_enrolment_counts(testapp, dbsession, clock):
    _path, (_day1, _shadow, day2) = ft.standard_programme()
    make_quiz(dbsession, slug="day2-workflow-roles", keys=["q-tf"])
    person = ft.new_hire(START, username="nh")
    dbsession.commit()
    login(testapp, "nh")
    _pass_quiz(testapp, _quiz_start_form(testapp, "day2-workflow-roles"))
    dbsession.commit()
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    assert _done(dbsession, person, day2.items[0])
    assert testapp.get("/training/").html.select_one("li[data-key=quiz] .tag-done") is not None


def test_a_quiz_passed_before_its_item_existed_counts(testapp, dbsession, clock):
    path, (day1, _shadow, _day2) = ft.standard_programme()
    make_quiz(dbsession, slug="day1-check", keys=["q-tf"])
    person = ft.new_hire(START, username="nh")
    ft.service(dbsession, clock).enrol(person)
    dbsession.commit()
    login(testapp, "nh")
    _pass_quiz(testapp, _quiz_start_form(testapp, "day1-check"))
    dbsession.commit()
    # A trainer adds the quiz to day one; a reviewer publishes the change.
    authoring = ft.authoring(dbsession, clock)
    ft.documents()
    data = authoring.working_copy(day1)
    data["items"].append({"key": "check", "kind": "quiz", "title": "第一天小测", "target": "day1-check",
                          "minutes": 10, "required": True})
    authoring.save_course(day1, data, None)
    authoring.transition(day1, "submit", None, can_review=False)
    authoring.transition(day1, "approve", None, can_review=True)
    dbsession.commit()
    check = next(i for i in day1.items if i.key == "check")
    assert _done(dbsession, person, check)


def test_a_reading_counts_only_once_opened(dbsession, clock):
    _path, (day1, _shadow, _day2) = ft.standard_programme()
    person = ft.new_hire(START)
    svc = ft.service(dbsession, clock)
    svc.enrol(person)
    reading = day1.items[0]
    with pytest.raises(TrainingError, match="Open it first"):
        svc.confirm_read(person, reading.id)
    svc.open_item(person, reading.id)
    progress = svc.progress_of(person.id, reading.id)
    assert (progress.state, progress.opened_at) == ("opened", clock.now())
    assert not svc.summary(person).rows[0].done
    clock.advance(minutes=5)
    svc.confirm_read(person, reading.id)
    progress = svc.progress_of(person.id, reading.id)
    assert (progress.state, progress.opened_at, progress.done_at) == ("done", clock.now() - timedelta(minutes=5),
                                                                      clock.now())


def _notices(dbsession, account):
    return [(n.message, n.mapping, n.link) for n in dbsession.scalars(
        select(Notice).where(Notice.account_id == account.id, Notice.kind == "training.overdue"))]


def test_the_sweep_leaves_one_summary_per_person_and_follows_progress(dbsession, clock):
    _path, (day1, shadow, _day2) = ft.standard_programme()
    team = factories.TeamFactory()
    mentor = factories.AccountFactory()
    manager = factories.AccountFactory()
    person = ft.new_hire(START - timedelta(days=5), team=team, display_name="小王")
    factories.make_mentor(mentor, person)
    factories.make_team_manager(manager, team)
    svc = ft.service(dbsession, clock)
    svc.enrol(person)
    assert svc.sweep() == 3
    assert dbsession.scalar(select(OverdueMark.item_id).where(OverdueMark.item_id == shadow.items[0].id))
    mine = ("${count} onboarding items are overdue.", {"count": 3}, "/training/")
    theirs = ("${name}: ${count} onboarding items are overdue.", {"name": "小王", "count": 3},
              f"/training/people/{person.id}")
    assert _notices(dbsession, person) == [mine]
    assert _notices(dbsession, mentor) == [theirs] and _notices(dbsession, manager) == [theirs]
    assert svc.sweep() == 0 and _notices(dbsession, person) == [mine]  # nothing new: nothing more
    # One item done: the count follows at once; all done: the notices go.
    ft.read(svc, person, day1.items[0])
    assert _notices(dbsession, person) == [(mine[0], {"count": 2}, mine[2])]
    assert _notices(dbsession, manager)[0][1]["count"] == 2
    ft.read(svc, person, day1.items[1])
    svc.decide(mentor, svc.request_signoff(person, shadow.items[0].id), True, "好")
    assert _notices(dbsession, person) == _notices(dbsession, mentor) == _notices(dbsession, manager) == []
    assert svc.sweep() == 0 and _notices(dbsession, person) == []


def test_pages_show_the_same_overdue_state_before_and_after_the_sweep(testapp, dbsession, clock):
    _path, (day1, _shadow, _day2) = ft.standard_programme()
    team = factories.TeamFactory()
    person = ft.new_hire(START - timedelta(days=1), team=team, username="nh")
    manager = factories.AccountFactory(username="boss", roles=["manager"])
    factories.make_team_manager(manager, team)
    svc = ft.service(dbsession, clock)
    svc.enrol(person)
    ft.read(svc, person, day1.items[0])
    dbsession.commit()

    def seen():
        testapp.reset()
        login(testapp, "nh")
        mine = testapp.get("/training/").html
        item = testapp.get(f"/training/items/{day1.items[1].id}").html
        testapp.reset()
        login(testapp, "boss")
        team_page = testapp.get("/training/team").html
        person_page = testapp.get(f"/training/people/{person.id}").html
        return ([li["data-key"] for li in mine.select("li.is-overdue")],
                mine.select_one(".training-progress .tag-overdue").text,
                item.select_one(".tag-overdue") is not None,
                team_page.select_one("tr[data-person=nh] .training-overdue").text,
                [li["data-key"] for li in person_page.select("li.is-overdue")])

    before = seen()
    assert before[0] == ["etiquette", "shadowing"] * 2 and before[3] == "2"  # today's list and the whole path
    dbsession.commit()  # a fresh snapshot before writing: the app wrote since
    assert svc.sweep() == 2
    dbsession.commit()
    assert seen() == before
