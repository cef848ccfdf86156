"""Error pages in the reader's language; never a traceback."""

import logging

from pyramid.csrf import BadCSRFOrigin, BadCSRFToken
from pyramid.exceptions import PredicateMismatch
from pyramid.httpexceptions import HTTPException, HTTPSeeOther
from pyramid.interfaces import IRoutesMapper
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config
from transaction.interfaces import NoTransaction

from ..i18n import _
from ..security import settle_identity
from ..services.audit import AuditAction, AuditService

log = logging.getLogger(__name__)

ERROR_TEXTS = {
    400: (_("Bad request"), _("The request could not be understood. Check what you entered and try again.")),
    404: (_("Page not found"), _("The page does not exist, or is not available to you.")),
    405: (_("Method not allowed"), _("This page does not accept that request.")),
    409: (_("Conflict"), _("Someone else changed this in the meantime. Reload the page and try again.")),
    413: (_("Request too large"), _("What you sent is too large.")),
    429: (_("Too many requests"), _("Please wait a moment and try again.")),
}


@forbidden_view_config(renderer="errors/error.jinja2")
def forbidden(exc, request):
    if not request.is_authenticated:
        # Not signed in (or the session ended): the way forward is to sign in.
        return HTTPSeeOther(request.route_url("auth.signin", _query={"next": request.path_qs}))
    # The request's transaction is aborted after a denial anyway; ending it
    # now releases SQLite's write lock (taken at BEGIN for unsafe methods),
    # which the audit row's own transaction below would otherwise wait on.
    account = request.identity.account
    request.tm.abort()
    request.tm.begin()
    request.find_service(AuditService).record_now(
        AuditAction.PERMISSION_DENIED, actor=account, target_type="route",
        target_id=request.matched_route.name if request.matched_route else request.path,
        detail={"method": request.method, "path": request.path[:200]}, ip=request.client_addr or "",
    )
    request.response.status_int = 403
    return {"status": 403, "title": _("Access denied"), "message": _("You do not have permission to open this page.")}


@notfound_view_config(renderer="errors/error.jinja2")
def not_found(exc, request):
    # The slash is added here rather than with `append_slash`: Pyramid
    # derives that wrapped view as an ordinary one, CSRF check included, so
    # a POST to an unknown address would answer "form expired".
    path = request.path_info
    routes = request.registry.getUtility(IRoutesMapper).get_routes()
    if not path.endswith("/"):
        if any(route.match(path + "/") is not None for route in routes):
            query = f"?{request.query_string}" if request.query_string else ""
            return HTTPSeeOther(location=f"{request.path}/{query}")
    request.response.status_int = 404
    return {"status": 404, "title": _("Page not found"),
            "message": _("The page does not exist, or is not available to you.")}


@exception_view_config(BadCSRFToken, renderer="errors/error.jinja2")
@exception_view_config(BadCSRFOrigin, renderer="errors/error.jinja2")
def bad_csrf(exc, request):
    request.response.status_int = 400
    return {"status": 400, "title": _("The form expired"),
            "message": _("Your session changed since the page was opened. Reload the page and try again.")}


ALLOWED_METHODS_KEY = "cs_handbook.allowed_methods"


def allowed_methods(request) -> list[str]:
    """The methods the views of the matched route take (HEAD with GET), from the introspector."""
    by_route = request.registry.get(ALLOWED_METHODS_KEY)
    if by_route is None:
        by_route = {}
        for item in request.registry.introspector.get_category("views"):
            view = item["introspectable"]
            methods = view["request_methods"]
            if view["route_name"] and methods:
                methods = (methods,) if isinstance(methods, str) else methods
                by_route.setdefault(view["route_name"], set()).update(methods)
        for methods in by_route.values():
            if "GET" in methods:
                methods.add("HEAD")
        request.registry[ALLOWED_METHODS_KEY] = by_route
    route = request.matched_route
    return sorted(by_route.get(route.name, ())) if route is not None else []


@exception_view_config(PredicateMismatch, renderer="errors/error.jinja2")
def method_not_allowed(exc, request):
    # The route matched but no view takes this method (our views differ
    # only by method), so this is a 405 rather than Pyramid's 404.
    request.response.status_int = 405
    # HTTP asks a 405 to say which methods would do.
    request.response.headers["Allow"] = ", ".join(allowed_methods(request))
    return {"status": 405, "title": _("Method not allowed"), "message": _("This page does not accept that request.")}


@exception_view_config(HTTPException, renderer="errors/error.jinja2")
def http_error(exc, request):
    # Any other HTTP error raised by a view (400, 405, 409, 413 …).
    if exc.status_int < 400:
        return exc
    request.response.status_int = exc.status_int
    # webob's titles and explanations are English only: ours are translated.
    title, explanation = ERROR_TEXTS.get(exc.status_int, ERROR_TEXTS[400])
    return {"status": exc.status_int, "title": title, "message": exc.detail or explanation}


def end_failed_transaction(request) -> None:
    """Give up the request's transaction, so that rendering the page needs nothing from it.

    After a database error the transaction is useless (PostgreSQL refuses
    every further statement, SQLAlchemy wants a rollback, a failed commit
    refuses new work) and on SQLite it may still hold the write lock.
    Inside pyramid_tm a fresh, empty transaction takes its place, which
    pyramid_tm aborts when the response goes out; after a failed commit
    pyramid_tm has already let go of the request and nothing would end one.
    """
    try:
        request.tm.abort()
    except NoTransaction:
        pass
    if request.environ.get("tm.active"):
        request.tm.begin()


@exception_view_config(Exception, renderer="errors/error.jinja2")
def server_error(exc, request):
    log.exception("unhandled error on %s %s", request.method, request.path)
    end_failed_transaction(request)
    # The page is drawn without the database: who is reading was settled
    # before the failure (or counts as nobody), and the navigation, whose
    # badges query, is left out.
    settle_identity(request)
    request.response.status_int = 500
    return {"status": 500, "title": _("Something went wrong"),
            "message": _("The error was logged. Please try again later."), "bare_layout": True}
