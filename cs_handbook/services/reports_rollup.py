"""Per-person roll-ups, refreshed off the request path, and the org-wide report read from them."""

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, insert, select

from ..models.accounts import Team
from ..models.reports import PersonRollup
from .reports import ReportsService


@dataclass
class RollupResult:
    people: int
    teams: int
    seconds: float


def refresh(service: ReportsService, month: date, progress=None) -> RollupResult:
    """Recompute every team's rows (one team at a time, bounded memory) and replace the roll-up table."""
    started = time.monotonic()
    teams = service.teams(None)
    if progress:
        progress.start("rollup", len(teams))
    now = service.clock.now()
    service.dbsession.execute(delete(PersonRollup))
    people = 0
    for team in teams:
        rows = service.team_rows({team.id}, month)
        if rows:
            service.dbsession.execute(insert(PersonRollup), [
                {"account_id": r.account.id, "team_id": team.id, "progress_percent": r.progress,
                 "overdue": r.overdue, "quiz_average": r.quiz_average, "quiz_pass_rate": r.pass_rate,
                 "streak": r.streak, "retention": r.retention, "qa_points": r.qa_points, "computed_at": now}
                for r in rows])
        people += len(rows)
        # Drop the loaded accounts: at 10,000 staff the identity map would otherwise keep them all.
        service.dbsession.expunge_all()
        if progress:
            progress.step(team.name)
    return RollupResult(people, len(teams), time.monotonic() - started)


@dataclass
class OrgLine:
    team_id: int
    team: str
    people: int
    progress: float | None
    overdue: int
    quiz_average: float | None
    pass_rate: float | None
    retention: float | None
    qa_points: float | None


def _round(value):
    return None if value is None else round(float(value), 1)


def org_report(dbsession) -> tuple[list[OrgLine], object]:
    """One line per team from the roll-ups, and when they were computed (None: never)."""
    rows = dbsession.execute(
        select(PersonRollup.team_id, Team.name, func.count(), func.avg(PersonRollup.progress_percent),
               func.sum(PersonRollup.overdue), func.avg(PersonRollup.quiz_average),
               func.avg(PersonRollup.quiz_pass_rate), func.avg(PersonRollup.retention),
               func.avg(PersonRollup.qa_points))
        .join(Team, Team.id == PersonRollup.team_id)
        .group_by(PersonRollup.team_id, Team.name).order_by(Team.name)).all()
    computed = dbsession.scalar(select(func.max(PersonRollup.computed_at)))
    return [OrgLine(r[0], r[1], r[2], _round(r[3]), int(r[4] or 0), _round(r[5]), _round(r[6]), _round(r[7]),
                    _round(r[8])) for r in rows], computed
