"""What the admin's team and position lists show beside each row (people, role profile)."""

from dataclasses import dataclass

from sqlalchemy import func, select

from ..models.accounts import Account, Position, Team
from ..models.documents import Document, DocumentKind, DocumentVersion


@dataclass
class PositionRow:
    position: Position
    holders: int
    profile_slug: str | None  # the role profile document naming this position's code
    profile_title: str | None


def _active_counts(dbsession, column) -> dict[int, int]:
    return dict(dbsession.execute(
        select(column, func.count()).where(Account.is_active.is_(True), column.is_not(None)).group_by(column)).all())


def teams_with_counts(dbsession) -> list[tuple[Team, int]]:
    counts = _active_counts(dbsession, Account.team_id)
    return [(team, counts.get(team.id, 0)) for team in dbsession.scalars(select(Team).order_by(Team.name))]


def positions_with_profiles(dbsession) -> list[PositionRow]:
    """Positions by code, with their active holders and their role profile.

    A role profile names its position in its front matter (`position: cs-agent`);
    the published version counts, else the latest draft.
    """
    counts = _active_counts(dbsession, Account.position_id)
    current = func.coalesce(Document.published_version_id, Document.latest_version_id)
    profiles = {}
    for slug, title, data in dbsession.execute(
            select(Document.slug, Document.title, DocumentVersion.data)
            .join(DocumentVersion, DocumentVersion.id == current)
            .where(Document.kind == DocumentKind.ROLE).order_by(Document.slug)):
        code = (data or {}).get("position")
        if isinstance(code, str) and code not in profiles:
            profiles[code] = (slug, title)
    return [PositionRow(p, counts.get(p.id, 0), *profiles.get(p.code, (None, None)))
            for p in dbsession.scalars(select(Position).order_by(Position.code))]
