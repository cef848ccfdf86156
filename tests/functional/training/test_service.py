"""TrainingService on both databases: enrolment, progress, overdue with a fixed clock,
sign-off rules, position change, certificate, the quiz event and the bad-input rules."""

from datetime import date, timedelta

import pytest
from pyramid.scripting import prepare
from sqlalchemy import func, select

from cs_handbook.events import QuizAttemptGraded
from cs_handbook.models.notices import Notice
from cs_handbook.models.quizzes import Quiz
from cs_handbook.models.training import Certificate, Course, Enrolment, ItemProgress, OverdueMark
from cs_handbook.services.accounts import AccountService
from cs_handbook.services.audit import AuditService
from cs_handbook.services.training import TrainingError, TrainingForbidden
from tests import factories
from tests import factories_training as ft

START = date(2026, 3, 2)  # the clock fixture's day (17:00 in Shanghai)


def _done_ids(dbsession, account):
    return set(dbsession.scalars(select(ItemProgress.item_id).where(
        ItemProgress.account_id == account.id, ItemProgress.state == "done")))


def test_enrol_and_progress(dbsession, clock):
    path, (day1, shadow, day2) = ft.standard_programme()
    person = ft.new_hire(START)
    svc = ft.service(dbsession, clock)
    enrolment = svc.enrol(person)
    assert enrolment.path_id == path.id and enrolment.start_date == START
    summary = svc.summary(person)
    assert [r.item.key for r in summary.rows] == ["culture", "etiquette", "extra", "shadowing", "quiz"]
    assert (summary.done, summary.total, summary.percent) == (0, 4, 0)
    svc.confirm_read(person, day1.items[0].id)
    svc.confirm_read(person, day1.items[2].id)  # optional: not counted
    summary = svc.summary(person)
    assert (summary.done, summary.total, summary.percent) == (1, 4, 25)
    assert summary.rows[1].due_date == START and summary.rows[4].due_date == START + timedelta(days=1)


def test_overdue_follows_the_fixed_clock(dbsession, clock):
    ft.standard_programme()
    person = ft.new_hire(START)
    svc = ft.service(dbsession, clock)
    svc.enrol(person)
    # 17:00 local on day one: the morning readings are overdue, the afternoon task is not.
    overdue = {r.item.key for r in svc.summary(person).rows if r.overdue}
    assert overdue == {"culture", "etiquette"}
    clock.set(clock.now() - timedelta(hours=6))  # 11:00 local
    assert not any(r.overdue for r in svc.summary(person).rows)
    clock.advance(days=2)
    # The quiz is due too, but it does not exist yet: nobody is behind on it.
    assert {r.item.key for r in svc.summary(person).rows if r.overdue} == {"culture", "etiquette", "shadowing"}
    dbsession.add(Quiz(slug="day2-workflow-roles", title="第二天测验"))
    dbsession.flush()
    assert "quiz" in {r.item.key for r in svc.summary(person).rows if r.overdue}
    assert [r.item.key for r in svc.today_rows(person)] == ["culture", "etiquette", "extra", "shadowing", "quiz"]


def test_sweep_marks_and_notifies_once(dbsession, clock):
    ft.standard_programme()
    team = factories.TeamFactory()
    mentor = factories.AccountFactory()
    manager = factories.AccountFactory()
    person = ft.new_hire(START, team=team)
    factories.make_mentor(mentor, person)
    factories.make_team_manager(manager, team)
    svc = ft.service(dbsession, clock)
    svc.enrol(person)
    assert svc.sweep() == 2
    assert svc.sweep() == 0
    for who in (person, mentor, manager):
        assert dbsession.scalar(select(func.count()).select_from(Notice).where(Notice.account_id == who.id)) == 2
    assert dbsession.scalar(select(func.count()).select_from(OverdueMark)) == 2


