"""Who may see whom, and the filters of every report page (team, month).

The rule is the QA ledger's, minus the QA role: admins see every team,
managers only the teams they hold `grant:manager:team:<id>` for.
"""

from datetime import date

from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden

from ...clock import Clock
from ...i18n import _
from ...models.accounts import GlobalRole, Team
from ...services.accounts import AccountService
from ...services.reports import NO_TEAM

NO_TEAM_PARAM = "none"


def visible_team_ids(request) -> set[int] | None:
    """None means every team (admins); managers see only the teams they manage."""
    identity = request.identity
    if identity.has_role(GlobalRole.ADMIN):
        return None
    return request.find_service(AccountService).managed_team_ids(identity.account)


def bad_request(request, message) -> HTTPBadRequest:
    return HTTPBadRequest(request.localizer.translate(message))


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
    if not value.isdigit():
        raise bad_request(request, _("The team must be a number."))
    team = next((t for t in visible_teams or () if t.id == int(value)), None)
    team = team or request.dbsession.get(Team, int(value))
    if team is None:
        raise bad_request(request, _("There is no team ${id}.", mapping={"id": value}))
    if visible is not None and team.id not in visible:
        raise HTTPForbidden()
    return {team.id}, team


def chosen_page(request) -> int:
    value = request.params.get("page", "1")
    if not value.isdigit() or not 0 < int(value) < 1_000_000:
        raise bad_request(request, _("The page must be a whole number from 1."))
    return int(value)


def chosen_month(request) -> date:
    value = request.params.get("month", "")
    if not value:
        return request.find_service(Clock).now().date().replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise bad_request(request, _("The month must look like 2026-03.")) from None


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
