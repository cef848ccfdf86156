"""Roll-ups of the reports area: one summary row per person and one per team, refreshed off the request path.

The org-wide report reads only the team rows (a few hundred at most), so it
costs one small query whatever the number of people and answers behind them.
The extra indexes at the end serve the team dashboard's per-measure queries.
"""

from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .drill import DrillReviewLog
from .meta import Base
from .qa import Evaluation
from .quizzes import QuizGrade
from .training import ItemProgress


class PersonRollup(Base):
    __tablename__ = "report_person_rollups"
    __table_args__ = (Index("ix_report_person_rollups_team", "team_id"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[int | None] = mapped_column(Integer)
    progress_percent: Mapped[float | None] = mapped_column(Float)  # None: not enrolled
    overdue: Mapped[int] = mapped_column(Integer, default=0)
    quiz_average: Mapped[float | None] = mapped_column(Float)
    quiz_pass_rate: Mapped[float | None] = mapped_column(Float)
    streak: Mapped[int] = mapped_column(Integer, default=0)
    retention: Mapped[float | None] = mapped_column(Float)
    qa_points: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[date]  # the first day of the month the QA points belong to
    computed_at: Mapped[datetime]


class TeamRollup(Base):
    """One team's averages over its people's roll-ups; team_id None: the people of no team."""

    __tablename__ = "report_team_rollups"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int | None] = mapped_column(Integer)
    people: Mapped[int] = mapped_column(Integer)
    progress_percent: Mapped[float | None] = mapped_column(Float)
    overdue: Mapped[int] = mapped_column(Integer, default=0)
    quiz_average: Mapped[float | None] = mapped_column(Float)
    quiz_pass_rate: Mapped[float | None] = mapped_column(Float)
    retention: Mapped[float | None] = mapped_column(Float)
    qa_points: Mapped[float | None] = mapped_column(Float)
    month: Mapped[date]  # the first day of the month the QA points belong to
    computed_at: Mapped[datetime]


# Covering indexes for the dashboard's per-team measures, owned here: the
# quiz area's unique (quiz_id, account_id) cannot serve "all grades of these
# people", and the drill and QA indexes leave a table lookup per row (a
# 100-person team's month of reviews went from 11 ms to 0.4 ms on SQLite).
Index("ix_report_quiz_grades_account", QuizGrade.account_id, QuizGrade.grade_percent, QuizGrade.passed)
Index("ix_report_drill_review_logs_cover", DrillReviewLog.account_id, DrillReviewLog.day, DrillReviewLog.correct)
Index("ix_report_qa_evaluations_cover", Evaluation.agent_id, Evaluation.day, Evaluation.status, Evaluation.passed)
Index("ix_report_item_progress_cover", ItemProgress.account_id, ItemProgress.state, ItemProgress.item_id)
