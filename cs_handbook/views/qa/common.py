"""What the QA pages share: the month asked for, whose people a reader sees, the home panel and the badge."""

import re
from datetime import date

from pyramid.httpexceptions import HTTPBadRequest

from ...clock import Clock
from ...i18n import _
from ...models.accounts import GlobalRole
from ...permissions import Permission
from ...resources import Root
from ...services.accounts import AccountService
from ...services.qa import QAService

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def bad_request(request, message) -> HTTPBadRequest:
    return HTTPBadRequest(request.localizer.translate(message))


def chosen_month(request) -> date:
    """The `month` parameter (YYYY-MM), this month when absent; a 400 when it names no month."""
    value = request.params.get("month", "")
    if not value:
        return request.find_service(Clock).now().date().replace(day=1)
    match = _MONTH.fullmatch(value)
    if match is None or not 2000 <= int(match[1]) <= 2100:
        raise bad_request(request, _("The month must look like 2026-03."))
    return date(int(match[1]), int(match[2]), 1)


def visible_team_ids(request) -> set[int] | None:
    """None means every team (QA and admins); managers see only the teams they manage."""
    identity = request.identity
    if identity.has_role(GlobalRole.ADMIN) or identity.has_role(GlobalRole.QA):
        return None
    return request.find_service(AccountService).managed_team_ids(identity.account)


def is_evaluator(request) -> bool:
    return request.has_permission(Permission.QA_EVALUATE, Root(request))


def home_panel(request):
    if not request.is_authenticated:
        return None
    service = request.find_service(QAService)
    if is_evaluator(request):
        waiting, disputes = service.panel_counts(request.identity.id)
        return {"title": _("Transcript quality"), "template": "qa/_panel.jinja2", "evaluator": True,
                "waiting": waiting, "disputes": disputes}
    month = request.find_service(Clock).now().date().replace(day=1)
    found = service.month_panel(request.identity.id, month)
    if found is None:
        return None  # no scored transcripts this month: nothing to say yet
    line, rules = found
    return {"title": _("My QA points"), "template": "qa/_panel.jinja2", "evaluator": False, "line": line,
            "rules": rules, "month": month}
