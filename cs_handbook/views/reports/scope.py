"""Who may see whom, and the filters of every report page (team, month).

The rule is the QA ledger's, minus the QA role: admins see every team,
managers only the teams they hold `grant:manager:team:<id>` for.
"""

from datetime import date

from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPNotFound

from ...clock import Clock
from ...i18n import _
from ...ids import parse_id
from ...models.accounts import GlobalRole, Team
from ...services.accounts import AccountService
from ...services.reports import NO_TEAM, parse_month

NO_TEAM_PARAM = "none"


def visible_team_ids(request) -> set[int] | None:
    """None means every team (admins); managers see only the teams they manage."""
    identity = request.identity
    if identity.has_role(GlobalRole.ADMIN):
        return None
    return request.find_service(AccountService).managed_team_ids(identity.account)


def bad_request(request, message) -> HTTPBadRequest:
    return HTTPBadRequest(request.localizer.translate(message))


def route_object(request, model, key: str):
    """The `model` row whose id is the route's `key`, or a 404 (the pattern's \\d also matches "١٢")."""
    found_id = parse_id(request.matchdict[key])
    found = request.dbsession.get(model, found_id) if found_id is not None else None
    if found is None:
        raise HTTPNotFound()
    return found


def chosen_teams(request, visible_teams: list[Team] | None = None) -> tuple[set[int] | None, Team | None]:
    """The team ids a page reports on: the `team` filter if given (checked), else every visible team.

    `team=none` (admins only: a manager's people all have a team) is the people of no team.
    `visible_teams`, when the page has loaded them anyway, saves looking the team up again.
    """
    visible = visible_team_ids(request)
    value = request.params.get("team", "")
    if not value:
        return visible, None
    if value == NO_TEAM_PARAM:
        if visible is not None:
            raise HTTPForbidden()
        return {NO_TEAM}, None
    team_id = parse_id(value)
    if team_id is None:
        # parse_id, not isdigit(): "²" or 20 digits would fail in int() or overflow PostgreSQL's integer.
        raise bad_request(request, _("The team must be a number."))
    team = next((t for t in visible_teams or () if t.id == team_id), None)
    team = team or request.dbsession.get(Team, team_id)
    if team is None:
        raise bad_request(request, _("There is no team ${id}.", mapping={"id": value}))
    if visible is not None and team.id not in visible:
        raise HTTPForbidden()
    return {team.id}, team


MAX_PAGE = 999_999


def chosen_page(request) -> int:
    number = parse_id(request.params.get("page", "1"))
    if number is None or number > MAX_PAGE:
        raise bad_request(request, _("The page must be a whole number from 1."))
    return number


def chosen_month(request) -> date:
    value = request.params.get("month", "")
    if not value:
        return request.find_service(Clock).now().date().replace(day=1)
    month = parse_month(value)
    if month is None:
        raise bad_request(request, _("The month must look like 2026-03."))
    return month


def may_see_person(request, person) -> bool:
    visible = visible_team_ids(request)
    return visible is None or (person.team_id is not None and person.team_id in visible)


def may_see_org(request) -> bool:
    """The org-wide report: admins, and managers who manage every team."""
    visible = visible_team_ids(request)
    if visible is None:
        return True
    from sqlalchemy import select

    every = set(request.dbsession.scalars(select(Team.id)))
    return bool(every) and every <= visible
