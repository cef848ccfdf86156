"""TrainingService on both databases: enrolment, progress, overdue with a fixed clock,
sign-off rules, position change, certificate and the bad-input rules."""

from datetime import date, timedelta

import pytest
from pyramid.scripting import prepare
from sqlalchemy import func, select

from cs_handbook.models.quizzes import Quiz
from cs_handbook.models.training import Certificate, Enrolment, ItemProgress
from cs_handbook.services.accounts import AccountService
from cs_handbook.services.audit import AuditService
from cs_handbook.services.training import TrainingError, TrainingForbidden
from cs_handbook.services.training_authoring import StructureError
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
    ft.read(svc, person, day1.items[0], day1.items[2])  # the second one is optional: not counted
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


def test_finish_by_date_is_stored_and_makes_everything_left_overdue(dbsession, clock):
    _path, (day1, _shadow, day2) = ft.standard_programme()
    ft.course("later", ("late", "reading", "policies/daily-rules"))
    person = ft.new_hire(START)
    svc = ft.service(dbsession, clock)
    enrolment = svc.enrol(person, finish_by=START + timedelta(days=1))
    assert svc.enrolment_for(person.id).finish_by == START + timedelta(days=1)
    dbsession.add(Quiz(slug="day2-workflow-roles", title="第二天测验"))
    dbsession.flush()
    clock.advance(days=1, hours=6)  # 23:00 local on day two: the quiz is due at midnight
    assert "quiz" not in {r.item.key for r in svc.summary(person).rows if r.overdue}
    clock.advance(hours=1)
    assert {r.item.key for r in svc.summary(person).rows if r.overdue} == {
        "culture", "etiquette", "shadowing", "quiz"}
    with pytest.raises(TrainingError, match="before the start date"):
        svc.enrol(person, enrolment.path, START, finish_by=START - timedelta(days=1))


def test_signoff_by_mentor_or_team_manager_only_and_always_with_a_note(dbsession, clock):
    _path, (day1, shadow, _day2) = ft.standard_programme()
    team = factories.TeamFactory()
    person = ft.new_hire(START, team=team)
    mentor, manager, stranger = (factories.AccountFactory() for _ in range(3))
    factories.make_mentor(mentor, person)
    factories.make_team_manager(manager, team)
    svc = ft.service(dbsession, clock)
    svc.enrol(person)
    task = shadow.items[0].id
    with pytest.raises(TrainingError):
        svc.request_signoff(person, day1.items[0].id)  # a reading is not signed off
    signoff = svc.request_signoff(person, task, "记录了三个场景")
    with pytest.raises(TrainingError):
        svc.request_signoff(person, task)  # already waiting
    with pytest.raises(TrainingForbidden):
        svc.decide(stranger, signoff, True, "好")
    with pytest.raises(TrainingForbidden):
        svc.decide(person, signoff, True, "好")  # not their own
    with pytest.raises(TrainingError, match="sent back"):
        svc.decide(mentor, signoff, False, "")  # sending back needs a reason
    with pytest.raises(TrainingError, match="note"):
        svc.decide(mentor, signoff, True, "  ")  # and signing off a note of what was seen
    svc.decide(mentor, signoff, False, "再跟一次")
    assert task not in _done_ids(dbsession, person)
    again = svc.request_signoff(person, task)
    svc.decide(manager, again, True, "好")
    assert task in _done_ids(dbsession, person)


def test_a_team_manager_cannot_sign_off_their_own_task(dbsession, clock):
    _path, (_day1, shadow, _day2) = ft.standard_programme()
    team = factories.TeamFactory()
    boss = ft.new_hire(START, team=team, roles=["manager"])
    other_manager = factories.AccountFactory()
    factories.make_team_manager(boss, team)
    factories.make_team_manager(other_manager, team)
    svc = ft.service(dbsession, clock)
    svc.enrol(boss)
    signoff = svc.request_signoff(boss, shadow.items[0].id)
    assert not svc.can_supervise(boss, boss)
    with pytest.raises(TrainingForbidden):
        svc.decide(boss, signoff, True, "我自己签")
    assert svc.pending_signoffs([boss], boss) == []
    svc.decide(other_manager, signoff, True, "看过了")
    assert shadow.items[0].id in _done_ids(dbsession, boss)


def test_position_change_moves_path_and_keeps_completed(dbsession, clock, registry):
    # The hook reads the clock from the current request, as in the app.
    env = prepare(registry=registry)
    try:
        _position_change(dbsession, clock, registry)
    finally:
        env["closer"]()


def _accounts(dbsession, clock, registry):
    return AccountService(dbsession, clock, AuditService(dbsession, clock),
                          account_changed_hooks=tuple(registry["account_changed_hooks"]))


