"""The audit log page, with filters."""

from datetime import datetime, time, timedelta, UTC
from datetime import date as date_type

from pyramid.view import view_config

from ...permissions import Permission
from ...services.audit import AuditAction, AuditService

PAGE_SIZE = 50


def _parse_date(value: str):
    try:
        return date_type.fromisoformat(value)
    except ValueError:
        return None


@view_config(route_name="admin.audit", renderer="admin/audit.jinja2", permission=Permission.AUDIT_READ,
             request_method="GET")
def audit_log(request):
    params = request.params
    since = _parse_date(params.get("since", ""))
    until = _parse_date(params.get("until", ""))
    page = int(params["page"]) if params.get("page", "").isdigit() else 1
    action = params.get("action", "")
    events = request.find_service(AuditService).search(
        action=action if action in AuditAction.all() else None,
        actor_name=params.get("actor", "").strip()[:64] or None,
        ip=params.get("ip", "").strip()[:64] or None,
        since=datetime.combine(since, time(), UTC) if since else None,
        until=datetime.combine(until, time(), UTC) + timedelta(days=1) if until else None,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )
    return {
        "events": events[:PAGE_SIZE],
        "has_next": len(events) > PAGE_SIZE,
        "page": page,
        "actions": AuditAction.all(),
        "filters": {k: params.get(k, "")[:64] for k in ("action", "actor", "ip", "since", "until")},
    }
