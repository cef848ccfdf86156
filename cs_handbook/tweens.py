"""Tweens: client address behind proxies, security headers on every response whatever failed, body size, encoding."""

import functools
import ipaddress
import logging
import sys

from pyramid.httpexceptions import HTTPBadRequest, HTTPRequestEntityTooLarge
from pyramid.response import Response
from pyramid.tweens import EXCVIEW
from pyramid_retry import is_error_retryable
from transaction.interfaces import NoTransaction

log = logging.getLogger(__name__)

# Scripts and styles come only from this site; nothing may frame it.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
])

STATIC_PREFIXES = ("/static/", "/deform_static/")

# What every response gets (a view may set its own policy first), and what a signed-in page adds.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
# A view may set its own of these (a stricter policy); the others are always ours.
_VIEW_MAY_SET = frozenset({"Content-Security-Policy", "Permissions-Policy"})
SIGNED_IN_HEADERS = (*SECURITY_HEADERS, ("Cache-Control", "no-store"))
# Set on a response built with SIGNED_IN_HEADERS already (the documents page cache's hits).
_HEADERS_SET = "_cs_security_headers_set"


def mark_security_headers(response):
    """`response` already carries SIGNED_IN_HEADERS (and no Expires): the tween leaves it as it is."""
    setattr(response, _HEADERS_SET, True)
    return response

# The last resort when even the error page failed: plain, both languages, no template.
LAST_RESORT_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>出错了 · Something went wrong</title></head>
<body><h1>出错了</h1><p>错误已记录，请稍后再试。</p>
<h1 lang="en">Something went wrong</h1><p lang="en">The error was logged. Please try again later.</p></body></html>
"""


def _error_response(request, exc):
    """Our error page for an exception that got past the exception views (e.g. raised by pyramid_tm).

    pyramid_tm has ended the request's transaction by now; the page gets a
    fresh one for what the layout reads (the navigation), ended right after.
    """
    manager = request.tm
    try:
        try:
            manager.abort()
        except NoTransaction:
            pass
        manager.begin()
        try:
            return request.invoke_exception_view(sys.exc_info())
        finally:
            manager.abort()
    except Exception:
        log.exception("the error page failed on %s %s", request.method, request.path)
        # pyramid_retry looks here for a failure worth another attempt.
        request.exception = exc
        return Response(LAST_RESORT_PAGE, status=500, content_type="text/html", charset="utf-8")


# Behind a proxy every request names the same few addresses: parse each once.
_ip_address = functools.lru_cache(maxsize=1024)(ipaddress.ip_address)


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = _ip_address(address.strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in networks)


def trust_forwarded_headers(environ, trusted) -> None:
    """Make REMOTE_ADDR the client's address, believing X-Forwarded-* only from trusted proxies.

    webob's `client_addr` reads X-Forwarded-For whoever sent it, so a client
    could pick the address the sign-in rate limit and the audit log see:
    the headers are removed from every request, after being used when the
    peer is one of `cs_handbook.trusted_proxies`. The client is the last
    address in X-Forwarded-For that is not itself a trusted proxy (each
    proxy appends the address it got the request from).
    """
    forwarded_for = environ.pop("HTTP_X_FORWARDED_FOR", "")
    forwarded_proto = environ.pop("HTTP_X_FORWARDED_PROTO", "").strip().lower()
    if not forwarded_for and not forwarded_proto:
        return  # nothing to believe: no need to look at the peer
    if not trusted or not _is_trusted(environ.get("REMOTE_ADDR", ""), trusted):
        return
    for hop in reversed([hop.strip() for hop in forwarded_for.split(",") if hop.strip()]):
        try:
            _ip_address(hop.strip("[]"))
        except ValueError:
            break  # not an address: keep the last one we could believe
        environ["REMOTE_ADDR"] = hop.strip("[]")
        if not _is_trusted(hop, trusted):
            break
    if forwarded_proto in ("http", "https"):
        environ["wsgi.url_scheme"] = forwarded_proto


def security_headers_tween_factory(handler, registry):
    def security_headers_tween(request):
        trust_forwarded_headers(request.environ, registry.settings["cs_handbook.trusted_proxies"])
        try:
            response = handler(request)
        except Exception as exc:
            if is_error_retryable(request, exc):
                raise  # pyramid_retry runs the request again
            response = _error_response(request, exc)
        if getattr(response, _HEADERS_SET, False):
            return response
        headers = response.headers
        for name, value in SECURITY_HEADERS:
            if name in _VIEW_MAY_SET:
                headers.setdefault(name, value)
            else:
                headers[name] = value
        # Pages for a signed-in person must not outlive the session in a
        # shared browser's cache. Only look if the identity was already
        # loaded; static files never need the database.
        if not request.path.startswith(STATIC_PREFIXES) and request.__dict__.get("_identity") is not None:
            headers["Cache-Control"] = "no-store"
            headers.pop("Expires", None)
        return response

    return security_headers_tween


def body_size_tween_factory(handler, registry):
    max_body = registry.settings["cs_handbook.max_body_bytes"]

    def body_size_tween(request):
        # Raised below the exception view tween, so the reader gets our
        # translated page, not webob's English one.
        if request.content_length is not None and request.content_length > max_body:
            raise HTTPRequestEntityTooLarge()
        return handler(request)

    return body_size_tween


def readable_input_tween_factory(handler, registry):
    def readable_input_tween(request):
        # webob decodes the query string and form fields as UTF-8 when a view
        # first reads them; a stray byte (`?q=%B2`) would then be a
        # UnicodeDecodeError deep inside a view. Read them here, under the
        # exception view, so such a request is our translated 400 page.
        try:
            request.GET  # noqa: B018 - decoding is the point
            if request.method in ("POST", "PUT", "PATCH"):
                request.POST  # noqa: B018
        except UnicodeDecodeError:
            raise HTTPBadRequest() from None
        return handler(request)

    return readable_input_tween


def includeme(config):
    # Over pyramid_tm's tween: the headers are added whatever the view did,
    # and a failure pyramid_tm lets through still gets our error page.
    config.add_tween("cs_handbook.tweens.security_headers_tween_factory", over="pyramid_tm.tm_tween_factory")
    config.add_tween("cs_handbook.tweens.body_size_tween_factory", under=EXCVIEW)
    config.add_tween("cs_handbook.tweens.readable_input_tween_factory",
                     under="cs_handbook.tweens.body_size_tween_factory")
