"""DrillService: today's queue, answers scheduled with FSRS, streaks, targeted items and regeneration.

Every method takes time from the injected clock; the day boundary is the
person's team time zone. The trainer and manager views (leeches, items
everyone fails, the retention heat-map) are in `drill_reports.py`.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, case, func, select

from ..clock import Clock
from ..i18n import _
from ..models.accounts import Account, GlobalRole, Grant, Scope
from ..models.drill import (
    DrillCard,
    DrillItem,
    DrillQueueEntry,
    DrillReviewLog,
    DrillStreak,
    DrillTeamSettings,
    ItemKind,
    ItemStatus,
)
from ..zones import zone_name_of
from . import drill_bank, drill_queue
from .drill_curate import LEECH_NOTICE_KEY, Curation
from .drill_scheduler import LEECH_LAPSES, copy_to_row, day_end_utc, local_day, rating_for, scheduler_for, to_fsrs
from .drill_targets import Targeting
from .notices import NoticeService

LEECH_NOTICE = _("${name} keeps failing a drill item (${lapses} lapses): ${item}")
DEFAULTS: dict[str, Any] = {"new_per_day": 5, "reviews_per_day": 20, "target_retention": 0.9, "targeted_per_day": 3}
LIMITS = {"new_per_day": (0, 50), "reviews_per_day": (0, 500), "target_retention": (0.7, 0.97),
          "targeted_per_day": (0, 20)}


class DrillError(ValueError):
    """A refused request; `msgid` is translatable and `status` the HTTP status to answer with."""

    def __init__(self, msgid: str, status: int = 400, mapping=None):
        super().__init__(msgid)
        self.msgid = msgid
        self.status = status
        self.mapping = mapping or {}


@dataclass
class Settings:
    new_per_day: int
    reviews_per_day: int
    target_retention: float
    targeted_per_day: int


@dataclass
class AnswerResult:
    entry: DrillQueueEntry
    correct: bool
    item: DrillItem
    card: DrillCard
    became_leech: bool


def normalise(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "PZ")


def check_response(item: DrillItem, response: dict) -> bool:
    """Is `response` right for `item`? Orders compare exactly; numbers numerically; choices after normalising."""
    if item.kind == "order-steps":
        return [normalise(s) for s in response.get("order") or ()] == [normalise(s) for s in item.answer["order"]]
    if item.kind == "match-duties":
        return [normalise(v) for v in response.get("match") or ()] == [normalise(v) for v in item.answer["match"]]
    if item.kind == "recall-number":
        given = normalise(response.get("value")).removesuffix(normalise(item.payload.get("unit", "")))
        try:
            return float(given) == float(item.answer["value"])
        except ValueError:
            return False
    return normalise(response.get("value")) == normalise(item.answer.get("value"))


class DrillService(Curation, Targeting):
    def __init__(self, dbsession, clock: Clock, notices: NoticeService | None = None, leech_link: str = ""):
        self.dbsession = dbsession
        self.clock = clock
        self.notices = notices or NoticeService(dbsession, clock)
        self.leech_link = leech_link
        # The session's identity map holds objects weakly: without a reference here every call
        # (queue, streak, history, next due) would load the account, its team and position again.
        self._accounts: dict[int, Account] = {}

    # -- settings and days -----------------------------------------------

    def settings(self, team_id: int | None) -> Settings:
        row = self.dbsession.get(DrillTeamSettings, team_id) if team_id else None
        if row is None:
            return Settings(**DEFAULTS)
        return Settings(row.new_per_day, row.reviews_per_day, row.target_retention, row.targeted_per_day)

    def set_settings(self, team_id: int, *, new_per_day: int, reviews_per_day: int, target_retention: float,
                     targeted_per_day: int | None = None) -> None:
        """A team's caps; `targeted_per_day` None keeps the team's current one."""
        if targeted_per_day is None:
            targeted_per_day = self.settings(team_id).targeted_per_day
        values = {"new_per_day": new_per_day, "reviews_per_day": reviews_per_day,
                  "target_retention": target_retention, "targeted_per_day": targeted_per_day}
        for name, value in values.items():
            low, high = LIMITS[name]
            if not low <= value <= high:
                raise DrillError("Must be between ${low} and ${high}.", 400,
                                 {"name": name, "low": low, "high": high})
        row = self.dbsession.get(DrillTeamSettings, team_id)
        if row is None:
            row = DrillTeamSettings(team_id=team_id, updated_at=self.clock.now())
            self.dbsession.add(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = self.clock.now()

    def account(self, account_id: int) -> Account:
        account = self._accounts.get(account_id) or self.dbsession.get(Account, account_id)
        if account is None:
            raise DrillError("No such person.", 404)
        self._accounts[account_id] = account
        return account

    def tz_of(self, account: Account) -> str:
        return zone_name_of(self.dbsession, account)

    def today(self, account: Account) -> date:
        return local_day(self.clock.now(), self.tz_of(account))

    # -- the queue ---------------------------------------------------------

    def queue(self, account_id: int) -> list[DrillQueueEntry]:
        """Today's queue, built on first use and then fixed for the day."""
        account = self.account(account_id)
        day = self.today(account)
        entries = self._entries(account_id, day)
        if entries:
            return entries
        # Two tabs opening the page at once: the second waits here until the first has built (and
        # committed) the day, then reads it instead of inserting the same cards again.
        self._lock_person(account_id)
        # A new statement, so a new snapshot on PostgreSQL: a query that also took the lock would see
        # the data as it was before the wait, not the other tab's queue.
        entries = self._entries(account_id, day)
        if entries:
            return entries
        s = self.settings(account.team_id)
        # The bank is edited elsewhere; catching up here, once per person and day, keeps new items current.
        synced = drill_bank.sync(self.dbsession, self.clock.now())
        self.release_leeches(synced.new_versions)
        material = drill_queue.material_of(self.dbsession, account_id,
                                           account.position.code if account.position else None)
        return drill_queue.build(self.dbsession, account_id, day, self.tz_of(account), self.clock.now(),
                                 reviews_cap=s.reviews_per_day, new_cap=s.new_per_day,
                                 targeted_cap=s.targeted_per_day, material=material)

    def _lock_person(self, account_id: int) -> None:
        """Serialise the writers of one person's cards and queue (PostgreSQL; SQLite's BEGIN IMMEDIATE
        already does). NO KEY UPDATE leaves other rows that reference the account free."""
        self.dbsession.execute(select(Account.id).where(Account.id == account_id).with_for_update(key_share=True))

    def _entries(self, account_id: int, day: date) -> list[DrillQueueEntry]:
        return list(self.dbsession.scalars(drill_queue.DAY_ENTRIES, {"account_id": account_id, "day": day}))

    def day(self, account_id: int) -> list[DrillQueueEntry]:
        """Today's queue as the person sees it: answered entries and those still available to answer.

        An item suspended, sent to review or whose bank question was deleted after the day was built is
        left out, so it neither blocks the items after it nor counts as work left.
        """
        return [e for e in self.queue(account_id) if e.answered_at is not None or available(e.card.item)]

    def entry(self, account_id: int, entry_id: int, lock: bool = False) -> DrillQueueEntry:
        """One of this person's queue entries; `lock` holds its row (and reloads it) until the transaction ends."""
        if lock:
            entry = self.dbsession.scalar(
                select(DrillQueueEntry).where(DrillQueueEntry.id == entry_id)
                .with_for_update(of=DrillQueueEntry).execution_options(populate_existing=True))
        else:
            entry = self.dbsession.get(DrillQueueEntry, entry_id)
        if entry is None:
            raise DrillError("This item is not in today's drill.", 404)
        if entry.account_id != account_id:
            raise DrillError("This is not your drill.", 403)
        return entry

    def next_due(self, account_id: int) -> date | None:
        """The local day (team time zone) on which the next card after today's falls due; None when none is."""
        account = self.account(account_id)
        tz = self.tz_of(account)
        due = self.dbsession.scalar(NEXT_DUE_QUERY,
                                    {"account_id": account_id, "after": day_end_utc(self.today(account), tz)})
        return local_day(due, tz) if due is not None else None

    # -- answering ---------------------------------------------------------

    def answer(self, account_id: int, entry_id: int, response: dict, confidence: str | None = None) -> AnswerResult:
        account = self.account(account_id)
        # A double submit: the second waits for the first and then finds the entry answered.
        entry = self.entry(account_id, entry_id, lock=True)
        today = self.today(account)
        if entry.day != today:
            raise DrillError("This item is not in today's drill.", 409)
        if entry.answered_at is not None:
            raise DrillError("You have already answered this item today.", 409)
        if confidence not in (None, "", "hard", "easy"):
            raise DrillError("Unknown confidence.", 400)
        if not available(entry.card.item):
            raise DrillError("This item is no longer available.", 409)
        card, item = entry.card, entry.card.item
        now = self.clock.now()
        correct = self._mark(item, response)
        rating = rating_for(correct, confidence)
        was_review = card.state == 2
        reviewed, _log = scheduler_for(self.settings(account.team_id).target_retention).review_card(
            to_fsrs(card), rating, now)
        self.dbsession.add(DrillReviewLog(card_id=card.id, account_id=account_id, item_id=item.id, rating=int(rating),
                                          correct=correct, reviewed_at=now, day=today, due_before=card.due,
                                          due_after=reviewed.due))
        copy_to_row(reviewed, card)
        card.reps += 1
        card.source_changed = False
        card.targeted_reason = None  # drilled as asked; back to its ordinary schedule
        became_leech = False
        if not correct and was_review:
            card.lapses += 1
            if card.lapses >= LEECH_LAPSES and not card.leech:
                card.leech = became_leech = True
        entry.answered_at, entry.correct, entry.response = now, correct, response
        self._count_streak(account_id, today)
        if became_leech:
            self._report_leech(account, card, item)
        self.dbsession.flush()
        return AnswerResult(entry, correct, item, card, became_leech)

    def _mark(self, item: DrillItem, response: dict) -> bool:
        if item.kind == ItemKind.MATCH_DUTIES and not any(response.get("match") or ()):
            raise DrillError("Please give an answer.", 400)
        if item.kind != ItemKind.BANK_QUESTION:
            return check_response(item, response)
        version = drill_bank.version_of(self.dbsession, item)
        if version is None:
            raise DrillError("This item is no longer available.", 409)
        try:
            return drill_bank.mark(version, response)
        except drill_bank.AnswerError as err:
            raise DrillError(err.msgid, 400) from err
        except (ValueError, KeyError, TypeError) as err:
            raise DrillError("Please give an answer.", 400) from err

    def trainer_ids(self) -> list[int]:
        return list(self.dbsession.scalars(
            select(Account.id).join(Grant, Grant.account_id == Account.id)
            .where(Grant.role == GlobalRole.TRAINER, Grant.scope_type == Scope.SITE, Account.is_active.is_(True))
            .order_by(Account.id)))

    def _report_leech(self, account: Account, card: DrillCard, item: DrillItem) -> None:
        """Tell every trainer once per card: a leech is held back, so only a person can bring it back."""
        mapping = {"name": account.display_name, "item": item.prompt[:80], "lapses": card.lapses}
        for trainer_id in self.trainer_ids():
            self.notices.leave(trainer_id, "drill.leech", LEECH_NOTICE, LEECH_NOTICE_KEY.format(card_id=card.id),
                               mapping, link=self.leech_link)

    # -- streaks and history -----------------------------------------------

    def _count_streak(self, account_id: int, today: date) -> None:
        streak = self.dbsession.get(DrillStreak, account_id)
        if streak is None:
            streak = DrillStreak(account_id=account_id, current=0, best=0)
            self.dbsession.add(streak)
        if streak.last_day == today:
            return
        streak.current = streak.current + 1 if streak.last_day == today - timedelta(days=1) else 1
        streak.best = max(streak.best or 0, streak.current)
        streak.last_day = today

    def streak(self, account_id: int) -> tuple[int, int]:
        """(current, best): a streak still counts today until the day is over without a drill."""
        streak = self.dbsession.get(DrillStreak, account_id)
        if streak is None or streak.last_day is None:
            return 0, 0
        today = self.today(self.account(account_id))
        current = streak.current if streak.last_day >= today - timedelta(days=1) else 0
        return current, streak.best

    def history(self, account_id: int, days: int = 14) -> list[dict]:
        today = self.today(self.account(account_id))
        since = today - timedelta(days=days - 1)
        rows = self.dbsession.execute(HISTORY_QUERY, {"account_id": account_id, "since": since}).all()
        by_day = {r[0]: (r[1], int(r[2] or 0)) for r in rows}
        return [{"day": since + timedelta(days=i), "answered": by_day.get(since + timedelta(days=i), (0, 0))[0],
                 "correct": by_day.get(since + timedelta(days=i), (0, 0))[1]} for i in range(days)]

    def panel(self, account_id: int, team_id: int | None) -> dict:
        """The home panel's figures: {"built", "left", "total"} of today's queue, without building it."""
        return drill_queue.panel_figures(self.dbsession, account_id, team_id, self.clock.now())


