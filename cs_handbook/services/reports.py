"""The team dashboard's measures, a page of people at a time, in two queries.

A page costs the same few statements whatever the size of the team and of
the tables behind it: (1) the page of people with their team, sorted and
limited, the scope's head count as a column (no separate round trip); (2) one
statement for every measure of exactly those ids: enrolment (with its path's
items) and streak joined, quiz grades and drill reviews grouped per person,
done items and the month's failing transcripts per day gathered into one
string per person.
Every table is probed through its account index with the page's id list:
with a sub-select instead, PostgreSQL hash-joined whole tables. Few round
trips matter most when the database shares the machine's cores. Plain Core
rows, never ORM entities: at 100 rows the ORM's bookkeeping was most of the cost.
"""

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, String, and_, any_, bindparam, case, cast, func, literal, or_, select, union_all
from sqlalchemy.dialects.postgresql import ARRAY

from ..clock import Clock
from ..models.accounts import Account, Team
from ..models.drill import DrillReviewLog, DrillStreak
from ..models.qa import Evaluation
from ..models.quizzes import Quiz, QuizGrade
from ..models.training import Course, CourseItem, Enrolment, ItemKind, ItemProgress, PathStep, ProgressState
from ..zones import site_zone_name
from .qa import QAService
from .qa_ledger import compute_line
from .training import deadline

RETENTION_DAYS = 30
WEAK_BELOW = 0.7  # a topic answered right less often than this is shown as a weak point
PAGE_SIZE = 50
NO_TEAM = 0  # in a set of team ids: the people who belong to no team (team ids start at 1)


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    display_name: str
    team_id: int | None
    team_name: str | None
    timezone: str


@dataclass
class PersonRow:
    """One person's line on the team dashboard (None: nothing to measure yet)."""

    person: Person
    progress: int | None = None
    overdue: int = 0
    quiz_average: float | None = None
    pass_rate: float | None = None
    quizzes: int = 0
    streak: int = 0
    retention: float | None = None
    reviews: int = 0
    qa_points: int | None = None


class Choice(NamedTuple):
    """An entry of a pick list: a team (its name) or a quiz (its title)."""

    id: int
    name: str


@dataclass
class Page:
    """One page of a sorted list (people, or org report lines); `total` counts every page's rows."""

    rows: list
    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


# ASCII digits only (int() also takes "２０２６" or "٢٠٢٦"); years 1900-9998, so the next month is a date too.
_MONTH = re.compile(r"(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])", re.ASCII)


def parse_month(value: str) -> date | None:
    """The first day of the month "YYYY-MM" names, or None when it names none we can report on."""
    match = _MONTH.fullmatch(value)
    if match is None or value == "9999-12":
        return None
    return date(int(match[1]), int(match[2]), 1)


def month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


def in_teams(column, team_ids: set[int] | None):
    """`column` (a team id) within `team_ids`; NO_TEAM among them stands for NULL. None: no condition."""
    if team_ids is None:
        return None
    teams = team_ids - {NO_TEAM}
    conditions = [column.in_(teams)] if teams else []
    if NO_TEAM in team_ids:
        conditions.append(column.is_(None))
    return or_(*conditions) if conditions else column.in_({-1})


_PEOPLE = (Account.id, Account.username, Account.display_name, Account.team_id, Team.name, Team.timezone)
# Teams by name, the people of no team last, then names; the id makes the order total, so pages never overlap.
_ORDER = (case((Account.team_id.is_(None), 1), else_=0), Team.name, Account.team_id, Account.display_name, Account.id)


def _people_query(*columns):
    return (select(*_PEOPLE, *columns).select_from(Account).outerjoin(Team, Team.id == Account.team_id)
            .where(Account.is_active.is_(True)))


def _among(dialect: str):
    """A function making `column IN :ids` with the ids as ONE bound parameter.

    With one parameter per id (SQLAlchemy's expanding IN) every statement had
    a different text of several hundred parameters: SQLAlchemy re-rendered it,
    psycopg re-parsed it and PostgreSQL planned it anew, which cost more than
    running it. One array (PostgreSQL) or JSON list (SQLite's json_each) keeps
    the text constant, so each layer's cache (and PostgreSQL's prepared plan) holds.
    """
    if dialect == "postgresql":
        param = bindparam("ids", type_=ARRAY(Integer))
        return lambda column: column == any_(param)
    values = select(func.json_each(bindparam("ids", type_=String)).table_valued("value").c.value)
    return lambda column: column.in_(values)


