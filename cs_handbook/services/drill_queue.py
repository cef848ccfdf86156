"""Building a person's queue for one day: targeted cards, due reviews, then new items, capped, one per paragraph.

Kept apart from the service so the benchmark and the tests can time and
drive it directly. Reviews in a backlog are taken lowest predicted recall
first (the cards most overdue relative to their stability), so a person
who missed a week relearns what they are losing fastest.

New items come from the person's own material first: documents that are
readings of their onboarding path and questions of the quizzes on it, then
their role profile, then everything else (scripts, policies, handbook,
other bank questions). Other positions' role profiles are never drawn.
"""

import functools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import DateTime, Integer, bindparam, case, cast, exists, func, insert, literal, or_, select, union

from ..models.accounts import Team
from ..models.drill import DrillCard, DrillItem, DrillQueueEntry, ItemKind, ItemStatus
from ..models.quizzes import Question, Quiz, QuizSlot
from ..models.training import CourseItem, Enrolment, PathStep, PublishState, TrainingPath
from ..zones import site_zone_name
from .drill_scheduler import day_end_utc, local_day

# After the path and the role profile: scripts, policies, handbook, bank questions.
KIND_PRIORITY = {"scripts": 3, "policy": 4, "handbook": 5, "question": 6}
PATH, ROLE = 0, 1


@dataclass
class Material:
    """What a person's onboarding says they should learn: reading slugs and quiz slugs of their path."""

    role_slug: str | None = None
    readings: list[str] = field(default_factory=list)
    quizzes: list[str] = field(default_factory=list)


def material_of(dbsession, account_id: int, position_code: str | None) -> Material:
    """Their enrolment's path, or (not enrolled) the published path of their position."""
    path_id = dbsession.scalar(ENROLLED_PATH, {"account_id": account_id})
    if path_id is None and position_code:
        path_id = dbsession.scalar(POSITION_PATH, {"position_code": position_code})
    material = Material(role_slug=f"roles/{position_code}" if position_code else None)
    if path_id is not None:
        for kind, target in dbsession.execute(PATH_MATERIAL, {"path_id": path_id}):
            (material.readings if kind == "reading" else material.quizzes).append(target.partition("#")[0])
    return material


# Built once: every queue build reads the person's material.
ENROLLED_PATH = select(Enrolment.path_id).where(Enrolment.account_id == bindparam("account_id"))
POSITION_PATH = select(TrainingPath.id).where(TrainingPath.position_code == bindparam("position_code"),
                                              TrainingPath.state == PublishState.PUBLISHED)
PATH_MATERIAL = (
    select(CourseItem.kind, CourseItem.target).join(PathStep, PathStep.course_id == CourseItem.course_id)
    # A retired item is no longer part of the path (training keeps it only for its history).
    .where(PathStep.path_id == bindparam("path_id"), CourseItem.kind.in_(("reading", "quiz")), CourseItem.target != "",
           CourseItem.retired_at.is_(None))
    .order_by(PathStep.position, CourseItem.position))


def _path_questions(quiz_slugs):
    """Ids of the bank questions the path's quizzes draw from (fixed slots and random categories)."""
    slots = select(QuizSlot.question_id, QuizSlot.category_id).join(Quiz, Quiz.id == QuizSlot.quiz_id).where(
        Quiz.slug.in_(quiz_slugs)).subquery()
    return union(select(slots.c.question_id).where(slots.c.question_id.is_not(None)),
                 select(Question.id).where(Question.category_id.in_(
                     select(slots.c.category_id).where(slots.c.category_id.is_not(None)))))


def anchor_of(slug: str, anchor: str) -> str:
    return f"{slug}#{anchor}"


