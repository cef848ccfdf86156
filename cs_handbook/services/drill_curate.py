"""What changes items and cards from outside a person's drill: trainers' fixes, leech resets, regeneration.

A mixin of `DrillService` (it uses the service's session, clock and notices).
A leech is held back from the queue until a person brings it back: a trainer
resetting it, a trainer fixing its item, or its source changing (a regenerated
item or a new bank version is a different question, so the lapses of the old
one say nothing about it).
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select, update

from ..models.drill import DrillCard, DrillItem, ItemKind, ItemStatus
from .drill_generate import ItemSpec

if TYPE_CHECKING:
    from sqlalchemy import CursorResult
    from sqlalchemy.orm import Session

    from ..clock import Clock
    from .notices import NoticeService

LEECH_NOTICE_KEY = "drill-leech-{card_id}"
REGENERATED_FIELDS = ("kind", "prompt", "payload", "answer", "explanation", "source_slug", "source_kind",
                      "source_title", "source_version", "source_anchor", "section", "content_hash")


@dataclass
class RegenReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    flagged_cards: int = 0
    slugs: list = field(default_factory=list)


class Curation:
    """Trainers' fixes, leech resets and regeneration (mixed into `DrillService`)."""

    if TYPE_CHECKING:
        dbsession: Session
        clock: Clock
        notices: NoticeService

    # -- items -------------------------------------------------------------

    def set_item_status(self, item: DrillItem, status: str) -> None:
        item.status = ItemStatus(status)
        item.updated_at = self.clock.now()

    def fix_item(self, item: DrillItem, *, prompt: str, explanation: str, answer: dict | None = None) -> bool:
        """A trainer's correction; the item becomes active again and its leeches are released.

        When the question or its answer changed, everyone who learned the old version gets it again now,
        marked "changed" (as after a regeneration); returns whether that happened. A later regeneration
        replaces the fix only if the source document itself changes.
        """
        changed = prompt != item.prompt or (answer is not None and answer != item.answer)
        item.prompt, item.explanation = prompt, explanation
        if answer is not None:
            item.answer = answer
        item.status = ItemStatus.ACTIVE
        item.updated_at = self.clock.now()
        self.release_leeches([item.id])
        if changed:
            self.flag_cards([item.id])
        return changed

    # -- leeches -----------------------------------------------------------

    def reset_leech(self, card: DrillCard) -> None:
        """Bring a held-back card back: no lapses, due now, the trainers' notice about it gone."""
        card.leech = False
        card.lapses = 0
        card.due = min(card.due, self.clock.now())
        self.notices.clear(LEECH_NOTICE_KEY.format(card_id=card.id))

    def release_leeches(self, item_ids: list[int]) -> int:
        """Reset every leech card of these items (their content changed); returns how many."""
        if not item_ids:
            return 0
        cards = list(self.dbsession.scalars(select(DrillCard).where(DrillCard.item_id.in_(item_ids),
                                                                    DrillCard.leech.is_(True))))
        for card in cards:
            self.reset_leech(card)
        return len(cards)

    # -- regeneration --------------------------------------------------------

    def regenerate(self, specs: list[ItemSpec], slugs: set[str], progress=None) -> RegenReport:
        """Make the items of `slugs` match `specs`: new ones created, changed ones updated and their cards
        flagged (due now, marked "changed", leeches released), vanished ones set to needs-review (cards kept)."""
        report = RegenReport(slugs=sorted(slugs))
        now = self.clock.now()
        existing = {i.key: i for i in self.dbsession.scalars(select(DrillItem).where(DrillItem.source_slug.in_(slugs)))}
        seen, changed = set(), []
        for spec in specs:
            seen.add(spec.key)
            item = existing.get(spec.key)
            fields = {k: getattr(spec, k) for k in REGENERATED_FIELDS}
            if item is None:
                self.dbsession.add(DrillItem(key=spec.key, status=ItemStatus.ACTIVE, created_at=now, updated_at=now,
                                             **fields))
                report.created += 1
            elif item.content_hash != spec.content_hash:
                for k, v in fields.items():
                    setattr(item, k, v)
                item.updated_at = now
                if item.status == ItemStatus.NEEDS_REVIEW:
                    item.status = ItemStatus.ACTIVE
                changed.append(item.id)
                report.updated += 1
            else:
                item.source_version = spec.source_version
                if item.status == ItemStatus.NEEDS_REVIEW:
                    item.status = ItemStatus.ACTIVE
                report.unchanged += 1
            if progress is not None:
                progress.step(spec.key)
        if changed:
            self.release_leeches(changed)
            report.flagged_cards = self.flag_cards(changed)
        for key, item in existing.items():
            if key not in seen and item.status == ItemStatus.ACTIVE:
                item.status = ItemStatus.NEEDS_REVIEW
                item.updated_at = now
                report.stale += 1
        self.dbsession.flush()
        return report

    def flag_cards(self, item_ids: list[int]) -> int:
        """Mark the cards of changed items "changed" and make them due now; returns how many."""
        now = self.clock.now()
        self.dbsession.flush()
        self.dbsession.execute(update(DrillCard).where(DrillCard.item_id.in_(item_ids), DrillCard.due > now)
                               .values(due=now), execution_options={"synchronize_session": "fetch"})
        flagged = self.dbsession.execute(update(DrillCard).where(DrillCard.item_id.in_(item_ids))
                                         .values(source_changed=True),
                                         execution_options={"synchronize_session": "fetch"})
        return cast("CursorResult[Any]", flagged).rowcount

    def retire_sources(self, slugs: set[str] | None = None, *, keep: set[str] | None = None) -> int:
        """Send the active generated items of `slugs` (or of every document not in `keep`) to needs-review.

        Their documents were archived or are no longer published: staff cannot open the source any more.
        Cards are kept, and regeneration brings the items back once the document is published again.
        Bank questions follow the bank instead (see `drill_bank.sync`).
        """
        stmt = update(DrillItem).where(DrillItem.kind != ItemKind.BANK_QUESTION,
                                       DrillItem.status == ItemStatus.ACTIVE)
        if slugs is not None:
            stmt = stmt.where(DrillItem.source_slug.in_(slugs))
        if keep is not None:
            stmt = stmt.where(DrillItem.source_slug.not_in(keep))
        self.dbsession.flush()
        retired = self.dbsession.execute(stmt.values(status=ItemStatus.NEEDS_REVIEW, updated_at=self.clock.now()),
                                         execution_options={"synchronize_session": "fetch"})
        return cast("CursorResult[Any]", retired).rowcount
