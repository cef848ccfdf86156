"""Models of the daily drill (每日一练): items, per-person FSRS cards, review logs, daily queues, settings, streaks.

A `DrillItem` owns its content (copied or generated), so a document or
question changing later never silently changes what a person was tested on;
regeneration updates the item and flags its cards instead.
"""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base


class ItemKind(enum.StrEnum):
    ORDER_STEPS = "order-steps"
    MATCH_DUTY_ROLE = "match-duty-role"  # which position has this duty (one duty, position names to choose)
    MATCH_DUTIES = "match-duties"  # match four duties with their four positions
    PICK_PHRASE = "pick-phrase"
    SPOT_FORBIDDEN = "spot-forbidden"
    RECALL_NUMBER = "recall-number"
    BANK_QUESTION = "bank-question"  # an auto-gradable question of the quiz bank, graded by the quiz rules


class ItemStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"  # by a trainer
    NEEDS_REVIEW = "needs-review"  # its source anchor disappeared; held back until a trainer looks


class DrillItem(Base):
    __tablename__ = "drill_items"
    # Every queue build asks whether the bank items are in step with the bank (count and highest
    # version of the bank items): read from this index alone instead of every item of the site.
    __table_args__ = (Index("ix_drill_items_kind_status_version", "kind", "status", "question_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable identity across regenerations: "<slug>#<anchor>:<kind>".
    key: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    prompt: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    answer: Mapped[dict] = mapped_column(JSON, default=dict)
    explanation: Mapped[str] = mapped_column(Text, default="")
    source_slug: Mapped[str] = mapped_column(String(300), index=True)
    source_kind: Mapped[str] = mapped_column(String(32), default="")
    source_title: Mapped[str] = mapped_column(String(300), default="")
    source_version: Mapped[str] = mapped_column(String(64), default="")
    source_anchor: Mapped[str] = mapped_column(String(300))
    section: Mapped[str] = mapped_column(String(300), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(20), default=ItemStatus.ACTIVE, index=True)
    # Bank items point at the question and the version they were last synced from; the version's own
    # data grades the answer, so a corrected answer key counts at once. NULL for generated items.
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_questions.id", ondelete="SET NULL"), index=True)
    question_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_question_versions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DrillCard(Base):
    """One person's FSRS state for one item (the fields of `fsrs.Card`, due in UTC)."""

    __tablename__ = "drill_cards"
    __table_args__ = (
        UniqueConstraint("account_id", "item_id", name="uq_drill_cards_account_item"),
        Index("ix_drill_cards_account_due", "account_id", "due"),
        # Each queue build asks for a person's targeted and never-answered cards: usually none or a
        # handful among thousands, so partial indexes answer without reading the person's other cards.
        Index("ix_drill_cards_account_targeted", "account_id", "due", sqlite_where=text("targeted_reason IS NOT NULL"),
              postgresql_where=text("targeted_reason IS NOT NULL")),
        Index("ix_drill_cards_account_unseen", "account_id", "created_at", sqlite_where=text("last_review IS NULL"),
              postgresql_where=text("last_review IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("drill_items.id", ondelete="CASCADE"), index=True)
    state: Mapped[int] = mapped_column(Integer, default=1)  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime]
    last_review: Mapped[datetime | None]
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    leech: Mapped[bool] = mapped_column(Boolean, default=False)  # held back after too many lapses
    source_changed: Mapped[bool] = mapped_column(Boolean, default=False)  # item content changed since last review
    # Why someone asked for this card to be drilled soon (e.g. "qa:greeting:12"); cleared once it is answered.
    targeted_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]

    item: Mapped[DrillItem] = relationship(lazy="joined")


class DrillReviewLog(Base):
    __tablename__ = "drill_review_logs"
    __table_args__ = (Index("ix_drill_review_logs_account_day", "account_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("drill_cards.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("drill_items.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    correct: Mapped[bool] = mapped_column(Boolean)
    reviewed_at: Mapped[datetime]
    day: Mapped[date]  # the day in the person's team time zone
    due_before: Mapped[datetime]
    due_after: Mapped[datetime]


class DrillQueueEntry(Base):
    """Today's queue, fixed when first built so "answer twice / not in today's queue" can be refused."""

    __tablename__ = "drill_queue_entries"
    __table_args__ = (
        UniqueConstraint("account_id", "day", "card_id", name="uq_drill_queue_entries_account_day_card"),
        Index("ix_drill_queue_entries_account_day", "account_id", "day", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    day: Mapped[date]
    card_id: Mapped[int] = mapped_column(ForeignKey("drill_cards.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    is_new: Mapped[bool] = mapped_column(Boolean, default=False)
    targeted: Mapped[bool] = mapped_column(Boolean, default=False)  # brought in by a targeted request (QA)
    answered_at: Mapped[datetime | None]
    correct: Mapped[bool | None] = mapped_column(Boolean)
    response: Mapped[dict | None] = mapped_column(JSON)

    card: Mapped[DrillCard] = relationship(lazy="joined")


class DrillTeamSettings(Base):
    __tablename__ = "drill_team_settings"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    new_per_day: Mapped[int] = mapped_column(Integer, default=5)
    reviews_per_day: Mapped[int] = mapped_column(Integer, default=20)
    # Targeted items (a failed QA criterion) a day may bring on top of the reviews and new items.
    targeted_per_day: Mapped[int] = mapped_column(Integer, default=3)
    target_retention: Mapped[float] = mapped_column(Float, default=0.9)
    updated_at: Mapped[datetime]


class DrillStreak(Base):
    __tablename__ = "drill_streaks"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    current: Mapped[int] = mapped_column(Integer, default=0)
    best: Mapped[int] = mapped_column(Integer, default=0)
    last_day: Mapped[date | None]
