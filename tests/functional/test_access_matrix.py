"""The access matrix: every route × every role → the expected status.

Rows come from every module of `tests/access/`; see that package's docstring.
A registered route with no row, or a row naming no route, fails the run.
"""

import importlib
import pkgutil

import pytest
from pyramid.interfaces import IRoutesMapper

import tests.access
from tests.access import ROLES, Row, make_people
from tests.conftest import login
from tests.functional.isolation import testapp  # noqa: F401

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Static views are not routes of ours: they answer every role alike.
STATIC_ROUTE_NAMES = {"static", "deform_static"}


def collect_rows() -> list[tuple[str, Row]]:
    rows = []
    for module_info in sorted(pkgutil.iter_modules(tests.access.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"tests.access.{module_info.name}")
        rows.extend((module_info.name, row) for row in getattr(module, "ROWS", ()))
    return rows


ROWS = collect_rows()


def app_routes(app) -> dict:
    mapper = app.registry.getUtility(IRoutesMapper)
    return {route.name: route for route in mapper.get_routes()
            if not route.name.startswith("__") and route.name not in STATIC_ROUTE_NAMES
            and not getattr(route, "static", False)}


def _prepare(row: Row, dbsession, people) -> tuple[str, dict]:
    ctx = dict(row.setup(dbsession, people) or {}) if row.setup else {}
    path = row.path.format(**ctx)
    ctx["people"] = people
    return path, ctx


def _token(testapp, signed_in: bool) -> str:
    # The token lives in the session; any page with a form shows it.
    page = testapp.get("/account/password" if signed_in else "/signin")
    return page.forms["deform"]["csrf_token"].value


def _send(testapp, row: Row, path: str, ctx: dict, token: str | None):
    if row.method in UNSAFE:
        data = row.data(ctx) if callable(row.data) else row.data
        data = list(data.items()) if isinstance(data, dict) else list(data or ())
        if token is not None:
            data.append(("csrf_token", token))
        send = getattr(testapp, row.method.lower())
        return send(path, params=data, headers=row.headers, expect_errors=True)
    return testapp.request(path, method=row.method, headers=row.headers, expect_errors=True)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", [r for _, r in ROWS], ids=[f"{a}:{r.id}" for a, r in ROWS])
def test_access(testapp, dbsession, row, role):
    people = make_people(dbsession)
    path, ctx = _prepare(row, dbsession, people)
    if role != "anonymous":
        login(testapp, people[role].username)
    token = _token(testapp, role != "anonymous") if row.method in UNSAFE else None
    response = _send(testapp, row, path, ctx, token)
    assert response.status_int == row.expect[role], (
        f"{role} {row.method} {path}: got {response.status_int}, expected {row.expect[role]}\n{response.text[:500]}")
    assert response.status_int != 500


@pytest.mark.parametrize("row", [r for _, r in ROWS if r.method in UNSAFE], ids=lambda r: r.id)
def test_unsafe_requests_need_a_csrf_token(testapp, dbsession, row):
    people = make_people(dbsession)
    path, ctx = _prepare(row, dbsession, people)
    login(testapp, people["admin"].username)
    response = _send(testapp, row, path, ctx, token=None)
    assert response.status_int == 400, f"{row.id}: {response.status_int}"


def _get_only_routes():
    methods: dict[str, set] = {}
    for _, row in ROWS:
        methods.setdefault(row.route, set()).add(row.method)
    return [r for _, r in ROWS if r.method == "GET" and methods[r.route] == {"GET"}]


@pytest.mark.parametrize("row", _get_only_routes(), ids=lambda r: r.id)
def test_undeclared_method_is_405(testapp, dbsession, row):
    people = make_people(dbsession)
    path, ctx = _prepare(row, dbsession, people)
    login(testapp, people["admin"].username)
    token = _token(testapp, True)
    response = testapp.delete(path, headers={"X-CSRF-Token": token}, expect_errors=True)
    assert response.status_int == 405, f"DELETE {path}: {response.status_int}"


def test_every_route_has_a_row(app):
    covered = {row.route for _, row in ROWS}
    missing = sorted(set(app_routes(app)) - covered)
    assert not missing, f"routes with no access-matrix row (add them to tests/access/<area>.py): {missing}"


def test_every_row_names_a_route(app):
    routes = app_routes(app)
    unknown = sorted({f"{area}:{row.route}" for area, row in ROWS if row.route not in routes})
    assert not unknown, f"rows naming no registered route: {unknown}"

