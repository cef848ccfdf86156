"""Roll-ups of the reports area: one summary row per person, refreshed off the request path.

The org-wide report reads only these rows, so it costs one grouped query
whatever the number of answers behind them. The extra index on quiz grades
serves the team dashboard's "quiz average per person" query.
"""

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base
from .quizzes import QuizGrade


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
    computed_at: Mapped[datetime]


# The quiz area's unique (quiz_id, account_id) cannot serve "all grades of
# these people"; this index, owned here, can.
Index("ix_report_quiz_grades_account", QuizGrade.account_id)
