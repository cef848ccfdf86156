"""What trainers and managers see of the drill: leeches, items everyone fails, predicted recall per section."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import aliased

from ..models.accounts import Account, Grant, Scope, ScopedRole, Team
from ..models.documents import Document, DocumentSection
from ..models.drill import DrillCard, DrillItem, DrillReviewLog, ItemStatus
from .drill_queue import whole_days_since
from .drill_scheduler import scheduler_for


@dataclass
class HeatRow:
    account: Account
    cells: dict  # section -> (percent 0-100, cards) or None


LEECHES_PER_PAGE = 50


@dataclass
class LeechPage:
    rows: list  # (card, account) pairs
    page: int
    pages: int
    total: int


def leeches(dbsession, team_id: int | None = None, page: int = 1,
            per_page: int = LEECHES_PER_PAGE) -> LeechPage:
    """The held-back cards, most lapses first, of one team or everyone; a page past the end is the last one."""
    where: list[ColumnElement[bool]] = [DrillCard.leech.is_(True)]
    if team_id is not None:
        where.append(Account.team_id == team_id)
    total = dbsession.scalar(select(func.count()).select_from(DrillCard)
                             .join(Account, Account.id == DrillCard.account_id).where(*where))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = dbsession.execute(
        select(DrillCard, Account).join(Account, Account.id == DrillCard.account_id).where(*where)
        .order_by(DrillCard.lapses.desc(), DrillCard.id).limit(per_page).offset((page - 1) * per_page)).all()
    return LeechPage([tuple(r) for r in rows], page, pages, total)


def hardest_items(dbsession, min_people: int = 2, limit: int = 20) -> list[tuple[DrillItem, int, int, float]]:
    """(item, answers, people, wrong share) for items most people get wrong."""
    wrong = func.sum(case((DrillReviewLog.correct.is_(False), 1), else_=0))
    rows = dbsession.execute(
        select(DrillReviewLog.item_id, func.count(), func.count(DrillReviewLog.account_id.distinct()), wrong)
        .group_by(DrillReviewLog.item_id)
        .having(func.count(DrillReviewLog.account_id.distinct()) >= min_people)).all()
    ranked = sorted(((r[0], r[1], r[2], (r[3] or 0) / r[1]) for r in rows if r[3]), key=lambda r: -r[3])[:limit]
    items = {i.id: i for i in dbsession.scalars(select(DrillItem).where(DrillItem.id.in_([r[0] for r in ranked])))}
    return [(items[r[0]], r[1], r[2], r[3]) for r in ranked]


def items_needing_attention(dbsession) -> list[DrillItem]:
    return list(dbsession.scalars(select(DrillItem).where(DrillItem.status != ItemStatus.ACTIVE)
                                  .order_by(DrillItem.source_slug, DrillItem.id)))


def managed_teams(dbsession, account: Account) -> list[Team]:
    """Teams whose heat-map this person sees: all for admins, else those they hold a manager grant for."""
    if "admin" in account.global_roles:
        return list(dbsession.scalars(select(Team).order_by(Team.name)))
    ids = select(Grant.scope_id).where(Grant.account_id == account.id, Grant.role == ScopedRole.MANAGER,
                                       Grant.scope_type == Scope.TEAM)
    return list(dbsession.scalars(select(Team).where(Team.id.in_(ids)).order_by(Team.name)))


def heatmap(dbsession, team_ids: list[int], now) -> tuple[list[str], list[HeatRow]]:
    """Per person and handbook section (its title): mean predicted recall today of the cards reviewed
    at least once, and how many; worked out by the database, one row per person and section.

    A card's section is that of its source document (a document may be filed outside its folder), else
    the section whose folder the item names, else the folder itself.
    """
    people = list(dbsession.scalars(select(Account).where(Account.team_id.in_(team_ids), Account.is_active.is_(True))
                                    .order_by(Account.team_id, Account.username)))
    if not people:
        return [], []
    filed, folder = aliased(DocumentSection), aliased(DocumentSection)
    title = func.coalesce(filed.title, folder.title, DrillItem.section).label("title")
    order = func.min(func.coalesce(filed.order, folder.order, 1000)).label("position")
    stmt = (select(DrillCard.account_id, title, order, func.avg(_recall(dbsession, now)), func.count())
            .join(DrillItem, DrillItem.id == DrillCard.item_id)
            .outerjoin(Document, Document.slug == DrillItem.source_slug)
            .outerjoin(filed, filed.id == Document.section_id)
            .outerjoin(folder, folder.path == DrillItem.section)
            .where(DrillCard.account_id.in_([p.id for p in people]), DrillCard.last_review.is_not(None),
                   DrillCard.stability > 0)
            .group_by(DrillCard.account_id, title))
    cells: dict[tuple[int, str], tuple[int, int]] = {}
    positions: dict[str, int] = {}
    for account_id, section, position, recall, count in dbsession.execute(stmt):
        cells[(account_id, section)] = (round(100 * float(recall)), count)
        positions[section] = min(position, positions.get(section, position))
    sections = sorted(positions, key=lambda s: (positions[s], s))
    return sections, [HeatRow(p, {s: cells.get((p.id, s)) for s in sections}) for p in people]


def _recall(dbsession, now):
    """FSRS's forgetting curve (1 + F·t/S)^D as SQL, t the whole days since the last review (as `fsrs`)."""
    scheduler = scheduler_for(0.9)  # F and D are the model's, whatever the target retention
    elapsed = whole_days_since(DrillCard.last_review, now, dbsession.get_bind().dialect.name)
    elapsed = case((elapsed < 0, 0), else_=elapsed)
    return func.power(1.0 + scheduler._FACTOR * elapsed / DrillCard.stability, scheduler._DECAY)
