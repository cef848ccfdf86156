"""The audit log page, with filters."""

from datetime import UTC, date, datetime, time, timedelta

from pyramid.view import view_config

from ...clock import Clock
from ...i18n import _
from ...ids import parse_id
from ...permissions import Permission
from ...services.accounts import AccountService
from ...services.audit import AuditAction, AuditService
from ...zones import site_zone
from .audit_text import AuditText, action_title

PAGE_SIZE = 50
FILTER_KEYS = ("action", "actor", "target", "ip", "since", "until")


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
        asked = parse_id(params["page"])
        if asked is None:
            errors.append(_("The page number is not valid."))
        else:
            page = asked
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
        bound: date | None = day
        if key == "until":
            # Up to the end of that day: the start of the next one.
            bound = day + timedelta(days=1) if day < date.max else None
        bounds[key] = _day_start(bound, zone) if bound is not None else None
    target = None
    if params.get("target", ""):
        target = parse_id(params["target"])
        if target is None:
            errors.append(_("Choose an account from the list."))
    action = params.get("action", "")
    search = {
        "action": action if action in AuditAction.all() else None,
        "actor_name": params.get("actor", "").strip()[:64] or None,
        "ip": params.get("ip", "").strip()[:64] or None,
        "target_account_id": target,
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
    # Events are stored in UTC; the log shows and filters them in the site's zone.
    zone = site_zone(request.dbsession)
    parsed, errors = _parse_filters(params, zone)
    filters = {k: params.get(k, "")[:64] for k in FILTER_KEYS}
    now = request.find_service(Clock).now().astimezone(zone)
    result = {
        "page": parsed["page"],
        "actions": sorted(((a, request.localizer.translate(action_title(a))) for a in AuditAction.all()),
                          key=lambda pair: pair[1]),
        "accounts": request.find_service(AccountService).names(),
        "filters": filters,
        "errors": errors,
        "zone": zone.key,
        "utc_offset": now.strftime("%z")[:3] + ":" + now.strftime("%z")[3:],
    }
    if errors:
        # A crafted or mistyped filter is answered with what was wrong, not with
        # a page of results it did not ask for.
        request.response.status_int = 400
        return {**result, "events": [], "has_next": False}
    events = request.find_service(AuditService).search(**parsed["search"])[:PAGE_SIZE + 1]
    text = AuditText(request, events[:PAGE_SIZE])
    rows = [{**text.describe(event), "at": event.at.astimezone(zone)} for event in events[:PAGE_SIZE]]
    return {**result, "events": rows, "has_next": len(events) > PAGE_SIZE}
