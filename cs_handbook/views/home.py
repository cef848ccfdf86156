"""The home page and the health check."""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config
from sqlalchemy import text

from ..services.notices import NoticeService


@view_config(route_name="home", renderer="home.jinja2", request_method="GET", permission=NO_PERMISSION_REQUIRED)
def home(request):
    if not request.is_authenticated:
        return HTTPSeeOther(request.route_url("auth.signin"))
    identity = request.identity
    panels = [p for p in (panel(request) for panel in request.registry.get("home_panels", ())) if p]
    for found in panels:
        # A panel may give its title as a message id; translated here, once, for all areas.
        found["title"] = request.localizer.translate(found["title"])
    return {
        "account": identity.account,
        "unread_notices": request.find_service(NoticeService).unread_count(identity.id),
        # Each area may add a panel (today's onboarding items, drill due …).
        "home_panels": panels,
    }


@view_config(route_name="healthz", renderer="json", request_method="GET", permission=NO_PERMISSION_REQUIRED)
def healthz(request):
    """For the load balancer: the process answers and the database is reachable."""
    request.dbsession.execute(text("SELECT 1"))
    return {"status": "ok"}


def add_home_panel(config, panel) -> None:
    """Config directive: `panel(request)` returns None or {"title", "template", ...}.

    The title may be a translation string: the home page translates it.
    """
    config.registry.setdefault("home_panels", []).append(panel)


def includeme(config):
    config.add_directive("add_home_panel", add_home_panel)
