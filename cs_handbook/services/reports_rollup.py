"""Per-person roll-ups, refreshed off the request path, and the org-wide report read from them."""

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, delete, func, insert, select, true

from ..models.accounts import Team
from ..models.reports import PersonRollup
from .reports import NO_TEAM, PAGE_SIZE, Page, ReportsService, in_teams

CHUNK = 500


@dataclass
class RollupResult:
    people: int
    teams: int
    seconds: float


def refresh(service: ReportsService, month: date, progress=None) -> RollupResult:
    """Recompute every active person's row, people of no team included, and replace the roll-up table.

    People are measured a chunk at a time in id order (bounded memory, the
    dashboard's own queries), so the figures are the dashboard's.
    """
    started = time.monotonic()
    session = service.dbsession  # writes through the session, so the transaction manager sees them
    total = session.scalar(select(func.count()).select_from(service.ids_in(None).subquery()))
    if progress:
        progress.start("rollup", total)
    now = service.clock.now()
    session.execute(delete(PersonRollup))
    people, teams, after = 0, set(), 0
    while rows := service.rows_by_id(after, month, CHUNK):
        session.execute(insert(PersonRollup), [
            {"account_id": r.person.id, "team_id": r.person.team_id, "progress_percent": r.progress,
             "overdue": r.overdue, "quiz_average": r.quiz_average, "quiz_pass_rate": r.pass_rate,
             "streak": r.streak, "retention": r.retention, "qa_points": r.qa_points, "computed_at": now}
            for r in rows])
        people += len(rows)
        teams.update(r.person.team_id for r in rows if r.person.team_id is not None)
        after = rows[-1].person.id
        if progress:
            progress.step(n=len(rows))
    return RollupResult(people, len(teams), time.monotonic() - started)


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
               ) -> tuple[Page, object]:
    """One line per team from the roll-ups (teams by name, no team last), a page at a time, and when
    they were computed (None: never). `team_ids` limits the lines (NO_TEAM: the people of no team)."""
    query = (
        select(PersonRollup.team_id, Team.name, func.count(), func.avg(PersonRollup.progress_percent),
               func.sum(PersonRollup.overdue), func.avg(PersonRollup.quiz_average),
               func.avg(PersonRollup.quiz_pass_rate), func.avg(PersonRollup.retention),
               func.avg(PersonRollup.qa_points), func.count().over())
        .select_from(PersonRollup).outerjoin(Team, Team.id == PersonRollup.team_id)
        .group_by(PersonRollup.team_id, Team.name)
        .order_by(case((PersonRollup.team_id.is_(None), 1), else_=0), Team.name, PersonRollup.team_id)
        .limit(size))
    scope = in_teams(PersonRollup.team_id, team_ids)
    if scope is not None:
        query = query.where(scope)
    rows = dbsession.execute(query.offset((number - 1) * size)).all()
    if not rows and number > 1:
        total = dbsession.scalar(select(func.count(func.distinct(func.coalesce(PersonRollup.team_id, NO_TEAM))))
                                 .where(true() if scope is None else scope))
        number = max(1, -(-total // size))
        rows = dbsession.execute(query.offset((number - 1) * size)).all()
    computed = dbsession.scalar(select(func.max(PersonRollup.computed_at)))
    lines = [OrgLine(r[0], r[1], r[2], _round(r[3]), int(r[4] or 0), _round(r[5]), _round(r[6]), _round(r[7]),
                     _round(r[8])) for r in rows]
    return Page(lines, number, rows[0][-1] if rows else 0, size), computed
