"""Bank questions in the drill, new items from a person's path and role, leeches reported to trainers."""

from datetime import UTC, date, datetime

import pytest

from cs_handbook.clock import FixedClock
from cs_handbook.models.drill import DrillCard, DrillItem, DrillQueueEntry
from cs_handbook.models.notices import Notice
from cs_handbook.services import drill_bank
from cs_handbook.services.drill import DrillError
from cs_handbook.services.drill_scheduler import LEECH_LAPSES

from ... import factories_training as ft
from ...factories import AccountFactory, PositionFactory, TeamFactory
from ...factories_drill import WRONG, DrillItemFactory, service
from ...factories_quizzes import SAMPLE_QUESTIONS, make_bank, make_quiz


def person(code="cs-agent"):
    return AccountFactory(team=TeamFactory(), position=PositionFactory(code=code, name=code))


def right_form(dbsession, item) -> dict:
    return drill_bank.right_form(drill_bank.version_of(dbsession, item))


def bank_items(dbsession) -> dict:
    return {i.key: i for i in dbsession.query(DrillItem).filter(DrillItem.kind == "bank-question")}


def test_bank_questions_are_drilled_and_marked_by_the_quiz_rules(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    make_bank(dbsession)
    me = person()
    svc = service(dbsession, clock)
    svc.set_settings(me.team_id, new_per_day=20, reviews_per_day=20, target_retention=0.9)
    queue = svc.queue(me.id)
    items = bank_items(dbsession)
    # Every auto-gradable type, never the essay, each linked to its question's current version.
    assert sorted(items) == sorted(f"bank:basics/{k}" for k in SAMPLE_QUESTIONS if k != "q-essay")
    single = items["bank:basics/q-single"]
    assert single.question_version_id is not None and single.explanation == "因为……"
    assert (single.source_slug, single.source_anchor) == ("handbook/basics/what-is-service", "document")
    # Three questions cite policies/x: one of them today (the document is their "paragraph").
    sources = [e.card.item.source_slug for e in queue]
    assert len(sources) == len(set(sources)) == 4
    for entry in queue:
        assert svc.answer(me.id, entry.id, right_form(dbsession, entry.card.item)).correct
    # Tomorrow brings the other questions of policies/x; a half-right answer is a wrong one.
    clock.advance(days=1)
    fresh = [e for e in svc.queue(me.id) if e.is_new]
    assert len(fresh) == 1 and fresh[0].card.item.source_slug == "policies/x"


def test_half_right_and_malformed_answers(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    make_bank(dbsession, keys=["q-multiple"])
    me = person()
    svc = service(dbsession, clock)
    entry = svc.queue(me.id)[0]
    for bad, message in (({"value": "x"}, "Please give an answer."), ({"values": ["7"]}, "Unknown option."),
                         ({"values": ["0", "0"]}, "Unknown option.")):
        with pytest.raises(DrillError) as err:
            svc.answer(me.id, entry.id, bad)
        assert (err.value.status, err.value.msgid) == (400, message)
    assert entry.answered_at is None and entry.card.reps == 0
    result = svc.answer(me.id, entry.id, {"values": ["0"]})  # one of the two right options
    assert result.correct is False and result.card.reps == 1


def test_a_new_question_version_is_followed_and_flags_cards(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    bank = make_bank(dbsession, keys=["q-single", "q-tf"])
    me = person()
    svc = service(dbsession, clock)
    for entry in svc.queue(me.id):
        svc.answer(me.id, entry.id, right_form(dbsession, entry.card.item))
    dbsession.commit()
    category = bank.category("basics")
    spec = SAMPLE_QUESTIONS["q-single"]
    bank.save_question(category, "q-single", {"type": "single", "text": "满意度由什么决定？", "source": spec["source"],
                                              "points": 1.0, "explanation": "新的解释", "data": spec["data"]}, ["标签"])
    bank.save_question(category, "q-tf", {"type": "essay", "text": "论述首问负责制", "source": "policies/x",
                                          "points": 1.0, "explanation": "", "data": {"rubric": "r"}}, ["标签"])
    clock.advance(days=1)
    queue = svc.queue(me.id)
    items = bank_items(dbsession)
    single = items["bank:basics/q-single"]
    assert (single.prompt, single.explanation, single.source_version) == ("满意度由什么决定？", "新的解释", "2")
    card = dbsession.query(DrillCard).filter_by(item_id=single.id).one()
    assert card.source_changed and card.id in {e.card_id for e in queue}  # back for review today
    # Now an essay: held back for a trainer, its card kept.
    assert items["bank:basics/q-tf"].status == "needs-review"
    assert dbsession.query(DrillCard).filter_by(item_id=items["bank:basics/q-tf"].id).count() == 1
    assert items["bank:basics/q-tf"].id not in {e.card.item_id for e in queue}


def test_new_items_come_from_the_path_then_the_role_profile(dbsession, clock):
    _path, (day1, _shadow, _day2) = ft.standard_programme()
    me = ft.new_hire(date(2026, 3, 2))
    ft.service(dbsession, clock).enrol(me)
    other = DrillItemFactory(source_slug="handbook/zz/other", source_kind="handbook", section="handbook/zz")
    role = DrillItemFactory(source_slug="roles/cs-agent", source_kind="role", section="roles")
    DrillItemFactory(source_slug="roles/order-agent", source_kind="role", section="roles")  # someone else's role
    reading = DrillItemFactory(source_slug="policies/daily-rules", source_kind="policy", section="policies")
    dbsession.commit()
    svc = service(dbsession, FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))
    svc.set_settings(me.team_id, new_per_day=1, reviews_per_day=0, target_retention=0.9)
    order = []
    for _day in range(4):
        for entry in svc.queue(me.id):
            order.append(entry.card.item_id)
            svc.answer(me.id, entry.id, {"value": "60"})  # right: not due again within these days
        svc.clock.advance(days=1)
    assert order == [reading.id, role.id, other.id]  # never the other position's duties


def test_questions_of_the_paths_quizzes_come_first(dbsession, clock):
    make_bank(dbsession, keys=["q-short", "q-tf"])  # neither cites a reading of the path
    make_quiz(dbsession, slug="day2-workflow-roles", keys=["q-short"])
    ft.standard_programme()  # day two's quiz is day2-workflow-roles
    me = ft.new_hire(date(2026, 3, 2))
    ft.service(dbsession, clock).enrol(me)
    DrillItemFactory(source_slug="handbook/aa/first", source_kind="handbook", section="handbook/aa")
    dbsession.commit()
    svc = service(dbsession, FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))
    svc.set_settings(me.team_id, new_per_day=1, reviews_per_day=0, target_retention=0.9)
    assert [e.card.item.key for e in svc.queue(me.id)] == ["bank:basics/q-short"]


def test_a_leech_is_reported_to_trainers_once(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    trainer = AccountFactory(roles=["trainer"])
    AccountFactory(roles=["trainer"], is_active=False)
    bystander = AccountFactory()
    me = person()
    DrillItemFactory(prompt="首次响应时限是多少秒？")
    svc = service(dbsession, clock)
    for _ in range(LEECH_LAPSES + 1):
        for entry in svc.queue(me.id):
            svc.answer(me.id, entry.id, WRONG)
        clock.advance(days=1)
    notices = dbsession.query(Notice).filter(Notice.kind == "drill.leech").all()
    assert [n.account_id for n in notices] == [trainer.id]
    assert notices[0].mapping["name"] == me.display_name and "首次响应时限" in notices[0].mapping["item"]
    assert dbsession.query(Notice).filter(Notice.account_id == bystander.id).count() == 0
    # Held back from now on, so no second notice however long the person keeps drilling.
    clock.advance(days=5)
    assert svc.queue(me.id) == []
    assert dbsession.query(DrillQueueEntry).filter(DrillQueueEntry.answered_at.is_(None)).count() == 0
    assert dbsession.query(Notice).filter(Notice.kind == "drill.leech").count() == 1


def test_a_backlog_is_reviewed_lowest_predicted_recall_first(dbsession):
    from datetime import timedelta
    from random import Random

    from cs_handbook.services.drill_scheduler import retrievability

    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    me = person()
    rng = Random(7)
    cards = []
    for n in range(40):
        item = DrillItemFactory()
        reviewed = n % 9 != 0  # some cards were never reviewed: they count as fully recalled
        cards.append(DrillCard(account_id=me.id, item_id=item.id, state=2 if reviewed else 1,
                               stability=rng.uniform(0.5, 40) if reviewed else None,
                               last_review=now - timedelta(days=rng.uniform(0, 60), hours=rng.random())
                               if reviewed else None,
                               due=now - timedelta(days=rng.uniform(0, 20)), created_at=now))
    dbsession.add_all(cards)
    dbsession.flush()
    svc = service(dbsession, FixedClock(now))
    svc.set_settings(me.team_id, new_per_day=0, reviews_per_day=12, target_retention=0.9)
    expected = sorted(cards, key=lambda c: (retrievability(c.stability, c.last_review, now) or 1.0, c.due, c.id))
    assert [e.card_id for e in svc.queue(me.id)] == [c.id for c in expected[:12]]


def test_a_trainers_suspension_outlives_new_versions_and_the_bank_stays_in_step(dbsession):
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    bank = make_bank(dbsession, keys=["q-single", "q-tf"])
    drill_bank.sync(dbsession, now)
    assert drill_bank.in_step(dbsession)
    items = bank_items(dbsession)
    svc = service(dbsession, FixedClock(now))
    svc.set_item_status(items["bank:basics/q-single"], "suspended")
    svc.set_item_status(items["bank:basics/q-tf"], "suspended")
    category = bank.category("basics")
    spec = SAMPLE_QUESTIONS["q-single"]
    bank.save_question(category, "q-single", {**{k: spec[k] for k in ("type", "source", "data")}, "text": "改过的题目",
                                              "points": 1.0, "explanation": ""}, ["标签"])
    bank.save_question(category, "q-tf", {"type": "essay", "text": "论述", "source": "policies/x", "points": 1.0,
                                          "explanation": "", "data": {"rubric": "r"}}, ["标签"])
    assert not drill_bank.in_step(dbsession)
    report = drill_bank.sync(dbsession, now)
    assert (report.updated, report.retired) == (1, 1)
    items = bank_items(dbsession)
    assert (items["bank:basics/q-single"].prompt, items["bank:basics/q-single"].status) == ("改过的题目", "suspended")
    assert items["bank:basics/q-tf"].status == "needs-review"
    assert drill_bank.in_step(dbsession)  # so the next queue build reads one aggregate, not the bank


def test_archived_and_deleted_questions_leave_the_drill(dbsession):

    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    bank = make_bank(dbsession, keys=["q-single", "q-tf"])
    drill_bank.sync(dbsession, now)
    bank.archive(bank.question("basics/q-single"))
    bank.delete(bank.question("basics/q-tf"))
    assert not drill_bank.in_step(dbsession)
    assert drill_bank.sync(dbsession, now).retired == 2
    dbsession.expire_all()  # the database, not the session, cleared the deleted question's link
    items = bank_items(dbsession)
    assert {i.status for i in items.values()} == {"needs-review"}
    assert items["bank:basics/q-tf"].question_id is None  # the row outlives the question, for its cards
    bank.restore(bank.question("basics/q-single"))
    assert not drill_bank.in_step(dbsession)
    drill_bank.sync(dbsession, now)
    assert bank_items(dbsession)["bank:basics/q-single"].status == "active"
    assert drill_bank.in_step(dbsession)


def test_a_retired_reading_of_the_path_is_not_drilled_first(dbsession, clock):
    """Training retires an item instead of deleting it: its document is no longer the person's material."""
    _path, (day1, _shadow, _day2) = ft.standard_programme()
    me = ft.new_hire(date(2026, 3, 2))
    ft.service(dbsession, clock).enrol(me)
    role = DrillItemFactory(source_slug="roles/cs-agent", source_kind="role", section="roles")
    DrillItemFactory(source_slug="policies/daily-rules", source_kind="policy", section="policies")
    retired = next(i for i in day1.items if i.target == "policies/daily-rules")
    retired.retired_at = clock.now()
    dbsession.commit()
    svc = service(dbsession, FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))
    svc.set_settings(me.team_id, new_per_day=1, reviews_per_day=0, target_retention=0.9)
    # The role profile comes before an ordinary policy once the path no longer lists the policy.
    assert [e.card.item_id for e in svc.queue(me.id)] == [role.id]
