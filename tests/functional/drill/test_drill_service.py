"""DrillService against the database: FSRS due dates, caps, day boundaries, streaks, leeches, targeted items."""

from datetime import UTC, date, datetime

import pytest
from fsrs import Card, Rating, Scheduler, State

from cs_handbook.clock import FixedClock
from cs_handbook.models.drill import DrillCard, DrillItem, DrillQueueEntry, DrillReviewLog
from cs_handbook.services.drill import DrillError
from cs_handbook.services.drill_scheduler import LEECH_LAPSES

from ...factories import AccountFactory, PositionFactory, TeamFactory
from ...factories_drill import WRONG, DrillItemFactory, right, service
from .. import drill as _pkg  # noqa: F401


def person(tz="Asia/Shanghai"):
    return AccountFactory(team=TeamFactory(timezone=tz), position=PositionFactory())


def answer_all(svc, account, pattern):
    """Answer today's queue; `pattern(i)` says whether answer i is right."""
    results = []
    for i, entry in enumerate(list(svc.queue(account.id))):
        if entry.answered_at is None:
            item = entry.card.item
            results.append(svc.answer(account.id, entry.id, right(item) if pattern(i) else WRONG))
    return results


def reference_scheduler(retention: float) -> Scheduler:
    """FSRS as the drill means to use it, built here from the package (not from the app's helper):
    whole-day scheduling (no learning steps), no fuzz, the team's target retention."""
    return Scheduler(desired_retention=retention, learning_steps=(), relearning_steps=(), enable_fuzzing=False)


RATINGS = {None: Rating.Good, "hard": Rating.Hard, "easy": Rating.Easy}
# Six weeks of mornings: (right?, how sure) per review — wrong now and then, unsure or sure at times.
OUTCOMES = [(True, None), (False, None), (True, "hard"), (True, None), (False, None), (True, "easy"),
            (True, "hard"), (True, None), (True, "easy"), (True, None), (True, None), (True, None)]


def simulate(dbsession, retention: float, outcomes=OUTCOMES, days=42):
    """One person drilling one item every morning; every due date checked against the reference scheduler."""
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    account = person()
    dbsession.query(DrillItem).update({"status": "suspended"})  # earlier simulations' items: not this person's
    DrillItemFactory()
    svc = service(dbsession, clock)
    if retention != 0.9:
        svc.set_settings(account.team_id, new_per_day=5, reviews_per_day=20, target_retention=retention)
    reference = Card(card_id=1, state=State.Learning, step=0, due=clock.now())
    scheduler = reference_scheduler(retention)
    outcomes = iter(outcomes)
    dues = []
    for _day in range(days):
        for entry in svc.queue(account.id):
            if entry.answered_at is not None:
                continue
            ok, confidence = next(outcomes, (True, None))
            result = svc.answer(account.id, entry.id, right(entry.card.item) if ok else WRONG, confidence)
            reference, _ = scheduler.review_card(reference, RATINGS[confidence] if ok else Rating.Again, clock.now())
            assert result.card.due == reference.due
            assert result.card.stability == pytest.approx(reference.stability)
            assert result.card.difficulty == pytest.approx(reference.difficulty)
            dues.append(result.card.due)
        dbsession.flush()
        clock.advance(days=1)
    assert dbsession.query(DrillReviewLog).filter_by(account_id=account.id).count() == len(dues)
    return dues


@pytest.mark.parametrize("retention", [0.9, 0.8])
def test_weeks_of_answers_match_the_fsrs_scheduler(dbsession, retention):
    dues = simulate(dbsession, retention)
    assert 4 <= len(dues) < 20  # the intervals grew: far fewer reviews than days


def test_unsure_and_easy_answers_schedule_as_hard_and_easy(dbsession):
    good = simulate(dbsession, 0.9, [(True, None)] * 4, days=30)
    hard = simulate(dbsession, 0.9, [(True, "hard")] * 4, days=30)
    easy = simulate(dbsession, 0.9, [(True, "easy")] * 4, days=30)
    intervals = [[(b - a).days for a, b in zip(d, d[1:], strict=False)] for d in (hard, good, easy)]
    assert intervals[0][0] < intervals[1][0] < intervals[2][0]


