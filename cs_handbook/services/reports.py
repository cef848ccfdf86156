"""The team dashboard's measures, one query per measure over the whole team.

A dashboard of N people costs a fixed number of indexed queries, whatever N:
enrolments, path items, completed items, quiz grades, streaks, drill reviews
and the QA ledger are each read once for the people in scope and combined in
Python. Scopes are expressed as a sub-select of account ids by team, so the
database filters through the `accounts.team_id` index instead of a long
literal id list.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from ..clock import Clock
from ..models.accounts import Account, Team
from ..models.drill import DrillReviewLog, DrillStreak
from ..models.qa import Evaluation
from ..models.quizzes import QuizGrade
from ..models.training import Course, CourseItem, Enrolment, ItemProgress, PathStep, ProgressState
from .qa import QAService
from .qa_ledger import compute_line

RETENTION_DAYS = 30
WEAK_BELOW = 0.7  # a topic answered right less often than this is shown as a weak point


@dataclass
class PersonRow:
    """One person's line on the team dashboard (None: nothing to measure yet)."""

    account: Account
    progress: int | None = None
    overdue: int = 0
    quiz_average: float | None = None
    pass_rate: float | None = None
    quizzes: int = 0
    streak: int = 0
    retention: float | None = None
    reviews: int = 0
    qa_points: int | None = None


def month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


def _deadline(due: date, half_day: str) -> datetime:
    # The training area's rule: a morning item is due at noon, others by the end of the day.
    return datetime.combine(due, time(12)) if half_day == "am" else datetime.combine(due + timedelta(days=1), time(0))