def whole_days_since(column, now, dialect: str):
    """Whole days from `column` to `now` (as `timedelta.days`), computed by the database.

    `now` is a datetime, or a bound parameter typed like `column` (a statement built once).
    """
    if isinstance(now, datetime):
        now = literal(now.astimezone(UTC).replace(tzinfo=None), DateTime)
    if dialect == "sqlite":
        days = func.julianday(now) - func.julianday(column)
        return case((days < 0, -1), else_=cast(days, Integer))  # CAST truncates; only the sign matters below 0
    # date_part, not EXTRACT: since PostgreSQL 14 EXTRACT returns numeric, and numeric arithmetic over
    # every due card was most of the ranking's time; date_part stays in double precision.
    return func.floor(func.date_part("epoch", now - column) / 86400.0)


def _pick(dbsession, stmt, params: dict, limit: int, taken: set[str]) -> list:
    """The first `limit` rows of a ranking statement (`_ranked`) whose item is active and whose paragraph
    is not in `taken` (which they join), read a few at a time: skipping a paragraph must not mean
    reading every due card. An item no longer active (suspended, sent to review) is rare, so it is
    skipped here rather than filtered in the ranking."""
    picked: list = []
    batch, offset = limit * 4, 0
    while len(picked) < limit:
        rows = dbsession.execute(stmt, {**params, "batch": batch, "offset": offset}).all()
        for row in rows:
            anchor = anchor_of(row.source_slug, row.source_anchor)
            if row.status != ItemStatus.ACTIVE or anchor in taken:
                continue
            taken.add(anchor)
            picked.append(row)
            if len(picked) >= limit:
                break
        if len(rows) < batch:
            break
        offset += batch
    return picked


def _ranked(*conditions, order: list[tuple]):
    """(id, reps, source_slug, source_anchor, status) of a batch of the person's cards (not leeches)
    meeting `conditions`, in `order` ((labelled column, descending?) pairs).

    The cards are ranked on their own and only the batch is joined to its items: joining first made
    PostgreSQL hash every item of the site to rank a few thousand cards. Each ranking is built once
    per process (below): building a statement like this costs more than running it.
    """
    ranked = (select(DrillCard.id, DrillCard.reps, DrillCard.item_id, *(column for column, _ in order))
              .where(DrillCard.account_id == bindparam("account_id"), DrillCard.leech.is_(False), *conditions)
              .order_by(*(column.desc() if descending else column for column, descending in order))
              .limit(bindparam("batch")).offset(bindparam("offset")).subquery())
    return (select(ranked.c.id, ranked.c.reps, DrillItem.source_slug, DrillItem.source_anchor, DrillItem.status)
            .join(DrillItem, DrillItem.id == ranked.c.item_id)
            .order_by(*(ranked.c[column.name].desc() if descending else ranked.c[column.name]
                        for column, descending in order)))


TARGETED_CARDS = _ranked(DrillCard.targeted_reason.is_not(None), DrillCard.due < bindparam("day_end"),
                        order=[(DrillCard.due.label("k_due"), False), (DrillCard.id.label("k_id"), False)])
UNSEEN_CARDS = _ranked(DrillCard.last_review.is_(None), DrillCard.targeted_reason.is_(None),
                       order=[(DrillCard.created_at.label("k_created"), False), (DrillCard.id.label("k_id"), False)])


@functools.cache
def _due_statement(dialect: str):
    elapsed = whole_days_since(DrillCard.last_review, bindparam("now", type_=DrillCard.last_review.type), dialect)
    forgetting = case((DrillCard.stability.is_(None) | DrillCard.last_review.is_(None), 0.0),
                      (elapsed <= 0, 0.0), else_=elapsed / DrillCard.stability)
    # Reviews are of cards answered before; a card made for a new item but never answered is still new.
    return _ranked(DrillCard.last_review.is_not(None), DrillCard.due < bindparam("day_end"),
                   order=[(forgetting.label("k_forgetting"), True), (DrillCard.due.label("k_due"), False),
                          (DrillCard.id.label("k_id"), False)])