def _ids_param(dialect: str, ids: list[int]):
    return ids if dialect == "postgresql" else json.dumps(ids)


def _qa_days(among):
    """Per agent: "day:failures,..." over the month's final evaluations (0 failures: evaluated, all passed).

    The ledger only needs how many transcripts failed on each day, so the
    database counts them and one string per person comes back.
    """
    failed = func.sum(case((Evaluation.passed.is_(False), 1), else_=0))
    per_day = (select(Evaluation.agent_id, Evaluation.day, failed.label("failures"))
               .where(among(Evaluation.agent_id), Evaluation.day >= bindparam("month_start"),
                      Evaluation.day < bindparam("month_end"), Evaluation.status == "final")
               .group_by(Evaluation.agent_id, Evaluation.day).subquery())
    text = cast(per_day.c.day, String) + literal(":") + cast(per_day.c.failures, String)
    return (select(per_day.c.agent_id, func.aggregate_strings(text, ",").label("days"))
            .group_by(per_day.c.agent_id).subquery())


@functools.cache
def _measures(dialect: str):
    """Every measure of the people `:ids` in one statement, built once per dialect (parameters:
    ids, since for drill retention, month_start and month_end for the QA ledger)."""
    among = _among(dialect)
    passed = func.sum(case((QuizGrade.passed.is_(True), 1), else_=0))
    grades = (select(QuizGrade.account_id, func.avg(QuizGrade.grade_percent).label("average"),
                     passed.label("passes"), func.count().label("quizzes"))
              .where(among(QuizGrade.account_id)).group_by(QuizGrade.account_id).subquery())
    correct = func.sum(case((DrillReviewLog.correct.is_(True), 1), else_=0))
    reviews = (select(DrillReviewLog.account_id, func.count().label("reviews"), correct.label("right"))
               .where(among(DrillReviewLog.account_id), DrillReviewLog.day >= bindparam("since"))
               .group_by(DrillReviewLog.account_id).subquery())
    done = (select(ItemProgress.account_id,
                   func.aggregate_strings(cast(ItemProgress.item_id, String), ",").label("done_items"))
            .where(among(ItemProgress.account_id), ItemProgress.state == ProgressState.DONE)
            .group_by(ItemProgress.account_id).subquery())
    days = _qa_days(among)
    # The enrolment's path: its required items of published courses,
    # "item:due_day:half_day:available:retired,..."; the same string for everyone on a path, so it is
    # parsed once (a round trip less than a query of its own). As in TrainingService.summary: a quiz item
    # is available once its quiz exists (nobody is behind on a quiz not written yet); a retired item
    # counts only for those who have it done.
    quiz_exists = select(Quiz.id).where(Quiz.slug == CourseItem.target).exists()
    available = case((CourseItem.kind != ItemKind.QUIZ, "1"), (quiz_exists, "1"), else_="0")
    retired = case((CourseItem.retired_at.is_(None), "0"), else_="1")
    item = (cast(CourseItem.id, String) + literal(":") + cast(PathStep.due_day, String) + literal(":")
            + PathStep.half_day + literal(":") + available + literal(":") + retired)
    # Built once per path these people are on (a handful), not once per person.
    on_paths = select(Enrolment.path_id).where(among(Enrolment.account_id))
    path_items = (select(PathStep.path_id, func.aggregate_strings(item, ",").label("on_path"))
                  .select_from(PathStep).join(Course, Course.id == PathStep.course_id)
                  .join(CourseItem, CourseItem.course_id == Course.id)
                  .where(PathStep.path_id.in_(on_paths), Course.published_at.is_not(None),
                         CourseItem.required.is_(True))
                  .group_by(PathStep.path_id).subquery())
    # The streak and enrolment tables are probed with the id list too: joined
    # on the account alone, PostgreSQL preferred scanning them whole.
    return (
        select(Account.id, Enrolment.path_id, Enrolment.start_date, Enrolment.finish_by, path_items.c.on_path,
               DrillStreak.current, DrillStreak.last_day, grades.c.average, grades.c.passes, grades.c.quizzes,
               reviews.c.reviews, reviews.c.right, done.c.done_items, days.c.days)
        .select_from(Account)
        .outerjoin(Enrolment, and_(Enrolment.account_id == Account.id, among(Enrolment.account_id)))
        .outerjoin(path_items, path_items.c.path_id == Enrolment.path_id)
        .outerjoin(DrillStreak, and_(DrillStreak.account_id == Account.id, among(DrillStreak.account_id)))
        .outerjoin(grades, grades.c.account_id == Account.id)
        .outerjoin(reviews, reviews.c.account_id == Account.id)
        .outerjoin(done, done.c.account_id == Account.id)
        .outerjoin(days, days.c.agent_id == Account.id)
        .where(among(Account.id)))


