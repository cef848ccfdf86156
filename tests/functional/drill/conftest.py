"""Fixtures of the drill's functional tests."""

import pytest
from pyramid.scripting import prepare


@pytest.fixture
def request_(registry, dbsession, clock):
    """A request of the app whose services (and event subscribers) work in the test's session."""
    env = prepare(registry=registry)
    env["request"].environ["app.dbsession"] = dbsession
    yield env["request"]
    env["closer"]()
