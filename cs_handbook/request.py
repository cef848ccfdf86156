"""The application's request class: every request extension defined once, on the class.

Pyramid applies the methods and properties added with `add_request_method`
(pyramid_tm's `tm`, pyramid_services' `services`, our `dbsession`...) to
each request as it is made; for the reified ones that means building a new
subclass of the request class per request, which cost about 40 µs, a tenth
of a page served from the page cache. The same descriptors set on one
class, made once when the configuration is complete, behave the same: a
reified value is still computed once per request and kept in that request's
`__dict__`.
"""

from pyramid.interfaces import IRequestExtensions, IRequestFactory
from pyramid.request import Request


def make_request_class(registry) -> type[Request] | None:
    """The request factory with `registry`'s extensions on the class, or None if it has none."""
    extensions = registry.queryUtility(IRequestExtensions)
    if extensions is None:
        return None
    base = registry.queryUtility(IRequestFactory, default=Request)
    attrs = {**extensions.methods, **extensions.descriptors, "__module__": __name__}
    return type("AppRequest", (base,), attrs)


def install(registry) -> None:
    """Make every request from the class of `make_request_class` (call it once the configuration is committed).

    The router and `pyramid.scripting.prepare` then find nothing left to apply per request.
    """
    request_class = make_request_class(registry)
    if request_class is None:
        return
    registry.registerUtility(request_class, IRequestFactory)
    registry.unregisterUtility(provided=IRequestExtensions)
