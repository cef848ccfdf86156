"""Building a person's queue for one day: due reviews first, then new items, capped, one per source anchor.

Kept apart from the service so the benchmark and the tests can time and
drive it directly. Reviews in a backlog are taken lowest predicted recall
first (the cards most overdue relative to their stability), so a person
who missed a week relearns what they are losing fastest.
"""

from datetime import date, datetime

from sqlalchemy import case, exists, insert, select

from ..models.drill import DrillCard, DrillItem, DrillQueueEntry, ItemStatus
from .drill_scheduler import day_end_utc, scheduler_for

# New items: the person's own role profile first, then scripts, policies, handbook, bank questions.
KIND_PRIORITY = {"scripts": 1, "policy": 2, "handbook": 3, "question": 4}


def anchor_of(slug: str, anchor: str) -> str:
    return f"{slug}#{anchor}"


def due_reviews(dbsession, account_id: int, day: date, tz: str, now: datetime, retention: float,
                limit: int, taken: set[str]) -> list[tuple[int, str]]:
    """(card id, anchor) of the due cards to review today, at most `limit`, anchors not in `taken`."""
    rows = dbsession.execute(
        select(DrillCard.id, DrillCard.due, DrillCard.stability, DrillCard.last_review,
               DrillItem.source_slug, DrillItem.source_anchor)
        .join(DrillItem, DrillItem.id == DrillCard.item_id)
        .where(DrillCard.account_id == account_id, DrillCard.leech.is_(False),
               DrillItem.status == ItemStatus.ACTIVE, DrillCard.due < day_end_utc(day, tz))
    ).all()
    scheduler = scheduler_for(retention)
    factor, decay = scheduler._FACTOR, scheduler._DECAY

    def urgency(row):
        # FSRS's forgetting curve inlined (same formula as `retrievability`): this runs per due card.
        if row.stability is None or row.last_review is None:
            return (1.0, row.due, row.id)
        elapsed = max(0, (now - row.last_review).days)
        return ((1 + factor * elapsed / row.stability) ** decay, row.due, row.id)

    picked = []
    for row in sorted(rows, key=urgency):
        if len(picked) >= limit:
            break
        anchor = anchor_of(row.source_slug, row.source_anchor)
        if anchor in taken:
            continue
        taken.add(anchor)
        picked.append((row.id, anchor))
    return picked


def new_items(dbsession, account_id: int, role_slug: str | None, limit: int, taken: set[str]) -> list[int]:
    """Ids of items this person has no card for yet, from their position's material."""
    if limit <= 0:
        return []
    has_card = exists().where(DrillCard.account_id == account_id, DrillCard.item_id == DrillItem.id)
    priority = case({**KIND_PRIORITY}, value=DrillItem.source_kind, else_=5)
    if role_slug:
        priority = case((DrillItem.source_slug == role_slug, 0), else_=priority)
    stmt = (select(DrillItem.id, DrillItem.source_slug, DrillItem.source_anchor)
            .where(DrillItem.status == ItemStatus.ACTIVE, ~has_card,
                   (DrillItem.source_kind != "role") | (DrillItem.source_slug == (role_slug or "")))
            .order_by(priority, DrillItem.section, DrillItem.id)
            .limit(limit * 6))
    picked = []
    for row in dbsession.execute(stmt):
        anchor = anchor_of(row.source_slug, row.source_anchor)
        if anchor in taken:
            continue
        taken.add(anchor)
        picked.append(row.id)
        if len(picked) >= limit:
            break
    return picked


def build(dbsession, account_id: int, day: date, tz: str, now: datetime, *, retention: float,
          reviews_cap: int, new_cap: int, role_slug: str | None) -> list[DrillQueueEntry]:
    taken: set[str] = set()
    reviews = due_reviews(dbsession, account_id, day, tz, now, retention, reviews_cap, taken)
    fresh = new_items(dbsession, account_id, role_slug, new_cap, taken)
    card_ids = [card_id for card_id, _anchor in reviews]
    if fresh:
        # Core inserts: the ORM unit of work costs more than the queries for a day's handful of rows.
        card_ids += list(dbsession.scalars(
            insert(DrillCard).returning(DrillCard.id, sort_by_parameter_order=True),
            [{"account_id": account_id, "item_id": item_id, "state": 1, "step": 0, "due": now, "created_at": now,
              "reps": 0, "lapses": 0, "leech": False, "source_changed": False} for item_id in fresh]))
    if card_ids:
        dbsession.execute(insert(DrillQueueEntry), [
            {"account_id": account_id, "day": day, "card_id": card_id, "position": i, "is_new": i >= len(reviews)}
            for i, card_id in enumerate(card_ids)])
    return list(dbsession.scalars(select(DrillQueueEntry).where(
        DrillQueueEntry.account_id == account_id, DrillQueueEntry.day == day).order_by(DrillQueueEntry.position)))
