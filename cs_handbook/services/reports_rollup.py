"""Per-person roll-ups, refreshed off the request path, and the org-wide report read from them."""

import time
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, case, delete, func, insert, select, true

from ..models.accounts import Team
from ..models.reports import PersonRollup, TeamRollup
from .reports import PAGE_SIZE, Page, ReportsService, in_teams

CHUNK = 500


@dataclass
class RollupResult:
    people: int
    teams: int
    seconds: float


def refresh(service: ReportsService, month: date, progress=None) -> RollupResult:
    """Recompute every active person's row, people of no team included, then every team's; replace both tables.

    People are measured a chunk at a time in id order (bounded memory, the
    dashboard's own queries), so the figures are the dashboard's; the team
    lines are averaged from them by the database.
    """
    started = time.monotonic()
    session = service.dbsession  # writes through the session, so the transaction manager sees them
    total = session.scalar(select(func.count()).select_from(service.ids_in(None).subquery()))
    if progress:
        progress.start("rollup", total)
    now = service.clock.now()
    session.execute(delete(TeamRollup))
    session.execute(delete(PersonRollup))
    people, after = 0, 0
    teams: set[int] = set()
    while rows := service.rows_by_id(after, month, CHUNK):
        session.execute(insert(PersonRollup), [
            {"account_id": r.person.id, "team_id": r.person.team_id, "progress_percent": r.progress,
             "overdue": r.overdue, "quiz_average": r.quiz_average, "quiz_pass_rate": r.pass_rate,
             "streak": r.streak, "retention": r.retention, "qa_points": r.qa_points, "month": month,
             "computed_at": now}
            for r in rows])
        people += len(rows)
        teams.update(r.person.team_id for r in rows if r.person.team_id is not None)
        after = rows[-1].person.id
        if progress:
            progress.step(n=len(rows))
    p = PersonRollup
    session.execute(insert(TeamRollup).from_select(
        ["team_id", "people", "progress_percent", "overdue", "quiz_average", "quiz_pass_rate", "retention",
         "qa_points", "month", "computed_at"],
        select(p.team_id, func.count(), func.avg(p.progress_percent), func.coalesce(func.sum(p.overdue), 0),
               func.avg(p.quiz_average), func.avg(p.quiz_pass_rate), func.avg(p.retention), func.avg(p.qa_points),
               bindparam("month", month, type_=TeamRollup.__table__.c.month.type),
               bindparam("now", now, type_=TeamRollup.__table__.c.computed_at.type))
        .group_by(p.team_id)))
    return RollupResult(people, len(teams), time.monotonic() - started)


@dataclass(frozen=True)
class RollupStamp:
    """Which month a refresh measured (its QA points) and when it ran."""

    month: date
    computed_at: datetime


@dataclass
class OrgLine:
    team_id: int | None  # None: the people of no team
    team: str | None
    people: int
    progress: float | None
    overdue: int
    quiz_average: float | None
    pass_rate: float | None
    retention: float | None
    qa_points: float | None


def _round(value):
    return None if value is None else round(float(value), 1)


def org_report(dbsession, team_ids: set[int] | None = None, number: int = 1, size: int = PAGE_SIZE
               ) -> tuple[Page, RollupStamp | None]:
    """One line per team from the team roll-ups (teams by name, no team last), a page at a time, and the
    month and time of the refresh (None: never run). `team_ids` limits the lines (NO_TEAM: the people of no team)."""
    t = TeamRollup
    query = (
        select(t.team_id, Team.name, t.people, t.progress_percent, t.overdue, t.quiz_average, t.quiz_pass_rate,
               t.retention, t.qa_points, t.month, t.computed_at, func.count().over())
        .select_from(t).outerjoin(Team, Team.id == t.team_id)
        .order_by(case((t.team_id.is_(None), 1), else_=0), Team.name, t.team_id)
        .limit(size))
    scope = in_teams(t.team_id, team_ids)
    if scope is not None:
        query = query.where(scope)
    rows = dbsession.execute(query.offset((number - 1) * size)).all()
    if not rows and number > 1:
        total = dbsession.scalar(select(func.count()).select_from(t).where(true() if scope is None else scope))
        number = max(1, -(-total // size))
        rows = dbsession.execute(query.offset((number - 1) * size)).all()
    lines = [OrgLine(r[0], r[1], r[2], _round(r[3]), int(r[4] or 0), _round(r[5]), _round(r[6]), _round(r[7]),
                     _round(r[8])) for r in rows]
    # A refresh replaces every row at once: any row tells the month and time (none in scope: ask the table).
    stamp = rows[0][9:11] if rows else dbsession.execute(select(t.month, t.computed_at).limit(1)).first()
    return Page(lines, number, rows[0][-1] if rows else 0, size), RollupStamp(*stamp) if stamp else None
