"""Tweens: request size limit and the security headers every response carries."""

from pyramid.httpexceptions import HTTPRequestEntityTooLarge

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


def security_headers_tween_factory(handler, registry):
    max_body = registry.settings["cs_handbook.max_body_bytes"]

    def security_headers_tween(request):
        if request.content_length is not None and request.content_length > max_body:
            response = HTTPRequestEntityTooLarge()
        else:
            response = handler(request)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        # Pages for a signed-in person must not outlive the session in a
        # shared browser's cache. Only look if the identity was already
        # loaded; static files never need the database.
        if not request.path.startswith(STATIC_PREFIXES) and request.__dict__.get("_identity") is not None:
            headers["Cache-Control"] = "no-store"
            headers.pop("Expires", None)
        return response

    return security_headers_tween


def includeme(config):
    # Over pyramid_tm's tween: the header is added whatever the view did.
    config.add_tween("cs_handbook.tweens.security_headers_tween_factory", over="pyramid_tm.tm_tween_factory")
