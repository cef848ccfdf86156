"""Models of the training area: courses and their items, onboarding paths per
position, enrolments, per-item progress, sign-off requests and certificates.

Progress is keyed by (account, course item), not by path, so a person moved
to another position's path keeps everything they already completed.
"""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base


class ItemKind(enum.StrEnum):
    READING = "reading"
    QUIZ = "quiz"
    PRACTICAL = "practical"
    LINK = "link"


class PublishState(enum.StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    PUBLISHED = "published"


class ProgressState(enum.StrEnum):
    DONE = "done"
    REQUESTED = "requested"  # practical task waiting for the mentor
    SENT_BACK = "sent_back"


class Course(Base):
    __tablename__ = "training_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default=PublishState.DRAFT)
    created_at: Mapped[datetime]
    # Set on first publication: learners keep seeing a course that is back
    # in draft for an edit; a course never published stays hidden.
    published_at: Mapped[datetime | None]

    items: Mapped[list["CourseItem"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="CourseItem.position"
    )


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

    course: Mapped[Course] = relationship(back_populates="items")


class TrainingPath(Base):
    """The onboarding path of one position: ordered steps over courses."""

    __tablename__ = "training_paths"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default=PublishState.DRAFT)
    created_at: Mapped[datetime]

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
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]

    path: Mapped[TrainingPath] = relationship(lazy="joined")


class ItemProgress(Base):
    __tablename__ = "training_item_progress"
    __table_args__ = (UniqueConstraint("account_id", "item_id", name="uq_training_item_progress_account_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("training_course_items.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime]
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
    __table_args__ = (Index("ix_training_signoffs_open", "account_id", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("training_course_items.id", ondelete="CASCADE"), index=True)
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
    path_id: Mapped[int] = mapped_column(ForeignKey("training_paths.id", ondelete="CASCADE"))
    issued_at: Mapped[datetime]

    path: Mapped[TrainingPath] = relationship(lazy="joined")