def test_signoff_by_mentor_or_team_manager_only(dbsession, clock):
    _path, (_day1, shadow, _day2) = ft.standard_programme()
    team = factories.TeamFactory()
    person = ft.new_hire(START, team=team)
    mentor, manager, stranger = (factories.AccountFactory() for _ in range(3))
    factories.make_mentor(mentor, person)
    factories.make_team_manager(manager, team)
    svc = ft.service(dbsession, clock)
    svc.enrol(person)
    task = shadow.items[0].id
    with pytest.raises(TrainingError):
        svc.request_signoff(person, _day1.items[0].id)  # a reading is not signed off
    signoff = svc.request_signoff(person, task, "记录了三个场景")
    with pytest.raises(TrainingError):
        svc.request_signoff(person, task)  # already waiting
    with pytest.raises(TrainingForbidden):
        svc.decide(stranger, signoff, True)
    with pytest.raises(TrainingForbidden):
        svc.decide(person, signoff, True)  # not your own
    with pytest.raises(TrainingError):
        svc.decide(mentor, signoff, False, "")  # sending back needs a reason
    svc.decide(mentor, signoff, False, "再跟一次")
    assert task not in _done_ids(dbsession, person)
    again = svc.request_signoff(person, task)
    svc.decide(manager, again, True, "好")
    assert task in _done_ids(dbsession, person)


def test_position_change_moves_path_and_keeps_completed(dbsession, clock, registry):
    # The hook reads the clock from the current request, as in the app.
    env = prepare(registry=registry)
    try:
        _position_change(dbsession, clock, registry)
    finally:
        env["closer"]()


def _position_change(dbsession, clock, registry):
    path_a, (day1, _shadow, _day2) = ft.standard_programme("cs-agent")
    role = ft.course("role-order", ("profile", "reading", "roles/order-agent"))
    path_b = ft.path("order-agent", (day1, 0), (role, 1))
    accounts = AccountService(dbsession, clock, AuditService(dbsession, clock),
                              account_changed_hooks=tuple(registry["account_changed_hooks"]))
    cs_agent = factories.PositionFactory(code="cs-agent")
    order = factories.PositionFactory(code="order-agent", name="订单受理人员")
    person = accounts.create(username="nh", display_name="新人", password="x" * 12, position_id=cs_agent.id,
                             start_date=START)
    enrolment = ft.service(dbsession, clock).enrolment_for(person.id)
    assert enrolment.path_id == path_a.id
    svc = ft.service(dbsession, clock)
    svc.confirm_read(person, day1.items[0].id)
    accounts.update(person, position_id=order.id)
    dbsession.flush()
    assert svc.enrolment_for(person.id).path_id == path_b.id
    rows = svc.summary(person).rows
    assert [r.item.key for r in rows] == ["culture", "etiquette", "extra", "profile"]
    assert rows[0].done and not rows[1].done
    assert dbsession.scalar(select(func.count()).select_from(Enrolment)) == 1


def test_certificate_on_completion_and_quiz_event(dbsession, clock, registry):
    _path, (day1, shadow, day2) = ft.standard_programme()
    person = ft.new_hire(START)
    mentor = factories.AccountFactory()
    factories.make_mentor(mentor, person)
    svc = ft.service(dbsession, clock)
    svc.enrol(person)
    for item in day1.items[:2]:
        svc.confirm_read(person, item.id)
    svc.decide(mentor, svc.request_signoff(person, shadow.items[0].id), True)
    assert svc.certificate_for(person.id) is None
    assert not svc.summary(person).rows[-1].available  # no quiz yet
    svc.quiz_graded(person.id, "day2-workflow-roles", passed=False)
    assert svc.certificate_for(person.id) is None
    # The quiz area notifies the event; the subscriber marks the item done.

    class FakeRequest:
        def find_service(self, iface):
            return svc

    registry.notify(QuizAttemptGraded(FakeRequest(), person.id, "day2-workflow-roles", 1, 90.0, True))
    cert = svc.certificate_for(person.id)
    assert cert is not None and svc.summary(person).percent == 100
    assert svc.enrolment_for(person.id).completed_at is not None
    svc.quiz_graded(person.id, "day2-workflow-roles", passed=True)  # a regrade issues nothing new
    assert dbsession.scalar(select(func.count()).select_from(Certificate)) == 1