class ReportsService:
    def __init__(self, dbsession, clock: Clock, qa: QAService | None = None):
        self.dbsession = dbsession
        self.clock = clock
        self.qa = qa
        self._now_by_zone: dict[str, datetime] = {}  # a service lives for one request or one CLI run

    # -- scope -------------------------------------------------------------

    def teams(self, team_ids: set[int] | None) -> list[Team]:
        query = select(Team).order_by(Team.name)
        if team_ids is not None:
            query = query.where(Team.id.in_(team_ids or {-1}))
        return list(self.dbsession.scalars(query))

    @staticmethod
    def ids_in(team_ids: set[int] | None, account_ids: set[int] | None = None):
        """A sub-select of the active people of these teams (None: every team)."""
        query = select(Account.id).where(Account.is_active.is_(True))
        if team_ids is not None:
            query = query.where(Account.team_id.in_(team_ids or {-1}))
        if account_ids is not None:
            query = query.where(Account.id.in_(account_ids or {-1}))
        return query

    def people(self, team_ids: set[int] | None, account_ids: set[int] | None = None) -> list[Account]:
        query = select(Account).where(Account.id.in_(self.ids_in(team_ids, account_ids)))
        return list(self.dbsession.scalars(query.order_by(Account.team_id, Account.display_name, Account.id)))

    # -- the dashboard -----------------------------------------------------

    def team_rows(self, team_ids: set[int] | None, month: date, account_ids: set[int] | None = None
                  ) -> list[PersonRow]:
        people = self.people(team_ids, account_ids)
        if not people:
            return []
        ids = self.ids_in(team_ids, account_ids)
        rows = {p.id: PersonRow(p) for p in people}
        self._onboarding(ids, rows)
        self._quizzes(ids, rows)
        self._drill(ids, rows)
        self._qa(ids, month, rows)
        return list(rows.values())

    def _local_now(self, account: Account) -> datetime:
        zone = account.team.timezone if account.team else "Asia/Shanghai"
        cached = self._now_by_zone.get(zone)
        if cached is None:
            cached = self._now_by_zone[zone] = self.clock.now().astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        return cached

    def _onboarding(self, ids, rows: dict[int, PersonRow]) -> None:
        enrolments = self.dbsession.execute(
            select(Enrolment.account_id, Enrolment.path_id, Enrolment.start_date).where(Enrolment.account_id.in_(ids))
        ).all()
        if not enrolments:
            return
        # Required items of published courses on each path, with their due day: a few dozen rows per path.
        items_by_path = defaultdict(list)
        for path_id, due_day, half_day, item_id in self.dbsession.execute(
            select(PathStep.path_id, PathStep.due_day, PathStep.half_day, CourseItem.id)
            .join(Course, Course.id == PathStep.course_id)
            .join(CourseItem, CourseItem.course_id == Course.id)
            .where(PathStep.path_id.in_({e.path_id for e in enrolments}), Course.published_at.is_not(None),
                   CourseItem.required.is_(True))
        ):
            items_by_path[path_id].append((item_id, due_day, half_day))
        done = defaultdict(set)
        for account_id, item_id in self.dbsession.execute(
            select(ItemProgress.account_id, ItemProgress.item_id)
            .where(ItemProgress.account_id.in_(ids), ItemProgress.state == ProgressState.DONE)
        ):
            done[account_id].add(item_id)
        # People starting the same day on the same path share their deadlines.
        deadlines: dict[tuple[int, date], list[tuple[int, datetime]]] = {}
        for account_id, path_id, start in enrolments:
            row = rows.get(account_id)
            if row is None:
                continue
            items = deadlines.get((path_id, start))
            if items is None:
                items = deadlines[(path_id, start)] = [
                    (item_id, _deadline(start + timedelta(days=due_day), half_day))
                    for item_id, due_day, half_day in items_by_path[path_id]]
            finished = done[account_id]
            now = self._local_now(row.account)
            count = sum(1 for item_id, _due in items if item_id in finished)
            row.progress = int(100 * count / len(items)) if items else 0
            row.overdue = sum(1 for item_id, due in items if item_id not in finished and now >= due)

    def _quizzes(self, ids, rows: dict[int, PersonRow]) -> None:
        passed = func.sum(case((QuizGrade.passed.is_(True), 1), else_=0))
        for account_id, average, passes, count in self.dbsession.execute(
            select(QuizGrade.account_id, func.avg(QuizGrade.grade_percent), passed, func.count())
            .where(QuizGrade.account_id.in_(ids)).group_by(QuizGrade.account_id)
        ):
            row = rows[account_id]
            row.quiz_average = round(float(average), 1)
            row.pass_rate = round(100 * passes / count, 1)
            row.quizzes = count

    def _drill(self, ids, rows: dict[int, PersonRow]) -> None:
        today = self.clock.now().date()
        for account_id, current, last_day in self.dbsession.execute(
            select(DrillStreak.account_id, DrillStreak.current, DrillStreak.last_day)
            .where(DrillStreak.account_id.in_(ids))
        ):
            # A streak whose last day is before yesterday is already broken.
            local_today = self._local_now(rows[account_id].account).date()
            alive = last_day is not None and last_day >= local_today - timedelta(days=1)
            rows[account_id].streak = current if alive else 0
        correct = func.sum(case((DrillReviewLog.correct.is_(True), 1), else_=0))
        since = today - timedelta(days=RETENTION_DAYS - 1)
        for account_id, count, right in self.dbsession.execute(
            select(DrillReviewLog.account_id, func.count(), correct)
            .where(DrillReviewLog.account_id.in_(ids), DrillReviewLog.day >= since)
            .group_by(DrillReviewLog.account_id)
        ):
            rows[account_id].reviews = count
            rows[account_id].retention = round(100 * right / count, 1)

    def _qa(self, ids, month: date, rows: dict[int, PersonRow]) -> None:
        # The ledger's own arithmetic (qa_ledger.compute_line) over one query
        # limited to these people: QAService.ledger scans the whole month's
        # evaluations to find who was evaluated, which a team page cannot afford.
        if self.qa is None:
            return
        start, end = month_bounds(month)
        failing = defaultdict(list)
        for agent_id, day, passed in self.dbsession.execute(
            select(Evaluation.agent_id, Evaluation.day, Evaluation.passed)
            .where(Evaluation.agent_id.in_(ids), Evaluation.day >= start, Evaluation.day < end,
                   Evaluation.status == "final")
        ):
            days = failing[agent_id]  # evaluated this month, even with no failure
            if passed is False:
                days.append(day)
        rules = self.qa.ledger_rules()
        for agent_id, days in failing.items():
            rows[agent_id].qa_points = compute_line(agent_id, days, rules).points


def factory(context, request):
    return ReportsService(request.dbsession, request.find_service(Clock), request.find_service(QAService))


def includeme(config):
    config.register_service_factory(factory, ReportsService)
