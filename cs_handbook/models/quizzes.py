"""Question bank, quizzes, attempts, responses and grades.

Questions are versioned: editing makes a new `QuestionVersion`, and an
attempt points at the versions it showed, so later edits never change what
someone answered. Integrity rests on the database, not on the application:
(quiz, account, number) is unique per attempt, each response carries the
sequence number of the save that wrote it, and state changes are conditional
UPDATEs so that two simultaneous requests cannot both win.
"""

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base


class QuestionType(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUEFALSE = "truefalse"
    SHORT = "short"
    ORDERING = "ordering"
    MATCHING = "matching"
    ESSAY = "essay"


class Grading(enum.StrEnum):
    HIGHEST = "highest"
    LAST = "last"
    FIRST = "first"
    AVERAGE = "average"


class ReviewWhen(enum.StrEnum):
    """When the review shows one of its parts to the person who took the quiz.

    AFTER_CLOSE is never reached by a quiz without a closing date (as in Moodle).
    """

    AFTER_SUBMIT = "after_submit"
    AFTER_CLOSE = "after_close"
    NEVER = "never"


# What the review can show, each with its own `ReviewWhen`: the marks (overall and per
# question), the right answers, the feedback (explanations, the chosen options' feedback,
# the grader's comment) and the links to the source documents.
REVIEW_PARTS = ("marks", "answers", "feedback", "sources")


class AttemptState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"  # finished, waiting for an essay to be graded
    GRADED = "graded"


class QuestionCategory(Base):
    __tablename__ = "quiz_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    questions: Mapped[list["Question"]] = relationship(back_populates="category", order_by="Question.position")


class Question(Base):
    __tablename__ = "quiz_questions"
    __table_args__ = (UniqueConstraint("category_id", "key", name="uq_quiz_questions_category_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("quiz_categories.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    current_number: Mapped[int] = mapped_column(Integer, default=1)
    # Archived: kept with its versions for the attempts that showed it, never laid out again.
    archived_at: Mapped[datetime | None]

    category: Mapped[QuestionCategory] = relationship(back_populates="questions")
    versions: Mapped[list["QuestionVersion"]] = relationship(back_populates="question",
                                                             order_by="QuestionVersion.number",
                                                             cascade="all, delete-orphan", passive_deletes=True)

    @property
    def ident(self) -> str:
        return f"{self.category.slug}/{self.key}"

    @property
    def current(self) -> "QuestionVersion":
        return next(v for v in self.versions if v.number == self.current_number)


class QuestionVersion(Base):
    __tablename__ = "quiz_question_versions"
    __table_args__ = (UniqueConstraint("question_id", "number", name="uq_quiz_question_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300), default="")
    points: Mapped[float] = mapped_column(Float, default=1.0)
    explanation: Mapped[str] = mapped_column(Text, default="")
    # The type's own fields: options / answer / answers / items / pairs / rubric.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]

    question: Mapped[Question] = relationship(back_populates="versions")


class Quiz(Base):
    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    pass_mark: Mapped[float] = mapped_column(Float, default=80.0)
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    attempts_allowed: Mapped[int] = mapped_column(Integer, default=0)  # 0 = unlimited
    grading: Mapped[str] = mapped_column(String(20), default=Grading.HIGHEST)
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=False)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=False)
    one_per_page: Mapped[bool] = mapped_column(Boolean, default=False)
    review_marks: Mapped[str] = mapped_column(String(20), default=ReviewWhen.AFTER_SUBMIT)
    review_answers: Mapped[str] = mapped_column(String(20), default=ReviewWhen.AFTER_SUBMIT)
    review_feedback: Mapped[str] = mapped_column(String(20), default=ReviewWhen.AFTER_SUBMIT)
    review_sources: Mapped[str] = mapped_column(String(20), default=ReviewWhen.AFTER_SUBMIT)
    open_at: Mapped[datetime | None]
    close_at: Mapped[datetime | None]

    slots: Mapped[list["QuizSlot"]] = relationship(back_populates="quiz", order_by="QuizSlot.position",
                                                   cascade="all, delete-orphan")


class QuizSlot(Base):
    """A fixed question, or `count` random questions from a category."""

    __tablename__ = "quiz_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_questions.id", ondelete="CASCADE"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_categories.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(Integer, default=1)

    quiz: Mapped[Quiz] = relationship(back_populates="slots")
    question: Mapped[Question | None] = relationship()
    category: Mapped[QuestionCategory | None] = relationship()


class Attempt(Base):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "account_id", "number", name="uq_quiz_attempts_number"),
        Index("ix_quiz_attempts_state_deadline", "state", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default=AttemptState.IN_PROGRESS)
    started_at: Mapped[datetime]
    deadline: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float, default=0.0)
    score_percent: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)

    quiz: Mapped[Quiz] = relationship()
    questions: Mapped[list["AttemptQuestion"]] = relationship(back_populates="attempt",
                                                              order_by="AttemptQuestion.position")


class AttemptQuestion(Base):
    """One question as shown in one attempt, with its response (sequence-numbered)."""

    __tablename__ = "quiz_attempt_questions"
    __table_args__ = (UniqueConstraint("attempt_id", "position", name="uq_quiz_attempt_questions_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(ForeignKey("quiz_question_versions.id"), index=True)
    # Display order of options / items / right-hand sides (indices into the version's lists).
    order: Mapped[list] = mapped_column(JSON, default=list)
    answer: Mapped[object | None] = mapped_column(JSON)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    saved_at: Mapped[datetime | None]
    fraction: Mapped[float | None] = mapped_column(Float)  # None: not graded yet (essay)
    feedback: Mapped[str] = mapped_column(Text, default="")
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))

    attempt: Mapped[Attempt] = relationship(back_populates="questions")
    version: Mapped[QuestionVersion] = relationship()


class QuizGrade(Base):
    """A person's grade on a quiz under its grading method."""

    __tablename__ = "quiz_grades"
    __table_args__ = (UniqueConstraint("quiz_id", "account_id", name="uq_quiz_grades_quiz_account"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    grade_percent: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime]


class QuizStats(Base):
    """Item statistics computed off the request path; `running_since` guards one run at a time."""

    __tablename__ = "quiz_stats"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), unique=True)
    computed_at: Mapped[datetime | None]
    running_since: Mapped[datetime | None]
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # The same per team ({"<team id>": {...}}) for managers; loaded only when read.
    teams: Mapped[dict] = mapped_column(JSON, default=dict, deferred=True)
