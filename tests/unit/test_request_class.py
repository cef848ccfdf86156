"""Request extensions live on one request class, and still behave per request."""

from pyramid.interfaces import IRequestFactory
from pyramid.scripting import prepare


def _request(registry, path="/"):
    request = registry.getUtility(IRequestFactory).blank(path)
    request.registry = registry
    return request


def test_the_router_makes_every_request_of_one_class(app):
    """No class is built per request (Pyramid does that for reified extensions it applies itself)."""
    from webob.request import environ_from_url

    classes = set()
    for _ in range(2):
        with app.request_context(environ_from_url("/")) as request:
            classes.add(type(request))
            assert request.find_service is not None
    assert len(classes) == 1


def test_a_reified_extension_is_kept_per_request(registry):
    first, second = _request(registry), _request(registry)
    try:
        assert first.dbsession is first.dbsession
        assert first.dbsession is not second.dbsession
        assert first.tm is not second.tm
    finally:
        first.dbsession.close()
        second.dbsession.close()


def test_scripts_get_the_extensions_too(registry):
    """`cs-handbook` commands build their request with pyramid.scripting, as pshell does."""
    env = prepare(registry=registry)
    try:
        assert env["request"].find_service is not None
        assert env["request"].dbsession is env["request"].dbsession
    finally:
        env["request"].dbsession.close()
        env["closer"]()
