"""Every route with an id in its address answers 404, never a 500, to ids no database can hold.

For each route and method of the access matrix whose pattern has an id
(`{…_id}`), the ids below replace the real ones, for every role: a role that
reaches the route with a real id (its matrix row lets it in) must get a
404; the others what a denial gives them (the way to sign in, 403 or 404).
It covers the routes of every area, including those added later.
"""

import re
from urllib.parse import quote

import pytest
from pyramid.interfaces import IRoutesMapper

from tests.access import ROLES, make_people
from tests.conftest import login
from tests.functional.test_access_matrix import ROWS, UNSAFE, _prepare, _token

pytestmark = pytest.mark.isolated_app

BAD_IDS = {
    "over-long": "1234567890",
    "superscript two": "²",
    "full-width one": "１",
    "Arabic-Indic twelve": "١٢",
}
PLACEHOLDER = re.compile(r"\{(\w+)(?::[^{}]*(?:\{[^{}]*\}[^{}]*)*)?\}")
IS_ID = re.compile(r"^(?:id|\w+_id)$")
# Other placeholders of id routes, with a value that matches.
OTHER_VALUES = {"fmt": "csv"}


def _reaches(route: str, method: str, role: str) -> bool:
    """Whether some matrix row of the route lets `role` through to the view."""
    for _area, row in ROWS:
        if row.route == route and row.method == method:
            expected = row.expect[role]
            if expected not in (403, 404) and not (role == "anonymous" and expected == 303):
                return True
    return False


def _has_id(path: str) -> bool:
    """Whether a row's path names something by id (a `{…_id}` placeholder or a number segment)."""
    return re.search(r"\{(?:id|\w+_id)\}|/\d+(?:/|$)", path.split("?")[0]) is not None


def _id_route_rows():
    seen, rows = set(), []
    for area, row in ROWS:
        if _has_id(row.path) and (row.route, row.method) not in seen:
            seen.add((row.route, row.method))
            rows.append((area, row))
    return rows


def _path(pattern: str, bad_id: str) -> str | None:
    names = PLACEHOLDER.findall(pattern)
    if not any(IS_ID.match(name) for name in names):
        return None
    path = PLACEHOLDER.sub(lambda m: quote(bad_id) if IS_ID.match(m[1]) else OTHER_VALUES[m[1]], pattern)
    return path if path.startswith("/") else "/" + path


@pytest.mark.parametrize("row", [r for _, r in _id_route_rows()],
                         ids=[f"{a}:{r.method} {r.route}" for a, r in _id_route_rows()])
def test_ids_no_database_can_hold_are_404_for_every_role(app, testapp, dbsession, row):
    pattern = app.registry.getUtility(IRoutesMapper).get_route(row.route).pattern
    assert _path(pattern, "1") is not None, f"{row.route}: the row has an id, the route pattern {pattern} none"
    people = make_people(dbsession)
    _real_path, ctx = _prepare(row, dbsession, people)
    failures = []
    for role in ROLES:
        testapp.reset()
        if role != "anonymous":
            login(testapp, people[role].username)
        token = _token(testapp, role != "anonymous") if row.method in UNSAFE else None
        for name, bad_id in BAD_IDS.items():
            path = _path(pattern, bad_id)
            if row.method in UNSAFE:
                data = row.data(ctx) if callable(row.data) else row.data
                data = list(data.items()) if isinstance(data, dict) else list(data or ())
                response = testapp.request(path, method=row.method, POST=[*data, ("csrf_token", token)],
                                           headers=row.headers, expect_errors=True)
            else:
                response = testapp.request(path, method=row.method, headers=row.headers, expect_errors=True)
            allowed = {404} if _reaches(row.route, row.method, role) else {303, 403, 404}
            if response.status_int not in allowed:
                failures.append(f"{role} {row.method} {path} ({name}): {response.status_int}, expected {allowed}")
    assert not failures, "\n".join(failures)