def _position_change(dbsession, clock, registry):
    path_a, (day1, _shadow, _day2) = ft.standard_programme("cs-agent")
    role = ft.course("role-order", ("profile", "reading", "roles/order-agent"))
    path_b = ft.path("order-agent", (day1, 0), (role, 1))
    accounts = _accounts(dbsession, clock, registry)
    cs_agent = factories.PositionFactory(code="cs-agent")
    order = factories.PositionFactory(code="order-agent", name="订单受理人员")
    person = accounts.create(username="nh", display_name="新人", password="x" * 12, position_id=cs_agent.id,
                             start_date=START)
    enrolment = ft.service(dbsession, clock).enrolment_for(person.id)
    assert enrolment.path_id == path_a.id
    svc = ft.service(dbsession, clock)
    ft.read(svc, person, day1.items[0])
    accounts.update(person, position_id=order.id)
    dbsession.flush()
    assert svc.enrolment_for(person.id).path_id == path_b.id
    rows = svc.summary(person).rows
    assert [r.item.key for r in rows] == ["culture", "etiquette", "extra", "profile"]
    assert rows[0].done and not rows[1].done
    assert dbsession.scalar(select(func.count()).select_from(Enrolment)) == 1


def test_veteran_enrolled_by_hand_is_moved_and_a_move_onto_done_work_completes(dbsession, clock, registry):
    env = prepare(registry=registry)
    try:
        a = ft.course("a", ("r1", "reading", "x"))
        b = ft.course("b", ("r2", "reading", "y"))
        ft.path("cs-agent", (a, 0), (b, 0))
        ft.path("order-agent", (a, 0))
        accounts = _accounts(dbsession, clock, registry)
        cs_agent = factories.PositionFactory(code="cs-agent")
        order = factories.PositionFactory(code="order-agent", name="订单受理人员")
        svc = ft.service(dbsession, clock)
        veteran = accounts.create(username="vet", display_name="老员工", password="x" * 12,
                                  position_id=cs_agent.id, start_date=START - timedelta(days=400))
        assert svc.enrolment_for(veteran.id) is None  # not automatically
        svc.enrol(veteran, svc.path_for_position("cs-agent"), START)  # by hand, starting today
        ft.read(svc, veteran, a.items[0])
        assert svc.certificate_for(veteran.id) is None
        accounts.update(veteran, position_id=order.id)
        enrolment = svc.enrolment_for(veteran.id)
        # Moved, still starting today (not 400 days ago), and the new path is all done already.
        assert enrolment.path.position_code == "order-agent" and enrolment.start_date == START
        assert svc.summary(veteran).complete and enrolment.completed_at is not None
        assert svc.certificate_for(veteran.id).path_id == enrolment.path_id
    finally:
        env["closer"]()


def test_certificate_on_completion(dbsession, clock):
    _path, (day1, shadow, day2) = ft.standard_programme()
    person = ft.new_hire(START)
    mentor = factories.AccountFactory()
    factories.make_mentor(mentor, person)
    svc = ft.service(dbsession, clock)
    svc.enrol(person)
    ft.read(svc, person, *day1.items[:2])
    svc.decide(mentor, svc.request_signoff(person, shadow.items[0].id), True, "好")
    assert svc.certificate_for(person.id) is None
    assert not svc.summary(person).rows[-1].available  # no quiz yet
    svc.quiz_graded(person.id, "day2-workflow-roles", passed=False)
    assert svc.certificate_for(person.id) is None
    svc.quiz_graded(person.id, "day2-workflow-roles", passed=True)
    cert = svc.certificate_for(person.id)
    assert cert is not None and svc.summary(person).percent == 100
    assert svc.enrolment_for(person.id).completed_at is not None
    svc.quiz_graded(person.id, "day2-workflow-roles", passed=True)  # a regrade issues nothing new
    assert dbsession.scalar(select(func.count()).select_from(Certificate)) == 1
    # The certificate's date is the team's date: 17:00 in Shanghai, whatever UTC says.
    clock.set(clock.now().replace(hour=17))  # 01:00 the next day in Shanghai
    assert svc.local_date(person, clock.now()) == START + timedelta(days=1)


def test_bad_input_changes_nothing(dbsession, clock):
    path, (day1, shadow, day2) = ft.standard_programme()
    svc = ft.service(dbsession, clock)
    authoring = ft.authoring(dbsession, clock)
    disabled = ft.new_hire(START, is_active=False)
    with pytest.raises(TrainingError, match="disabled"):
        svc.enrol(disabled)
    person = ft.new_hire(START)
    with pytest.raises(TrainingError, match="before the start date"):
        svc.enrol(person, path, START, finish_by=START - timedelta(days=1))
    assert dbsession.scalar(select(func.count()).select_from(Enrolment)) == 0
    before = [(s.course_id, s.due_day) for s in path.steps]
    for steps, problem in (([{"course": "day1", "due_day": 0}, {"course": "day1", "due_day": 1}], "repeats"),
                           ([{"course": "day1", "due_day": -1}], "whole number")):
        with pytest.raises(StructureError) as caught:
            authoring.save_path(path, {"title": "t", "steps": steps}, None)
        assert problem in caught.value.issues[0].problem
    dbsession.expire_all()
    assert [(s.course_id, s.due_day) for s in path.steps] == before and path.draft is None
    svc.enrol(person)
    with pytest.raises(TrainingError, match="used by a path"):
        authoring.delete_course(day1)
    draft_path = ft.path("draft-path", (day1, 0))
    draft_path.state = "draft"
    with pytest.raises(TrainingError, match="not published"):
        svc.enrol(ft.new_hire(START, code="other"), draft_path)


def test_veterans_are_not_enrolled_automatically(dbsession, clock, registry):
    ft.standard_programme()
    env = prepare(registry=registry)
    try:
        accounts = _accounts(dbsession, clock, registry)
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