class PathItem(NamedTuple):
    item_id: int
    due_day: int
    half_day: str  # "am", "pm" or ""
    available: bool
    retired: bool


def _path_items(text: str | None) -> list[PathItem]:
    """The items of "item:due_day:half_day:available:retired,..." (half day may be "")."""
    if not text:
        return []
    return [PathItem(int(item), int(due_day), half_day, available == "1", retired == "1")
            for item, due_day, half_day, available, retired in (part.split(":") for part in text.split(","))]


def _id_set(text: str | None) -> set[int]:
    return {int(part) for part in text.split(",")} if text else set()


class ReportsService:
    def __init__(self, dbsession, clock: Clock, qa: QAService | None = None):
        self.dbsession = dbsession
        self.clock = clock
        self.qa = qa
        self._now_by_zone: dict[str, datetime] = {}  # a service lives for one request or one CLI run

    # -- scope -------------------------------------------------------------

    def teams(self, team_ids: set[int] | None) -> list:
        """(id, name) rows of these teams by name (None: every team); plain rows, as the filter lists them all."""
        return self.pick_lists(team_ids, quizzes=False)[0]

    def pick_lists(self, team_ids: set[int] | None, quizzes: bool = True) -> tuple[list, list]:
        """The dashboard's two lists, (id, name) of these teams and (id, title) of every quiz, by name.

        One round trip for both: on a page of a few statements each one counts.
        """
        teams = select(literal(0).label("kind"), Team.id, Team.name.label("title"))
        if team_ids is not None:
            teams = teams.where(in_teams(Team.id, team_ids))
        query = union_all(teams, select(literal(1), Quiz.id, Quiz.title)) if quizzes else teams
        found: tuple[list, list] = ([], [])
        for kind, item_id, title in self._connection().execute(query.order_by("kind", "title", "id")):
            found[kind].append(Choice(item_id, title))
        return found

    @staticmethod
    def ids_in(team_ids: set[int] | None):
        """A sub-select of the active people of these teams (None: every team)."""
        query = select(Account.id).where(Account.is_active.is_(True))
        if team_ids is not None:
            query = query.where(in_teams(Account.team_id, team_ids))
        return query

    def _connection(self):
        # Core on the session's own connection (same transaction): plain tuples, no ORM row processing.
        return self.dbsession.connection()

    # -- the dashboard -----------------------------------------------------

    def page(self, team_ids: set[int] | None, month: date, number: int = 1, size: int = PAGE_SIZE) -> Page:
        """Page `number` (from 1; past the end: the last page) of the people of these teams, measured."""
        # The head count as an uncorrelated sub-select, run once: as `count(*) OVER ()` it made the
        # database number every row of the scope before the LIMIT could keep its top 50 (every team,
        # 10,000 people: 10 ms on SQLite instead of 2.5; a team of 100: 0.20 ms instead of 0.15).
        head_count = select(func.count()).select_from(self.ids_in(team_ids).subquery()).scalar_subquery()
        query = _people_query(head_count).order_by(*_ORDER).limit(size)
        scope = in_teams(Account.team_id, team_ids)
        if scope is not None:
            query = query.where(scope)
        found = self._connection().execute(query.offset((number - 1) * size)).all()
        if not found and number > 1:
            total = self.dbsession.scalar(select(func.count()).select_from(self.ids_in(team_ids).subquery()))
            number = max(1, -(-total // size))
            found = self._connection().execute(query.offset((number - 1) * size)).all()
        total = found[0][-1] if found else 0
        return Page(self._measure([r[:-1] for r in found], month), number, total, size)

    def all_rows(self, team_ids: set[int] | None, month: date, chunk: int = 500) -> Iterator[PersonRow]:
        """Every person of these teams in the dashboard's order, measured a chunk at a time (exports)."""
        number = 1
        while True:
            page = self.page(team_ids, month, number, chunk)
            yield from page.rows
            if page.number >= page.pages:
                return
            number += 1

    def person_row(self, account_id: int, month: date) -> PersonRow | None:
        found = self._connection().execute(_people_query().where(Account.id == account_id)).all()
        rows = self._measure(found, month)
        return rows[0] if rows else None

    def rows_by_id(self, after_id: int, month: date, chunk: int = 500) -> list[PersonRow]:
        """The next `chunk` active people by id after `after_id`, every team and none (roll-ups)."""
        found = self._connection().execute(
            _people_query().where(Account.id > after_id).order_by(Account.id).limit(chunk)).all()
        return self._measure(found, month)

    def _measure(self, found, month: date) -> list[PersonRow]:
        if not found:
            return []
        # The site's zone stands in for the people without a team; looked up only if the page has
        # some (a team's page has none: a statement less).
        site_zone = site_zone_name(self.dbsession) if any(r[5] is None for r in found) else ""
        rows = {r[0]: PersonRow(Person(r[0], r[1], r[2], r[3], r[4], r[5] or site_zone)) for r in found}
        conn = self._connection()
        dialect = conn.dialect.name
        month_start, month_end = month_bounds(month)
        params = {"ids": _ids_param(dialect, list(rows)), "month_start": month_start, "month_end": month_end,
                  "since": self.clock.now().date() - timedelta(days=RETENTION_DAYS - 1)}
        enrolments, qa_days, paths = [], {}, {}
        for (account_id, path_id, start, finish_by, path_items, current, last_day, average, passes, quizzes, count,
             right, items, evaluated) in conn.execute(_measures(dialect), params):
            row = rows[account_id]
            if path_id is not None:
                if path_id not in paths:
                    paths[path_id] = _path_items(path_items)
                enrolments.append((row, path_id, start, finish_by, _id_set(items)))
            if current is not None:
                # A streak whose last day is before yesterday is already broken.
                local_today = self._local_now(row.person.timezone).date()
                row.streak = current if last_day is not None and last_day >= local_today - timedelta(days=1) else 0
            if quizzes:
                row.quiz_average = round(float(average), 1)
                row.pass_rate = round(100 * passes / quizzes, 1)
                row.quizzes = quizzes
            if count:
                row.reviews = count
                row.retention = round(100 * right / count, 1)
            if evaluated:
                qa_days[account_id] = evaluated
        self._onboarding(enrolments, paths)
        self._qa(qa_days, rows, month)
        return list(rows.values())

    def _local_now(self, zone: str) -> datetime:
        cached = self._now_by_zone.get(zone)
        if cached is None:
            cached = self._now_by_zone[zone] = self.clock.now().astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        return cached

    def _onboarding(self, enrolments: list[tuple[PersonRow, int, date, date | None, set[int]]],
                    items_by_path: dict[int, list[PathItem]]) -> None:
        """Progress and overdue items by TrainingService.summary's rules (its docstring), from the rows fetched."""
        # People on the same path with the same start and finish-by dates share their deadlines.
        deadlines: dict[tuple[int, date, date | None], list[tuple[PathItem, datetime]]] = {}
        for row, path_id, start, finish_by, finished in enrolments:
            items = deadlines.get((path_id, start, finish_by))
            if items is None:
                items = deadlines[(path_id, start, finish_by)] = [
                    (item, deadline(start + timedelta(days=item.due_day), item.half_day, finish_by))
                    for item in items_by_path[path_id]]
            now = self._local_now(row.person.timezone)
            total = done = overdue = 0
            for item, due in items:
                is_done = item.item_id in finished
                if item.retired and not is_done:
                    continue  # gone from the course for whoever never did it
                total += 1
                done += is_done
                overdue += not is_done and item.available and now >= due
            row.progress = int(100 * done / total) if total else 0
            row.overdue = overdue

    def _qa(self, qa_days: dict[int, str], rows: dict[int, PersonRow], month: date) -> None:
        # The ledger's own arithmetic (qa_ledger.compute_line) with the rules in
        # force that month, limited to these people: QAService.ledger scans the
        # whole month's evaluations to find who was evaluated, which a team page
        # cannot afford.
        if not qa_days or self.qa is None:
            return
        rules = self.qa.ledger_rules(month)
        for agent_id, text in qa_days.items():
            failing = []
            for part in text.split(","):
                day, failures = part.split(":")
                failing += [date.fromisoformat(day[:10])] * int(failures)
            rows[agent_id].qa_points = compute_line(agent_id, failing, rules).points


def factory(context, request):
    return ReportsService(request.dbsession, request.find_service(Clock), request.find_service(QAService))


def includeme(config):
    config.register_service_factory(factory, ReportsService)