def test_the_teams_target_retention_moves_the_due_dates(dbsession):
    # The same right answers: a team aiming at 95 % recall reviews sooner than one content with 75 %.
    strict = simulate(dbsession, 0.95, [(True, None)] * 6, days=60)
    relaxed = simulate(dbsession, 0.75, [(True, None)] * 6, days=60)
    assert len(relaxed) >= 2 and len(strict) > len(relaxed)
    assert all(s < r for s, r in zip(strict, relaxed, strict=False))  # every review comes sooner


def test_caps_and_one_item_per_anchor(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    account = person()
    for _ in range(12):
        DrillItemFactory()
    # Two items of the same paragraph never come on the same day.
    DrillItemFactory(source_slug="handbook/test/same", source_anchor="procedure:a", key="same#a:1")
    DrillItemFactory(source_slug="handbook/test/same", source_anchor="procedure:a", key="same#a:2")
    svc = service(dbsession, clock)
    svc.set_settings(account.team_id, new_per_day=20, reviews_per_day=3, target_retention=0.9)
    queue = svc.queue(account.id)
    assert len(queue) == 13  # 14 items, 13 anchors
    svc.set_settings(account.team_id, new_per_day=4, reviews_per_day=3, target_retention=0.9)
    answer_all(svc, account, lambda i: False)  # all wrong → all due tomorrow
    clock.advance(days=1)
    queue = svc.queue(account.id)
    assert sum(1 for e in queue if not e.is_new) == 3  # review cap
    assert sum(1 for e in queue if e.is_new) == 1  # the one anchor left over yesterday
    assert all(not e.is_new for e in queue[:3])  # reviews first


def test_bad_settings_are_refused(dbsession, clock):
    account = person()
    with pytest.raises(DrillError):
        service(dbsession, clock).set_settings(account.team_id, new_per_day=5, reviews_per_day=20,
                                               target_retention=1.5)


@pytest.mark.parametrize(("tz", "utc_hour", "expected_day"), [
    ("Asia/Shanghai", 15, date(2026, 3, 2)),   # 23:00 in Shanghai
    ("Asia/Shanghai", 16, date(2026, 3, 3)),   # midnight in Shanghai
    ("America/New_York", 4, date(2026, 3, 1)),  # 23:00 the evening before in New York
    ("America/New_York", 5, date(2026, 3, 2)),  # midnight in New York
])
def test_the_day_follows_the_team_time_zone(dbsession, tz, utc_hour, expected_day):
    clock = FixedClock(datetime(2026, 3, 2, utc_hour, 0, tzinfo=UTC))
    account = person(tz)
    DrillItemFactory()
    queue = service(dbsession, clock).queue(account.id)
    assert queue[0].day == expected_day


def test_a_card_due_tonight_local_is_due_today(dbsession):
    # First drilled at 00:00 UTC (08:00 Mar 2 Shanghai, 19:00 Mar 1 New York), all wrong → due 24 h later.
    clock = FixedClock(datetime(2026, 3, 2, 0, 0, tzinfo=UTC))
    shanghai, new_york = person("Asia/Shanghai"), person("America/New_York")
    DrillItemFactory()
    svc = service(dbsession, clock)
    for who in (shanghai, new_york):
        answer_all(svc, who, lambda i: False)
    clock.set(datetime(2026, 3, 2, 15, 30, tzinfo=UTC))  # 23:30 Mar 2 Shanghai: same day, queue done
    assert [e.answered_at is not None for e in svc.queue(shanghai.id)] == [True]
    assert svc.panel(shanghai.id, shanghai.team_id) == {"built": True, "left": 0, "total": 1}
    clock.set(datetime(2026, 3, 2, 16, 30, tzinfo=UTC))  # 00:30 Mar 3 Shanghai: the card due at 08:00 is today's
    # The home panel reads the queue without building it: yesterday's (local) queue is not today's.
    assert svc.panel(shanghai.id, shanghai.team_id)["built"] is False
    assert [(e.day, e.is_new) for e in svc.queue(shanghai.id)] == [(date(2026, 3, 3), False)]
    # 11:30 Mar 2 in New York: a new day, and the card due at 19:00 tonight belongs to it.
    assert [(e.day, e.is_new) for e in svc.queue(new_york.id)] == [(date(2026, 3, 2), False)]


def test_answer_twice_other_person_and_not_today_are_refused(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    me, other = person(), person()
    DrillItemFactory()
    svc = service(dbsession, clock)
    entry = svc.queue(me.id)[0]
    with pytest.raises(DrillError) as err:
        svc.answer(other.id, entry.id, right(entry.card.item))
    assert err.value.status == 403
    svc.answer(me.id, entry.id, right(entry.card.item))
    due = entry.card.due
    with pytest.raises(DrillError) as err:
        svc.answer(me.id, entry.id, right(entry.card.item))
    assert err.value.status == 409
    assert entry.card.due == due and entry.card.reps == 1
    clock.advance(days=1)
    with pytest.raises(DrillError) as err:
        svc.answer(me.id, entry.id, right(entry.card.item))
    assert err.value.status == 409
    with pytest.raises(DrillError) as err:
        svc.answer(me.id, 999999, {})
    assert err.value.status == 404


def test_streaks(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    account = person()
    for _ in range(10):
        DrillItemFactory()
    svc = service(dbsession, clock)
    svc.set_settings(account.team_id, new_per_day=1, reviews_per_day=0, target_retention=0.9)
    for _ in range(3):
        answer_all(svc, account, lambda i: True)
        clock.advance(days=1)
    assert svc.streak(account.id) == (3, 3)  # today not done yet, the streak still stands
    clock.advance(days=1)  # a day missed
    assert svc.streak(account.id) == (0, 3)
    answer_all(svc, account, lambda i: True)
    assert svc.streak(account.id) == (1, 3)
    history = svc.history(account.id, days=7)
    assert [h["answered"] for h in history] == [0, 0, 1, 1, 1, 0, 1]


def test_leech_after_eight_lapses_is_held_back(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    account = person()
    item = DrillItemFactory()
    svc = service(dbsession, clock)
    results = []
    for _ in range(LEECH_LAPSES + 1):  # the first wrong answer is a new card, not a lapse
        results += answer_all(svc, account, lambda i: False)
        clock.advance(days=1)
    card = dbsession.query(DrillCard).filter_by(item_id=item.id).one()
    assert card.lapses == LEECH_LAPSES and card.leech
    assert [r.became_leech for r in results][-1] is True
    clock.advance(days=3)
    assert svc.queue(account.id) == []


def test_targeted_items_join_today_and_future_queues(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    account = person()
    DrillItemFactory(source_slug="scripts/phone", source_kind="scripts")
    target = DrillItemFactory(source_slug="scripts/greeting-and-closing", source_kind="scripts",
                              source_anchor="situation:greeting")
    svc = service(dbsession, clock)
    svc.set_settings(account.team_id, new_per_day=1, reviews_per_day=5, target_retention=0.9)
    queue = svc.queue(account.id)
    assert len(queue) == 1
    assert {e.card.item_id for e in queue} != {target.id}
    assert svc.add_targeted_items(account.id, "scripts/greeting-and-closing", "qa:greeting:1") == 1
    queue = svc.queue(account.id)
    assert target.id in {e.card.item_id for e in queue}
    assert dbsession.query(DrillQueueEntry).count() == 2
    assert svc.add_targeted_items(account.id, [], "nothing") == 0
    assert svc.add_targeted_items(account.id, "scripts/", "qa:wording:2") == 2  # both, no duplicate entries
    assert dbsession.query(DrillQueueEntry).count() == 2


def _leech_after_lapses(svc, dbsession, clock, account, item):
    for _ in range(LEECH_LAPSES + 1):
        answer_all(svc, account, lambda i: False)
        clock.advance(days=1)
    card = dbsession.query(DrillCard).filter_by(item_id=item.id, account_id=account.id).one()
    assert card.leech
    return card


def test_a_trainer_brings_a_leech_back(dbsession):
    from cs_handbook.models.notices import Notice

    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    AccountFactory(roles=["trainer"])
    account = person()
    item = DrillItemFactory()
    svc = service(dbsession, clock)
    card = _leech_after_lapses(svc, dbsession, clock, account, item)
    assert dbsession.query(Notice).filter_by(kind="drill.leech").count() == 1
    clock.advance(days=1)
    assert svc.queue(account.id) == []
    svc.reset_leech(card)
    assert (card.leech, card.lapses) == (False, 0)
    assert dbsession.query(Notice).filter_by(kind="drill.leech").count() == 0  # the notice is over
    clock.advance(days=1)
    assert [e.card_id for e in svc.queue(account.id)] == [card.id]
    # Eight more lapses make it a leech again (and tell the trainers again).
    card = _leech_after_lapses(svc, dbsession, clock, account, item)
    assert dbsession.query(Notice).filter_by(kind="drill.leech").count() == 1


def test_fixing_or_regenerating_an_item_releases_its_leeches(dbsession):
    from cs_handbook.services.drill_generate import ItemSpec

    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    account = person()
    fixed = DrillItemFactory()
    svc = service(dbsession, clock)
    card = _leech_after_lapses(svc, dbsession, clock, account, fixed)
    svc.fix_item(fixed, prompt="改过的题目", explanation="")
    assert (card.leech, card.lapses) == (False, 0) and card.due <= clock.now()

    regenerated = DrillItemFactory(key="handbook/x#fact:a:recall-number", source_slug="handbook/x",
                                   source_anchor="fact:a", content_hash="old")
    card = _leech_after_lapses(svc, dbsession, clock, account, regenerated)
    spec = ItemSpec(key=regenerated.key, kind="recall-number", prompt="新规则", payload={"unit": "秒"},
                    answer={"value": 30}, explanation="", source_slug="handbook/x", source_kind="handbook",
                    source_title="x", source_version="2", source_anchor="fact:a")
    report = svc.regenerate([spec], {"handbook/x"})
    assert report.updated == 1
    dbsession.refresh(card)
    assert (card.leech, card.lapses, card.source_changed) == (False, 0, True)


def test_a_due_review_keeps_new_items_of_its_paragraph_for_another_day(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    account = person()
    first = DrillItemFactory(source_slug="handbook/x", source_anchor="procedure:a", key="handbook/x#procedure:a:1")
    svc = service(dbsession, clock)
    answer_all(svc, account, lambda i: False)  # due again tomorrow
    second = DrillItemFactory(source_slug="handbook/x", source_anchor="procedure:a", key="handbook/x#procedure:a:2")
    other = DrillItemFactory()
    clock.advance(days=1)
    queue = svc.queue(account.id)
    assert [(e.card.item_id, e.is_new) for e in queue] == [(first.id, False), (other.id, True)]
    answer_all(svc, account, lambda i: True)
    clock.advance(days=1)  # the review is not due today: the paragraph's new item comes now
    assert [e.card.item_id for e in svc.queue(account.id)] == [second.id]


def test_a_day_left_unanswered_brings_the_same_new_items_not_more_cards(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    account = person()
    for _ in range(8):
        DrillItemFactory()
    svc = service(dbsession, clock)
    svc.set_settings(account.team_id, new_per_day=3, reviews_per_day=10, target_retention=0.9)
    first = [e.card_id for e in svc.queue(account.id)]  # opened, never answered
    clock.advance(days=1)
    queue = svc.queue(account.id)
    assert [e.card_id for e in queue] == first and all(e.is_new for e in queue)  # new, not reviews
    assert dbsession.query(DrillCard).count() == 3  # no more cards made
    svc.answer(account.id, queue[0].id, right(queue[0].card.item))
    clock.advance(days=1)
    queue = svc.queue(account.id)
    # Two left from before and one more new item fill the cap; the answered one is not due yet.
    assert [e.card_id for e in queue][:2] == first[1:] and len(queue) == 3 and all(e.is_new for e in queue)
    assert dbsession.query(DrillCard).count() == 4


def test_next_due_day_leaves_out_items_that_will_not_come(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    account = person()
    held, later = DrillItemFactory(), DrillItemFactory()
    svc = service(dbsession, clock)
    answer_all(svc, account, lambda i: svc.queue(account.id)[i].card.item_id == later.id)
    assert svc.next_due(account.id) == date(2026, 3, 3)  # the wrong one, tomorrow
    svc.set_item_status(held, "suspended")
    assert svc.next_due(account.id) > date(2026, 3, 3)  # the right one, days later
    svc.set_item_status(later, "needs-review")
    assert svc.next_due(account.id) is None


def test_a_fix_flags_cards_only_when_the_question_or_answer_changed(dbsession):
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    account = person()
    item = DrillItemFactory(prompt="首次响应时限", answer={"value": 60})
    svc = service(dbsession, clock)
    answer_all(svc, account, lambda i: True)
    card = dbsession.query(DrillCard).filter_by(item_id=item.id).one()
    due = card.due
    assert svc.fix_item(item, prompt="首次响应时限", explanation="见制度第一条", answer={"value": 60}) is False
    dbsession.refresh(card)
    assert (card.source_changed, card.due) == (False, due)  # a better explanation changes no one's schedule
    assert svc.fix_item(item, prompt="首次响应时限", explanation="", answer={"value": 30}) is True
    dbsession.refresh(card)
    assert card.source_changed and card.due <= clock.now()
