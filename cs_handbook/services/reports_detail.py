"""One person's results by topic (quiz categories, drill sections, QA criteria), and one quiz's attempts."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select

from ..models.accounts import Account
from ..models.drill import DrillItem, DrillReviewLog
from ..models.qa import CRITERIA, Evaluation
from ..models.quizzes import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    Question,
    QuestionCategory,
    QuestionVersion,
    Quiz,
    QuizGrade,
)
from .reports import RETENTION_DAYS, WEAK_BELOW, ReportsService, month_bounds


@dataclass
class Topic:
    """A quiz category or a drill source section, with the share answered right (0-100)."""

    title: str
    answered: int
    right_percent: float

    @property
    def weak(self) -> bool:
        return self.right_percent < WEAK_BELOW * 100


def quiz_topics(dbsession, account_id: int) -> list[Topic]:
    """Graded answers of the person by question category, weakest first."""
    rows = dbsession.execute(
        select(QuestionCategory.title, func.count(AttemptQuestion.id), func.avg(AttemptQuestion.fraction))
        .select_from(AttemptQuestion)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .join(QuestionCategory, QuestionCategory.id == Question.category_id)
        .where(Attempt.account_id == account_id, Attempt.state != AttemptState.IN_PROGRESS,
               AttemptQuestion.fraction.is_not(None))
        .group_by(QuestionCategory.id, QuestionCategory.title)
    ).all()
    topics = [Topic(title, count, round(100 * float(avg), 1)) for title, count, avg in rows]
    return sorted(topics, key=lambda t: (t.right_percent, t.title))


def drill_topics(dbsession, account_id: int, today: date) -> list[Topic]:
    """Drill reviews of the last RETENTION_DAYS days by source document section, weakest first."""
    right = func.sum(case((DrillReviewLog.correct.is_(True), 1), else_=0))
    rows = dbsession.execute(
        select(DrillItem.source_title, DrillItem.section, func.count(), right)
        .select_from(DrillReviewLog)
        .join(DrillItem, DrillItem.id == DrillReviewLog.item_id)
        .where(DrillReviewLog.account_id == account_id,
               DrillReviewLog.day >= today - timedelta(days=RETENTION_DAYS - 1))
        .group_by(DrillItem.source_title, DrillItem.section)
    ).all()
    topics = [Topic(" — ".join(p for p in (source, section) if p), count, round(100 * hits / count, 1))
              for source, section, count, hits in rows]
    return sorted(topics, key=lambda t: (t.right_percent, t.title))


@dataclass
class FailedEvaluation:
    id: int
    day: date
    failed: list[str]  # criterion names, in the scorecard's order


@dataclass
class QAMonth:
    """One agent's final evaluations of a month: how many, the failed ones, and each criterion as a topic."""

    evaluated: int = 0
    failed: list[FailedEvaluation] = field(default_factory=list)
    criteria: list[Topic] = field(default_factory=list)  # titled by criterion name, weakest first


def qa_month(dbsession, account_id: int, month: date) -> QAMonth:
    """The person's final evaluations in `month`, criterion by criterion.

    A criterion counts as failed only on an evaluation that still stands as
    failed: a dispute the evaluator accepted clears the whole evaluation (as
    it does in the ledger), so its criteria count as met.
    """
    start, end = month_bounds(month)
    rows = dbsession.execute(
        select(Evaluation.id, Evaluation.day, Evaluation.passed, Evaluation.criteria)
        .where(Evaluation.agent_id == account_id, Evaluation.status == "final", Evaluation.day >= start,
               Evaluation.day < end)
        .order_by(Evaluation.day.desc(), Evaluation.id.desc())).all()
    result = QAMonth(evaluated=len(rows))
    misses = dict.fromkeys(CRITERIA, 0)
    for evaluation_id, day, passed, criteria in rows:
        if passed is not False:
            continue
        failed = [name for name in CRITERIA if not (criteria or {}).get(name, {}).get("ok", True)]
        for name in failed:
            misses[name] += 1
        result.failed.append(FailedEvaluation(evaluation_id, day, failed))
    if rows:
        topics = [Topic(name, len(rows), round(100 * (len(rows) - misses[name]) / len(rows), 1)) for name in CRITERIA]
        # Weakest first; ties in the scorecard's order (sorted is stable).
        result.criteria = sorted(topics, key=lambda topic: topic.right_percent)
    return result


def quiz_grades(dbsession, account_id: int) -> list[tuple[Quiz, QuizGrade]]:
    return list(dbsession.execute(
        select(Quiz, QuizGrade).join(QuizGrade, QuizGrade.quiz_id == Quiz.id)
        .where(QuizGrade.account_id == account_id).order_by(Quiz.title)).all())


@dataclass
class QuizReport:
    quiz: Quiz
    attempts: list[tuple[Attempt, Account]]

    @property
    def finished(self) -> list[Attempt]:
        return [a for a, _ in self.attempts if a.score_percent is not None]

    @property
    def people(self) -> int:
        return len({account.id for _, account in self.attempts})

    @property
    def pass_rate(self) -> float | None:
        finished = self.finished
        return round(100 * sum(1 for a in finished if a.passed) / len(finished), 1) if finished else None

    @property
    def average(self) -> float | None:
        scores = [a.score_percent for a in self.finished if a.score_percent is not None]
        return round(sum(scores) / len(scores), 1) if scores else None


def quiz_report(dbsession, quiz: Quiz, team_ids: set[int] | None) -> QuizReport:
    """Every attempt at the quiz by the active people of these teams (None: all teams)."""
    rows = dbsession.execute(
        select(Attempt, Account).join(Account, Account.id == Attempt.account_id)
        .where(Attempt.quiz_id == quiz.id, Attempt.account_id.in_(ReportsService.ids_in(team_ids)))
        .order_by(Account.display_name, Account.id, Attempt.number)).all()
    return QuizReport(quiz, [tuple(r) for r in rows])