def test_bad_input_changes_nothing(dbsession, clock):
    path, (day1, shadow, day2) = ft.standard_programme()
    svc = ft.service(dbsession, clock)
    disabled = ft.new_hire(START, is_active=False)
    with pytest.raises(TrainingError, match="disabled"):
        svc.enrol(disabled)
    person = ft.new_hire(START)
    with pytest.raises(TrainingError, match="before the start date"):
        svc.enrol(person, path, START, due_date=START - timedelta(days=1))
    assert dbsession.scalar(select(func.count()).select_from(Enrolment)) == 0
    before = [(s.course_id, s.due_day) for s in path.steps]
    with pytest.raises(TrainingError, match="loop"):
        svc.set_steps(path, [{"course_id": day1.id, "due_day": 0}, {"course_id": day1.id, "due_day": 1}])
    with pytest.raises(TrainingError, match="negative"):
        svc.set_steps(path, [{"course_id": day1.id, "due_day": -1}])
    dbsession.expire_all()
    assert [(s.course_id, s.due_day) for s in path.steps] == before
    svc.enrol(person)
    with pytest.raises(TrainingError, match="enrolled"):
        svc.delete_course(day1)
    loose = ft.course("loose", ("x", "reading", "a"))
    svc.delete_course(loose)
    assert dbsession.scalar(select(func.count()).select_from(Course)) == 3


def test_veterans_are_not_enrolled_automatically(dbsession, clock, registry):
    ft.standard_programme()
    env = prepare(registry=registry)
    try:
        accounts = AccountService(dbsession, clock, AuditService(dbsession, clock),
                                  account_changed_hooks=tuple(registry["account_changed_hooks"]))
        position = factories.PositionFactory(code="cs-agent")
        old = accounts.create(username="old", display_name="老员工", password="x" * 12, position_id=position.id,
                              start_date=START - timedelta(days=400))
        new = accounts.create(username="new", display_name="新员工", password="x" * 12, position_id=position.id)
        svc = ft.service(dbsession, clock)
        assert svc.enrolment_for(old.id) is None and svc.enrolment_for(new.id) is None  # no start date yet
        accounts.update(new, start_date=START)
        assert svc.enrolment_for(new.id) is not None
    finally:
        env["closer"]()


def test_courses_in_review_stay_visible_unpublished_ones_do_not(dbsession, clock):
    _path, (day1, _shadow, _day2) = ft.standard_programme()
    person = ft.new_hire(START)
    svc = ft.service(dbsession, clock)
    svc.enrol(person)
    day1.state = "draft"  # back in draft for an edit: learners keep it
    assert "culture" in {r.item.key for r in svc.summary(person).rows}
    svc.transition(day1, "submit", can_review=False)
    with pytest.raises(TrainingForbidden):
        svc.transition(day1, "approve", can_review=False)
    svc.transition(day1, "approve", can_review=True)
    assert day1.state == "published"
    fresh = ft.course("fresh", ("x", "reading", "a"), state="draft")
    svc.set_steps(person_path := svc.enrolment_for(person.id).path,
                  [{"course_id": s.course_id, "due_day": s.due_day} for s in person_path.steps]
                  + [{"course_id": fresh.id, "due_day": 3}])
    assert "x" not in {r.item.key for r in svc.summary(person).rows}
    svc.transition(fresh, "submit", can_review=False)
    svc.transition(fresh, "approve", can_review=True)
    assert fresh.published_at is not None and "x" in {r.item.key for r in svc.summary(person).rows}
