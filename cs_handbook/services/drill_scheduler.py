"""FSRS scheduling for the drill: the `fsrs` package's Scheduler, cards to and from rows, and the team day.

The drill is a once-a-day habit, so the scheduler has no intra-day learning
steps: every answer schedules the card whole days ahead (a wrong answer
comes back tomorrow). Fuzzing is off so a person's due dates are
reproducible (and checkable against `fsrs` itself in the tests).
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fsrs import Card, Rating, Scheduler, State

from ..zones import DEFAULT_SITE_ZONE

LEECH_LAPSES = 8  # Anki's default leech threshold
CONFIDENCE_RATINGS = {"hard": Rating.Hard, "easy": Rating.Easy}


@lru_cache(maxsize=32)
def scheduler_for(target_retention: float) -> Scheduler:
    return Scheduler(desired_retention=target_retention, learning_steps=(), relearning_steps=(),
                     enable_fuzzing=False)


def rating_for(correct: bool, confidence: str | None = None) -> Rating:
    """Right → Good (or Hard/Easy when the person says how sure they were); wrong → Again."""
    if not correct:
        return Rating.Again
    return CONFIDENCE_RATINGS.get(confidence or "", Rating.Good)


def to_fsrs(row) -> Card:
    return Card(card_id=row.id or 1, state=State(row.state), step=row.step, stability=row.stability,
                difficulty=row.difficulty, due=row.due, last_review=row.last_review)


def copy_to_row(card: Card, row) -> None:
    row.state = int(card.state)
    row.step = card.step
    row.stability = card.stability
    row.difficulty = card.difficulty
    row.due = card.due
    row.last_review = card.last_review


def retrievability(stability: float | None, last_review: datetime | None, now: datetime,
                   scheduler: Scheduler | None = None) -> float | None:
    """Predicted recall now (FSRS's forgetting curve); None for a card never reviewed."""
    if stability is None or last_review is None:
        return None
    scheduler = scheduler or scheduler_for(0.9)
    elapsed = max(0, (now - last_review).days)
    return (1 + scheduler._FACTOR * elapsed / stability) ** scheduler._DECAY


def zone(name: str | None) -> ZoneInfo:
    """The zone named (callers pass the person's, `zones.zone_name_of`); a name that is none, the default."""
    try:
        return ZoneInfo(name or DEFAULT_SITE_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_SITE_ZONE)


def local_day(now: datetime, tz_name: str | None) -> date:
    return now.astimezone(zone(tz_name)).date()


def day_end_utc(day: date, tz_name: str | None) -> datetime:
    """The first instant of the next local day, in UTC: a card due before it is due "today"."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone(tz_name)).astimezone(UTC)