def available(item: DrillItem) -> bool:
    """Can this item be answered now? Active, and for a bank item its question version still exists."""
    return item.status == ItemStatus.ACTIVE and (item.kind != ItemKind.BANK_QUESTION
                                                 or item.question_version_id is not None)


def case_correct():
    return case((DrillReviewLog.correct.is_(True), 1), else_=0)


# Built once: today's drill page runs these on every visit (statement construction cost more than
# SQLite's answer); the person and day are bound per call.
HISTORY_QUERY = select(DrillReviewLog.day, func.count(), func.sum(case_correct())).where(
    DrillReviewLog.account_id == bindparam("account_id"), DrillReviewLog.day >= bindparam("since")
).group_by(DrillReviewLog.day)
NEXT_DUE_QUERY = select(func.min(DrillCard.due)).join(DrillItem, DrillItem.id == DrillCard.item_id).where(
    DrillCard.account_id == bindparam("account_id"), DrillCard.leech.is_(False),
    DrillItem.status == ItemStatus.ACTIVE,  # suspended or under review: not coming
    DrillCard.due >= bindparam("after"))


def factory(context, request):
    return DrillService(request.dbsession, request.find_service(Clock), request.find_service(NoticeService),
                        leech_link=request.route_path("drill.manage"))


def includeme(config):
    config.register_service_factory(factory, DrillService)
    config.include(".drill_hooks")