def targeted_cards(dbsession, account_id: int, day: date, tz: str, limit: int, taken: set[str]) -> list:
    """(card id, reps) of the cards someone asked to be drilled soon, oldest request first, at most `limit`."""
    if limit <= 0:
        return []
    params = {"account_id": account_id, "day_end": day_end_utc(day, tz)}
    return [(row.id, row.reps) for row in _pick(dbsession, TARGETED_CARDS, params, limit, taken)]


def due_reviews(dbsession, account_id: int, day: date, tz: str, now: datetime, limit: int,
                taken: set[str]) -> list[tuple[int, str]]:
    """(card id, anchor) of the due cards to review today, at most `limit`, anchors not in `taken`.

    FSRS's predicted recall (1 + F·t/S)^D falls as t/S grows (F > 0, D < 0) whatever the target
    retention, so "lowest recall first" is "highest elapsed days per day of stability first": the
    database sorts on that and hands over a few rows at a time instead of every due card (thousands of
    timestamps turned into Python objects cost more than the rest of the build). Never-reviewed cards
    count as fully recalled, as `retrievability` says; ties go to the card due first.
    """
    if limit <= 0:
        return []
    stmt = _due_statement(dbsession.get_bind().dialect.name)
    params = {"account_id": account_id, "day_end": day_end_utc(day, tz), "now": now}
    return [(row.id, anchor_of(row.source_slug, row.source_anchor))
            for row in _pick(dbsession, stmt, params, limit, taken)]


def unseen_cards(dbsession, account_id: int, limit: int, taken: set[str]) -> list[int]:
    """Ids of this person's cards never answered (a day's new items left unanswered), oldest first.

    They are new items still: they come back under the new-item cap before any further card is made, so
    opening the drill without answering does not pile up cards, nor turn them into "reviews" the next day.
    """
    if limit <= 0:
        return []
    return [row.id for row in _pick(dbsession, UNSEEN_CARDS, {"account_id": account_id}, limit, taken)]


@functools.cache
def _new_items_statement(has_readings: bool, has_quizzes: bool, has_role: bool):
    """The person's candidate new items, their own material first; one statement per shape of material."""
    has_card = exists().where(DrillCard.account_id == bindparam("account_id"), DrillCard.item_id == DrillItem.id)
    whens = []
    if has_readings or has_quizzes:
        mine = [DrillItem.source_slug.in_(bindparam("readings", expanding=True))] if has_readings else []
        if has_quizzes:
            mine.append(DrillItem.question_id.in_(_path_questions(bindparam("quizzes", expanding=True))))
        whens.append((or_(*mine), PATH))
    if has_role:
        whens.append((DrillItem.source_slug == bindparam("role_slug"), ROLE))
    priority = case({**KIND_PRIORITY}, value=DrillItem.source_kind, else_=7)
    if whens:
        priority = case(*whens, else_=priority)
    not_other_role = (DrillItem.source_kind != "role") & ~DrillItem.source_slug.startswith("roles/")
    return (select(DrillItem.id, DrillItem.source_slug, DrillItem.source_anchor)
            .where(DrillItem.status == ItemStatus.ACTIVE, ~has_card,
                   not_other_role | (DrillItem.source_slug == bindparam("role_slug")))
            .order_by(priority, DrillItem.section, DrillItem.id)
            .limit(bindparam("read")))


def new_items(dbsession, account_id: int, material: Material, limit: int, taken: set[str]) -> list[int]:
    """Ids of items this person has no card for yet, their own material first."""
    if limit <= 0:
        return []
    role_slug = material.role_slug or ""
    stmt = _new_items_statement(bool(material.readings), bool(material.quizzes), bool(role_slug))
    params = {"account_id": account_id, "role_slug": role_slug,
              # Bank questions come several to a document (one per day): read well past the cap.
              "read": limit * 20}
    if material.readings:
        params["readings"] = material.readings
    if material.quizzes:
        params["quizzes"] = material.quizzes
    picked = []
    for row in dbsession.execute(stmt, params):
        anchor = anchor_of(row.source_slug, row.source_anchor)
        if anchor in taken:
            continue
        taken.add(anchor)
        picked.append(row.id)
        if len(picked) >= limit:
            break
    return picked


