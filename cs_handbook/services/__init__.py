"""Service registrations: one plain class per domain, found by class.

Views call `request.find_service(AccountService)`; tests register fakes or
fixed clocks the same way.
"""

from pyramid_services import find_service_factory
from zope.interface import Interface

from ..clock import Clock

_UNSET = object()


def find_service(request, iface=Interface, context=_UNSET, name=""):
    """pyramid_services' `find_service`, with the instances kept in a plain dict on the request.

    pyramid_services builds a wired container for every request and caches each instance by
    registering it in zope registries made for that container: about 0.2 ms of every request that
    uses a service, more than the quiz autosave's own database work. The registrations and the
    factories stay pyramid_services' own (`find_service_factory`), so tests and other areas register
    services and fakes as before; an instance is made once per request, context and name, as there.
    """
    if context is _UNSET:
        context = getattr(request, "context", None)
    found = request.__dict__.setdefault("_found_services", {})
    key = (iface, name, id(context))
    entry = found.get(key)
    if entry is None:
        # Registrations are by the context's class (the resources declare nothing per instance).
        context_type = None if context is None else type(context)
        service = find_service_factory(request, iface, context=context_type, name=name)(context, request)
        # The context is kept with its service so that its id cannot be reused by another object.
        entry = found[key] = (service, context)
    return entry[0]


def includeme(config):
    config.include("pyramid_services")
    # Replaces pyramid_services' request method (this include is nearer the application's root).
    config.add_request_method(find_service, "find_service")
    config.register_service(Clock(), Clock)
    config.include(".audit")
    config.include(".site_settings")
    config.include(".accounts")
    config.include(".auth")
    config.include(".notices")
    config.include(".documents")
    config.include(".training")
    config.include(".quizzes")
    config.include(".drill")
    config.include(".qa")
    config.include(".reports")
