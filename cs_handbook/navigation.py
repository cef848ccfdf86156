"""The navigation bar: each entry names a route and the permission it needs.

Entries whose route is not registered yet are skipped, so an area can be
listed here before its pages exist.
"""

from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import cast

from markupsafe import Markup
from pyramid.interfaces import IRoutesMapper
from sqlalchemy import BindParameter, Select, select
from sqlalchemy.sql.visitors import replacement_traverse

from .i18n import _
from .permissions import Permission as P
from .resources import ROOT_ACL, Root


@dataclass(frozen=True)
class NavItem:
    route: str
    label: object
    permission: str
    group: str  # a key of GROUPS
    # A callable(request) -> int shown as a badge, for a count no single statement gives.
    badge: object = None
    # Better, the count as one Core statement of one integer column (the reader's account id
    # bound as `account_id` if it needs it): the navigation counts all of them in one round
    # trip, and the page cache in its own statement when it fills a page it shares.
    badge_query: Select | None = None

    @property
    def badged(self) -> bool:
        return self.badge is not None or self.badge_query is not None


# The bar's groups, in order, by what the reader is doing. A reader who sees entries of one group
# only (most staff) gets a plain row; anyone else sees each group under its name, so the twenty
# entries of an administrator read as five short lists (as Moodle groups its administration).
GROUPS: dict[str, object] = {
    "learn": _("Learn"),
    "author": _("Write"),
    "review": _("Reviewing"),
    "team": _("Team"),
    "admin": _("Administration"),
}

ITEMS: list[NavItem] = [
    NavItem("home", _("Home"), P.ACCOUNT_SELF, "learn"),
    NavItem("documents.index", _("Handbook"), P.DOCUMENTS_READ, "learn"),
    NavItem("training.mine", _("My onboarding"), P.TRAINING_LEARN, "learn"),
    NavItem("quizzes.index", _("Quizzes"), P.QUIZZES_TAKE, "learn"),
    NavItem("drill.today", _("Daily drill"), P.DRILL_PRACTISE, "learn"),
    NavItem("qa.mine", _("My QA results"), P.QA_OWN_VIEW, "learn"),
    NavItem("documents.mine", _("My documents"), P.DOCUMENTS_CREATE, "author"),
    NavItem("documents.new", _("New document"), P.DOCUMENTS_CREATE, "author"),
    NavItem("training.courses", _("Courses"), P.TRAINING_AUTHOR, "author"),
    NavItem("quizzes.bank", _("Question bank"), P.QUIZZES_AUTHOR, "author"),
    NavItem("drill.manage", _("Drill settings"), P.DRILL_MANAGE, "author"),
    NavItem("documents.review_queue", _("Review queue"), P.DOCUMENTS_REVIEW, "review"),
    NavItem("training.review", _("Course review"), P.DOCUMENTS_REVIEW, "review"),
    NavItem("qa.index", _("Quality"), P.QA_EVALUATE, "review"),
    NavItem("qa.ledger", _("Points ledger"), P.QA_LEDGER, "review"),
    NavItem("training.mentees", _("My mentees"), P.TRAINING_MENTOR, "team"),
    NavItem("training.team", _("Team onboarding"), P.TRAINING_MANAGE, "team"),
    NavItem("reports.team", _("Team dashboard"), P.REPORTS_TEAM, "team"),
    NavItem("drill.heatmap", _("Drill retention heat-map"), P.DRILL_TEAM_VIEW, "team"),
    NavItem("admin.accounts", _("Accounts"), P.ACCOUNTS_MANAGE, "admin"),
    NavItem("admin.audit", _("Audit log"), P.AUDIT_READ, "admin"),
    NavItem("admin.settings", _("Site settings"), P.SETTINGS_MANAGE, "admin"),
]


def register_badge(route: str, badge=None, *, query=None) -> None:
    """Attach a badge to the entry of `route` (called by the owning area): a callable(request) -> int,
    or better a statement (`NavItem.badge_query`), which also lets the page cache share the page."""
    for index, item in enumerate(ITEMS):
        if item.route == route:
            ITEMS[index] = NavItem(item.route, item.label, item.permission, item.group, badge, query)


