"""The audit log page, with filters."""

from datetime import UTC, date, datetime, time, timedelta

from pyramid.view import view_config

from ...i18n import _
from ...ids import parse_id
from ...permissions import Permission
from ...services.audit import AuditAction, AuditService

PAGE_SIZE = 50
FILTER_KEYS = ("action", "actor", "ip", "since", "until")


def _day_start(day: date, zone) -> datetime | None:
    """The first instant of `day` in `zone`, in UTC; None when the calendar cannot hold it."""
    try:
        return datetime.combine(day, time(), zone).astimezone(UTC)
    except (OverflowError, ValueError):
        return None  # 0001-01-01 east of UTC, 9999-12-31's next day: no bound


def _parse_filters(params, zone) -> tuple[dict, list]:
    """The search arguments from the query string, and the messages of what was not understood."""
    errors = []
    page = 1
    if params.get("page", ""):
        page = parse_id(params["page"])
        if page is None:
            errors.append(_("The page number is not valid."))
            page = 1
    bounds = {}
    for key, message in (("since", _("The start date is not valid (use YYYY-MM-DD).")),
                         ("until", _("The end date is not valid (use YYYY-MM-DD)."))):
        value = params.get(key, "")
        if not value:
            continue
        try:
            day = date.fromisoformat(value)
        except ValueError:
            errors.append(message)
            continue
        if key == "until":
            # Up to the end of that day: the start of the next one.
            day = day + timedelta(days=1) if day < date.max else None
        bounds[key] = _day_start(day, zone) if day is not None else None
    action = params.get("action", "")
    search = {
        "action": action if action in AuditAction.all() else None,
        "actor_name": params.get("actor", "").strip()[:64] or None,
        "ip": params.get("ip", "").strip()[:64] or None,
        "since": bounds.get("since"),
        "until": bounds.get("until"),
        "limit": PAGE_SIZE + 1,
        "offset": (page - 1) * PAGE_SIZE,
    }
    return {"page": page, "search": search}, errors


@view_config(route_name="admin.audit", renderer="admin/audit.jinja2", permission=Permission.AUDIT_READ,
             request_method="GET")
def audit_log(request):
    params = request.params
    parsed, errors = _parse_filters(params, UTC)
    filters = {k: params.get(k, "")[:64] for k in FILTER_KEYS}
    result = {"page": parsed["page"], "actions": AuditAction.all(), "filters": filters, "errors": errors}
    if errors:
        # A crafted or mistyped filter is answered with what was wrong, not with
        # a page of results it did not ask for.
        request.response.status_int = 400
        return {**result, "events": [], "has_next": False}
    events = request.find_service(AuditService).search(**parsed["search"])
    return {**result, "events": events[:PAGE_SIZE], "has_next": len(events) > PAGE_SIZE}