def build(dbsession, account_id: int, day: date, tz: str, now: datetime, *, reviews_cap: int, new_cap: int,
          material: Material, targeted_cap: int = 0) -> list[DrillQueueEntry]:
    """Targeted cards first (a failed QA criterion), then due reviews, then new items; one per paragraph."""
    taken: set[str] = set()
    targeted = targeted_cards(dbsession, account_id, day, tz, targeted_cap, taken)
    reviews = due_reviews(dbsession, account_id, day, tz, now, reviews_cap, taken)
    unseen = unseen_cards(dbsession, account_id, new_cap, taken)
    fresh = new_items(dbsession, account_id, material, new_cap - len(unseen), taken)
    rows = [{"card_id": card_id, "is_new": reps == 0, "targeted": True} for card_id, reps in targeted]
    rows += [{"card_id": card_id, "is_new": False, "targeted": False} for card_id, _anchor in reviews]
    rows += [{"card_id": card_id, "is_new": True, "targeted": False} for card_id in unseen]
    if fresh:
        # Core inserts: the ORM unit of work costs more than the queries for a day's handful of rows.
        rows += [{"card_id": card_id, "is_new": True, "targeted": False} for card_id in dbsession.scalars(
            insert(DrillCard).returning(DrillCard.id, sort_by_parameter_order=True),
            [{"account_id": account_id, "item_id": item_id, "state": 1, "step": 0, "due": now, "created_at": now,
              "reps": 0, "lapses": 0, "leech": False, "source_changed": False} for item_id in fresh])]
    if rows:
        dbsession.execute(insert(DrillQueueEntry), [
            {"account_id": account_id, "day": day, "position": i, **row} for i, row in enumerate(rows)])
    return list(dbsession.scalars(DAY_ENTRIES, {"account_id": account_id, "day": day}))


DAY_ENTRIES = select(DrillQueueEntry).where(
    DrillQueueEntry.account_id == bindparam("account_id"), DrillQueueEntry.day == bindparam("day")
).order_by(DrillQueueEntry.position)


def panel_figures(dbsession, account_id: int, team_id: int | None, now: datetime) -> dict:
    """Today's queue for the home panel in one query on the (account, day) index, never building it.

    A local day is within a day of the UTC one, so the entries of those three days come back
    together with the team's zone (a scalar subquery); today's row is picked once the zone is known.
    """
    zone = select(Team.timezone).where(Team.id == team_id).scalar_subquery() if team_id else None
    # Entries whose item went away after the day was built are no work left (as on the drill page).
    usable = (DrillItem.status == ItemStatus.ACTIVE) & (
        (DrillItem.kind != ItemKind.BANK_QUESTION) | DrillItem.question_version_id.is_not(None))
    unanswered = func.sum(case((DrillQueueEntry.answered_at.is_(None) & usable, 1), else_=0))
    shown = func.sum(case((DrillQueueEntry.answered_at.is_not(None) | usable, 1), else_=0))
    columns = [DrillQueueEntry.day, shown, unanswered] + ([zone] if zone is not None else [])
    rows = dbsession.execute(
        select(*columns).join(DrillCard, DrillCard.id == DrillQueueEntry.card_id)
        .join(DrillItem, DrillItem.id == DrillCard.item_id)
        .where(DrillQueueEntry.account_id == account_id,
               DrillQueueEntry.day.between(now.date() - timedelta(days=1), now.date() + timedelta(days=1)))
        .group_by(DrillQueueEntry.day)).all()
    if not rows:
        return {"built": False, "left": 0, "total": 0}
    today = local_day(now, rows[0][3] if zone is not None else site_zone_name(dbsession))
    row = next((r for r in rows if r[0] == today), None)
    if row is None:
        return {"built": False, "left": 0, "total": 0}
    return {"built": True, "left": int(row[2] or 0), "total": int(row[1])}
