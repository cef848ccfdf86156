"""Targeted items: another area asks for some items to be drilled soon (a failed QA criterion, say).

Targets name the items: a slug ("scripts/forbidden-wording"), a slug prefix
ending in "/" ("scripts/"), or a paragraph ("slug#anchor", e.g.
"scripts/greeting-and-closing#situation:greeting"). Each QA criterion maps to
the paragraphs it concerns, so failing "greeting" brings greeting phrases, not
every script of the handbook.

A targeted card is due now and marked with the reason. The queue takes marked
cards first, before the review backlog, but at most the team's targeted cap
a day (`targeted_per_day`); the rest wait for the next days. Answering a card
clears the mark.
"""

from typing import TYPE_CHECKING

from sqlalchemy import or_, select, update

from ..models.drill import DrillCard, DrillItem, DrillQueueEntry, ItemStatus
from . import drill_queue

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

    from ..clock import Clock
    from ..models.accounts import Account
    from .drill import Settings

ROLE = "{role}"  # the person's own role profile, resolved from their position
# QA criterion (models/qa.py CRITERIA) → the paragraphs that teach it.
CRITERION_TARGETS = {
    "greeting": ["scripts/greeting-and-closing#situation:greeting", "scripts/phone-etiquette#situation:phone-opening",
                 "policies/response-and-standard-scripts#fact:standard-greeting-count"],
    "closing": ["scripts/greeting-and-closing#situation:closing",
                "policies/response-and-standard-scripts#fact:standard-closing-count"],
    "attitude": ["scripts/apology-and-waiting#situation:apology",
                 "scripts/apology-and-waiting#situation:accept-feedback",
                 "scripts/forbidden-wording#situation:forbidden-attitude",
                 "scripts/greeting-and-closing#situation:courtesy"],
    "wording": ["scripts/forbidden-wording#situation:forbidden",
                "scripts/forbidden-wording#situation:forbidden-attitude"],
    "knowledge": [ROLE, "policies/issue-routes",
                  "policies/response-and-standard-scripts#procedure:professional-handling"],
    "timeliness": ["policies/response-and-standard-scripts#fact:first-response",
                   "scripts/apology-and-waiting#situation:hold", "policies/after-sales-standards#fact:reply-within"],
    "clarity": ["scripts/next-step-commitments#situation:next-step",
                "scripts/transfer-and-escalation#situation:transfer",
                "scripts/transfer-and-escalation#situation:escalation"],
}


def criterion_targets(criterion: str, position_code: str | None) -> list[str]:
    """The targets of a failed QA criterion for a person of this position (unknown criterion: none)."""
    targets = []
    for target in CRITERION_TARGETS.get(criterion, ()):
        if target == ROLE:
            if position_code:
                targets.append(f"roles/{position_code}")
        else:
            targets.append(target)
    return targets


def target_condition(targets):
    """The SQL condition matching the items of `targets` (see the module docstring), or None for no target."""
    conditions = []
    for target in targets:
        if "#" in target:
            slug, anchor = target.split("#", 1)
            conditions.append((DrillItem.source_slug == slug) & (DrillItem.source_anchor == anchor))
        elif target.endswith("/"):
            conditions.append(DrillItem.source_slug.startswith(target, autoescape=True))
        elif target:
            conditions.append(DrillItem.source_slug == target)
    return or_(*conditions) if conditions else None


class Targeting:
    """`add_targeted_items` (mixed into `DrillService`)."""

    if TYPE_CHECKING:
        dbsession: Session
        clock: Clock

        def account(self, account_id: int) -> Account: ...
        def today(self, account: Account) -> date: ...
        def settings(self, team_id: int | None) -> Settings: ...
        def _lock_person(self, account_id: int) -> None: ...
        def _entries(self, account_id: int, day: date) -> list[DrillQueueEntry]: ...

    def add_targeted_items(self, account_id: int, targets, reason: str) -> int:
        """Ask for the items of `targets` (one target or a list) to be drilled soon; returns how many cards.

        Existing cards are made due now (an early review is fine for FSRS), missing ones are created, and all
        are marked. When today's queue is already built, marked cards join it ahead of what is left of the day,
        one per paragraph and up to the team's targeted cap for the day; the others come on the next days.
        """
        account = self.account(account_id)
        self._lock_person(account_id)  # cards are created here as in the queue build
        condition = target_condition([targets] if isinstance(targets, str) else list(targets))
        if condition is None:
            return 0
        items = list(self.dbsession.scalars(select(DrillItem).where(condition, DrillItem.status == ItemStatus.ACTIVE)
                                            .order_by(DrillItem.id)))
        if not items:
            return 0
        now = self.clock.now()
        cards = {c.item_id: c for c in self.dbsession.scalars(select(DrillCard).where(
            DrillCard.account_id == account_id, DrillCard.item_id.in_([i.id for i in items])))}
        marked = []
        for item in items:
            card = cards.get(item.id)
            if card is None:
                card = DrillCard(account_id=account_id, item_id=item.id, state=1, step=0, due=now, created_at=now,
                                 reps=0, lapses=0, leech=False, source_changed=False)
                self.dbsession.add(card)
            elif card.leech:
                continue  # held back: a trainer decides when it comes back
            card.due = min(card.due, now)
            card.targeted_reason = reason[:200]
            marked.append((card, item))
        self.dbsession.flush()
        self._join_today(account, marked)
        return len(marked)

    def _join_today(self, account, marked) -> None:
        """Put marked cards into today's queue if it exists, ahead of the unanswered entries, within the cap."""
        day = self.today(account)
        entries = self._entries(account.id, day)
        if not entries:
            return  # the day's build takes them first
        room = self.settings(account.team_id).targeted_per_day - sum(1 for e in entries if e.targeted)
        queued = {e.card_id for e in entries}
        taken = {drill_queue.anchor_of(e.card.item.source_slug, e.card.item.source_anchor) for e in entries}
        joining: list[DrillCard] = []
        for card, item in marked:
            anchor = drill_queue.anchor_of(item.source_slug, item.source_anchor)
            if len(joining) >= room:
                break
            if card.id in queued or anchor in taken:
                continue
            taken.add(anchor)
            joining.append(card)
        if not joining:
            return
        unanswered = [e.position for e in entries if e.answered_at is None]
        first = min(unanswered) if unanswered else max(e.position for e in entries) + 1
        # Make room in front of the rest of the day: what is left moves back by as many places.
        self.dbsession.execute(update(DrillQueueEntry).where(
            DrillQueueEntry.account_id == account.id, DrillQueueEntry.day == day,
            DrillQueueEntry.answered_at.is_(None)).values(position=DrillQueueEntry.position + len(joining)),
            execution_options={"synchronize_session": "fetch"})
        for offset, card in enumerate(joining):
            self.dbsession.add(DrillQueueEntry(account_id=account.id, day=day, card_id=card.id,
                                               position=first + offset, is_new=card.reps == 0, targeted=True))
        self.dbsession.flush()
