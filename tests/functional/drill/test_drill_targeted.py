"""Targeted items: a failed QA criterion brings its own paragraphs into that agent's drill, capped, first."""

from datetime import UTC, date, datetime
from pathlib import Path

from cs_handbook.clock import FixedClock
from cs_handbook.models.drill import DrillCard, DrillQueueEntry
from cs_handbook.models.qa import Evaluation
from cs_handbook.services.drill_generate import generate, load_folder
from cs_handbook.services.qa import QAService

from ...factories import AccountFactory, PositionFactory, TeamFactory
from ...factories_drill import WRONG, DrillItemFactory, right, service
from ...factories_qa import conversation_csv, good_conversation

POLICIES = Path(__file__).resolve().parents[3] / "policies"
GREETING = {("scripts/greeting-and-closing", "situation:greeting"),
            ("scripts/phone-etiquette", "situation:phone-opening"),
            ("policies/response-and-standard-scripts", "fact:standard-greeting-count")}


def person(code="cs-agent", username=None):
    extra = {"username": username} if username else {}
    return AccountFactory(team=TeamFactory(), position=PositionFactory(code=code, name=code), **extra)


def load_content(svc):
    docs = load_folder(POLICIES)
    svc.regenerate(generate(docs), {d.slug for d in docs})


def paragraphs(entries) -> set:
    return {(e.card.item.source_slug, e.card.item.source_anchor) for e in entries}


def test_targeted_items_come_first_even_with_a_backlog(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    me = person()
    for _ in range(30):
        DrillItemFactory()
    target = DrillItemFactory(source_slug="scripts/greeting-and-closing", source_anchor="situation:greeting",
                              source_kind="scripts")
    svc = service(dbsession, clock)
    svc.set_settings(me.team_id, new_per_day=30, reviews_per_day=5, target_retention=0.9)
    for entry in svc.queue(me.id):
        if entry.card.item_id != target.id:
            svc.answer(me.id, entry.id, WRONG)
    clock.advance(days=3)  # 30 overdue reviews and today's queue not built yet
    assert svc.add_targeted_items(me.id, "scripts/greeting-and-closing#situation:greeting", "qa:greeting:1") == 1
    queue = svc.queue(me.id)
    assert queue[0].card.item_id == target.id and queue[0].targeted
    assert sum(1 for e in queue if not e.is_new and not e.targeted) == 5  # the review cap still holds
    svc.answer(me.id, queue[0].id, right(target))
    assert queue[0].card.targeted_reason is None  # drilled as asked: back to its own schedule


def test_targeted_items_are_capped_per_day_and_the_rest_wait(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    me = person()
    svc = service(dbsession, clock)
    load_content(svc)
    svc.set_settings(me.team_id, new_per_day=5, reviews_per_day=20, target_retention=0.9, targeted_per_day=2)
    before = svc.queue(me.id)
    assert len(before) == 5
    svc.answer(me.id, before[0].id, right(before[0].card.item))
    marked = svc.add_targeted_items(me.id, "scripts/", "qa:wording:1")  # every script item: far over the cap
    assert marked > 10
    queue = svc.queue(me.id)
    assert len(queue) == 7 and sum(e.targeted for e in queue) == 2
    # They come right after what is already answered, ahead of the rest of the day.
    assert [e.answered_at is not None for e in queue[:1]] == [True] and queue[1].targeted and queue[2].targeted
    assert svc.add_targeted_items(me.id, "scripts/", "qa:wording:2") == marked
    assert len(svc.queue(me.id)) == 7  # today's cap is used up
    for entry in svc.queue(me.id):
        if entry.answered_at is None:
            svc.answer(me.id, entry.id, right(entry.card.item))
    clock.advance(days=1)
    tomorrow = svc.queue(me.id)
    assert sum(e.targeted for e in tomorrow) == 2 and tomorrow[0].targeted and tomorrow[1].targeted
    waiting = dbsession.query(DrillCard).filter(DrillCard.account_id == me.id,
                                                DrillCard.targeted_reason.is_not(None)).count()
    assert waiting == marked - 2  # the two drilled yesterday were cleared; today's two still wait for answers


def test_a_failed_qa_criterion_drills_its_own_paragraphs_for_that_agent_only(request_, dbsession, clock):
    svc = service(dbsession, clock)
    load_content(svc)
    li, wu = person(username="li"), person(username="wu")
    qa_person = AccountFactory(username="qa1", roles=["qa"])
    queues_before = {p.id: paragraphs(svc.queue(p.id)) for p in (li, wu)}
    dbsession.flush()
    qa = request_.find_service(QAService)
    rows = good_conversation("li", "li-1", polite=False) + good_conversation("wu", "wu-1")
    qa.import_file(conversation_csv(rows), "day.csv")
    dbsession.flush()
    qa.draw_sample(date(2026, 3, 2))
    for evaluation in dbsession.query(Evaluation):
        failed = {"greeting"} if evaluation.agent_id == li.id else set()
        qa.score(evaluation, qa_person, {c: c not in failed for c in evaluation.criteria}, {})
    evaluation_id = dbsession.query(Evaluation.id).filter_by(agent_id=li.id).scalar()

    marked = dbsession.query(DrillCard).filter(DrillCard.targeted_reason.is_not(None)).all()
    assert {c.account_id for c in marked} == {li.id}
    assert {(c.item.source_slug, c.item.source_anchor) for c in marked} == GREETING
    assert {c.targeted_reason for c in marked} == {f"qa:greeting:{evaluation_id}"}
    today = svc.queue(li.id)
    joined = [e for e in today if e.targeted]
    assert len(joined) == 3 and paragraphs(joined) <= GREETING  # the default cap of 3, greeting only
    assert paragraphs(svc.queue(wu.id)) == queues_before[wu.id]
    assert dbsession.query(DrillQueueEntry).filter_by(account_id=wu.id, targeted=True).count() == 0
