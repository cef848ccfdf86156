"""Models of the training area: courses and their items, onboarding paths per
position, enrolments, per-item progress, sign-off requests and certificates.

Progress is keyed by (account, course item), not by path, so a person moved
to another position's path keeps everything they already completed.

The rows of a course (its title and items) and of a path (its steps) are the
*published* structure learners see. An edit on the web is a working copy kept
as data (`draft`, in the same shape as the YAML files) until a reviewer
approves it; only then are the rows changed. Items are never deleted once
anyone has progress on them: an item dropped from a course is retired
(`retired_at`) and keeps its progress and sign-off history.
"""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base


class ItemKind(enum.StrEnum):
    READING = "reading"
    QUIZ = "quiz"
    PRACTICAL = "practical"
    LINK = "link"


class PublishState(enum.StrEnum):
    DRAFT = "draft"  # never published (course/path), or a working copy being edited (review_state)
    PENDING = "pending"  # a working copy waiting for a reviewer (review_state only)
    PUBLISHED = "published"


class ProgressState(enum.StrEnum):
    OPENED = "opened"  # a reading or link opened, not yet confirmed
    DONE = "done"
    REQUESTED = "requested"  # practical task waiting for the mentor
    SENT_BACK = "sent_back"


class Course(Base):
    __tablename__ = "training_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # "published" once a version went live (learners see the rows), "draft" before.
    state: Mapped[str] = mapped_column(String(16), default=PublishState.DRAFT)
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    # The working copy: {"title", "description"?, "items": [...]} as in the files; None when there is none.
    draft: Mapped[dict | None] = mapped_column(JSON)
    review_state: Mapped[str | None] = mapped_column(String(16))  # "draft" | "pending" | None
    draft_saved_at: Mapped[datetime | None]
    draft_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    # sha256 of the structure as last loaded from or exported to its file: a
    # load that finds the rows changed since (a web edit) reports a conflict.
    file_digest: Mapped[str | None] = mapped_column(String(64))
    # Out of use: kept for its progress history, offered to no path.
    archived_at: Mapped[datetime | None]

    # Every item, retired ones included (progress points at them).
    items: Mapped[list["CourseItem"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="CourseItem.position"
    )

    @property
    def active_items(self) -> list["CourseItem"]:
        return [item for item in self.items if item.retired_at is None]


class CourseItem(Base):
    __tablename__ = "training_course_items"
    __table_args__ = (UniqueConstraint("course_id", "key", name="uq_training_course_items_course_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    # A document slug (reading), a quiz slug (quiz), a URL (link) or "" (practical).
    target: Mapped[str] = mapped_column(String(500), default="")
    minutes: Mapped[int] = mapped_column(default=0)
    required: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # Dropped from the course: hidden from whoever has not done it, kept with its history.
    retired_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship(back_populates="items")


class TrainingPath(Base):
    """The onboarding path of one position: ordered steps over courses."""

    __tablename__ = "training_paths"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    # "published" once its steps went live (people are enrolled on it), "draft" before.
    state: Mapped[str] = mapped_column(String(16), default=PublishState.DRAFT)
    created_at: Mapped[datetime]
    # The working copy: {"title", "steps": [{"course", "due_day", "half_day"?}]}.
    draft: Mapped[dict | None] = mapped_column(JSON)
    review_state: Mapped[str | None] = mapped_column(String(16))
    draft_saved_at: Mapped[datetime | None]
    draft_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    file_digest: Mapped[str | None] = mapped_column(String(64))

    steps: Mapped[list["PathStep"]] = relationship(
        back_populates="path", cascade="all, delete-orphan", order_by="PathStep.position"
    )


class PathStep(Base):
    __tablename__ = "training_path_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("training_paths.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # Due this many days after the start date (0 = the first day).
    due_day: Mapped[int] = mapped_column(default=0)
    half_day: Mapped[str] = mapped_column(String(2), default="")  # "", "am" or "pm"

    path: Mapped[TrainingPath] = relationship(back_populates="steps")
    course: Mapped[Course] = relationship(lazy="joined")


class Enrolment(Base):
    """One person on one path (a person has at most one current path)."""

    __tablename__ = "training_enrolments"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("training_paths.id"), index=True)
    start_date: Mapped[date]
    # Set by a manager: everything not done is overdue after this day.
    finish_by: Mapped[date | None]
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]

    path: Mapped[TrainingPath] = relationship(lazy="joined")


class ItemProgress(Base):
    __tablename__ = "training_item_progress"
    __table_args__ = (UniqueConstraint("account_id", "item_id", name="uq_training_item_progress_account_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    # No cascade: an item with progress is retired, never deleted.
    item_id: Mapped[int] = mapped_column(ForeignKey("training_course_items.id"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime]
    # A reading or link is confirmed only after the person opened it.
    opened_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]


class OverdueMark(Base):
    """Written by the sweep: item found overdue for a person (pages compute it anyway)."""

    __tablename__ = "training_overdue_marks"
    __table_args__ = (UniqueConstraint("account_id", "item_id", name="uq_training_overdue_marks_account_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("training_course_items.id", ondelete="CASCADE"), index=True)
    marked_at: Mapped[datetime]


class SignOff(Base):
    """A request to sign off a practical task, and its decision."""

    __tablename__ = "training_signoffs"
    __table_args__ = (
        # At most one open request per person and task, even when two arrive at once.
        Index("uq_training_signoffs_open", "account_id", "item_id", unique=True,
              sqlite_where=text("decided_at IS NULL"), postgresql_where=text("decided_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("training_course_items.id"), index=True)
    requested_at: Mapped[datetime]
    request_note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    approved: Mapped[bool | None]
    note: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[CourseItem] = relationship(lazy="joined")


class Certificate(Base):
    __tablename__ = "training_certificates"
    __table_args__ = (UniqueConstraint("account_id", "path_id", name="uq_training_certificates_account_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    # No cascade: a path someone holds a certificate of is never deleted.
    path_id: Mapped[int] = mapped_column(ForeignKey("training_paths.id"))
    issued_at: Mapped[datetime]

    path: Mapped[TrainingPath] = relationship(lazy="joined")