def badge_columns(routes: tuple[str, ...], account_id) -> list:
    """The badges of `routes` as scalar subqueries (labelled b0, b1...), `account_id` put for the
    reader's id their areas' statements bind; each kept to its own tables (no correlation)."""
    queries = {item.route: item.badge_query for item in ITEMS if item.badge_query is not None}

    def put_account(element, **kw):
        return account_id if isinstance(element, BindParameter) and element.key == "account_id" else None

    def with_account(query: Select) -> Select:
        return query if account_id is None else cast(Select, replacement_traverse(query, {}, put_account))

    return [with_account(queries[route]).correlate(None).scalar_subquery().label(f"b{i}")
            for i, route in enumerate(routes)]


@lru_cache(maxsize=64)
def _badges_statement(items: tuple[NavItem, ...]) -> Select:
    # Keyed by the entries (their statements included), not their routes: an area registering its
    # badge again (a second app in the same process) gets a statement of its own.
    return select(*badge_columns(tuple(item.route for item in items), None))


def _badge_counts(request, items: list[NavItem]) -> dict[str, int]:
    """The badges of `items` that have a statement, counted in one round trip: {route: count}."""
    counted = tuple(item for item in items if item.badge_query is not None)
    if not counted:
        return {}
    identity = request.identity
    row = request.dbsession.execute(_badges_statement(counted),
                                    {"account_id": identity.id if identity else None}).one()
    return {item.route: count for item, count in zip(counted, row, strict=True)}


def badge_html(request, count) -> Markup:
    """The badge beside an entry: nothing for no count, else the number with what it means for a screen reader."""
    if not count:
        return Markup("")
    label = request.localizer.translate(_("${count} waiting", mapping={"count": count}))
    return Markup(' <span class="badge" aria-label="{}">{}</span>').format(label, count)


def items_for(request) -> list[dict]:
    # Once per request: the layout shows them, the page cache checks their badges.
    if "_nav_items" not in request.__dict__:
        request.__dict__["_nav_items"] = _items_for(request)
    return request.__dict__["_nav_items"]


# Which entries a reader sees, with their URLs, labels and group names, depends
# only on the principals the root ACL names, the language and the site address,
# so it is worked out once per combination; badges and "current" per request.
_ACL_PRINCIPALS = frozenset(ace[1] for ace in ROOT_ACL)
_visible: dict[tuple, list[tuple]] = {}


def visible_items(request) -> list[NavItem]:
    """The entries this reader sees (without computing their badges)."""
    return [item for item, *_shown in _visible_items(request)]


def _visible_items(request) -> list[tuple]:
    principals = request.identity.principals if request.identity is not None else ()
    key = (tuple(p for p in principals if p in _ACL_PRINCIPALS), request.locale_name, request.application_url,
           id(request.registry))
    found = _visible.get(key)
    if found is None:
        known = {route.name for route in request.registry.getUtility(IRoutesMapper).get_routes()}
        root = Root(request)
        seen = sorted((item for item in ITEMS if item.route in known and request.has_permission(item.permission, root)),
                      key=lambda item: list(GROUPS).index(item.group))
        named = len({item.group for item in seen}) > 1
        found = [(item, request.route_url(item.route), request.localizer.translate(item.label),
                  request.localizer.translate(GROUPS[item.group]) if named else None) for item in seen]
        if len(_visible) > 256:
            _visible.clear()
        _visible[key] = found
    return found


def _items_for(request) -> list[dict]:
    current = request.matched_route.name if request.matched_route is not None else None
    visible = _visible_items(request)
    counts = _badge_counts(request, [item for item, *_shown in visible])
    return [{"route": item.route, "url": url, "label": label, "group": group, "badged": item.badged,
             "badge": counts[item.route] if item.route in counts else item.badge(request) if item.badge else None,
             "current": current == item.route}
            for item, url, label, group in visible]


def groups_for(request) -> list[tuple]:
    """The reader's entries (`items_for`) as (group name, entries) in the bar's order; the name is
    None when the reader sees one group only."""
    return [(name, list(entries)) for name, entries in groupby(items_for(request), key=itemgetter("group"))]
