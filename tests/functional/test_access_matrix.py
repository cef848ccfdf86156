"""The access matrix: every route × every role → the expected status.

Rows come from every module of `tests/access/`; see that package's docstring.
A registered view with no row (per route AND request method, from Pyramid's
introspector), or a row naming no view, fails the run.
"""

import importlib
import pkgutil

import pytest
from pyramid.interfaces import IRoutesMapper

import tests.access
from tests.access import ROLES, SIGNED_IN, Row, make_people
from tests.conftest import login

pytestmark = pytest.mark.isolated_app

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


# The page Pyramid's CSRF check leads to (views/errors.py:bad_csrf), in the default language.
CSRF_PAGE_TITLE = "<title>表单已过期 · "


def _reaches_the_view(row: Row, role: str) -> bool:
    """Whether `role`, with a valid token, gets past the permission and the route's resource.

    Pyramid checks the permission before the CSRF token, and a route factory
    answers 404 for a missing resource before either: for those roles the
    token is never looked at. An anonymous 303 is the way to the sign-in page.
    """
    expected = row.expect[role]
    return expected not in (403, 404, 405) and not (role == "anonymous" and expected == 303)


def _csrf_role(row: Row) -> str | None:
    # Anonymous first where it reaches the view: sign-in forms need CSRF too.
    return next((role for role in ("anonymous", "admin", *SIGNED_IN) if _reaches_the_view(row, role)), None)


CSRF_ROWS = [(area, row) for area, row in ROWS if row.method in UNSAFE and _csrf_role(row)]


@pytest.mark.parametrize("row", [r for _, r in CSRF_ROWS], ids=[f"{a}:{r.id}" for a, r in CSRF_ROWS])
def test_unsafe_requests_need_a_csrf_token(testapp, dbsession, row):
    role = _csrf_role(row)
    people = make_people(dbsession)
    path, ctx = _prepare(row, dbsession, people)
    if role != "anonymous":
        login(testapp, people[role].username)
    token = _token(testapp, role != "anonymous")
    refused = _send(testapp, row, path, ctx, token=None)
    assert refused.status_int == 400 and CSRF_PAGE_TITLE in refused.text, (
        f"{role} {row.id} without a token: {refused.status_int}\n{refused.text[:300]}")
    # The same request with the token is not refused for its token (the view ran).
    accepted = _send(testapp, row, path, ctx, token=token)
    assert accepted.status_int == row.expect[role] and CSRF_PAGE_TITLE not in accepted.text, (
        f"{role} {row.id} with a token: {accepted.status_int}")


def test_every_unsafe_view_proves_its_csrf_check(app, testapp, dbsession):
    """Every unsafe (route, method) shows the CSRF page when the token is missing.

    Most are proven by the test above. A view whose rows all expect 404 is
    tried here: a 404 the view itself answers comes after the CSRF check
    (so the page shows), one from the route's factory before it (so the
    view needs a row where some role reaches it).
    """
    proven = {(row.route, row.method) for _, row in CSRF_ROWS}
    people = make_people(dbsession)
    unproven = []
    for route, method in sorted(app_views(app)):
        if method not in UNSAFE or (route, method) in proven:
            continue
        shown = False
        for _area, row in ROWS:
            role = next((r for r in SIGNED_IN if row.expect[r] == 404), None)
            if (row.route, row.method) != (route, method) or role is None:
                continue
            path, ctx = _prepare(row, dbsession, people)
            testapp.reset()
            login(testapp, people[role].username)
            refused = _send(testapp, row, path, ctx, token=None)
            if refused.status_int == 400 and CSRF_PAGE_TITLE in refused.text:
                shown = True
                break
        if not shown:
            unproven.append(f"{route} {method}")
    assert not unproven, ("unsafe views where no row shows the CSRF check (add a row where some role reaches "
                          f"the view): {unproven}")


def _405_rows() -> list[tuple[str, Row]]:
    """One row per route, on a resource that exists (a route factory's 404 comes before the 405)."""
    by_route: dict[str, tuple[str, Row]] = {}
    for area, row in ROWS:
        if row.route not in by_route or (by_route[row.route][1].expect["admin"] == 404 != row.expect["admin"]):
            by_route[row.route] = (area, row)
    return sorted(by_route.values(), key=lambda pair: pair[1].route)


@pytest.mark.parametrize("row", [r for _, r in _405_rows()], ids=[f"{a}:{r.route}" for a, r in _405_rows()])
def test_undeclared_method_is_405_with_allow(app, testapp, dbsession, row):
    methods = {method for route, method in app_views(app) if route == row.route}
    # GET-only routes get a DELETE, POST-only routes a GET.
    undeclared = "GET" if "GET" not in methods else "DELETE"
    people = make_people(dbsession)
    path, _ctx = _prepare(row, dbsession, people)
    login(testapp, people["admin"].username)
    token = _token(testapp, True)
    response = testapp.request(path, method=undeclared, headers={"X-CSRF-Token": token}, expect_errors=True)
    assert response.status_int == 405, f"{undeclared} {path}: {response.status_int}"
    allowed = methods | ({"HEAD"} if "GET" in methods else set())
    assert set(response.headers["Allow"].split(", ")) == allowed
    assert "不支持的请求方式" in response.text


def app_views(app) -> set[tuple[str, str]]:
    """(route name, request method) of every view on our routes, as the introspector lists them."""
    pairs = set()
    for item in app.registry.introspector.get_category("views"):
        view = item["introspectable"]
        route = view["route_name"]
        if route is None or route.startswith("__") or route in STATIC_ROUTE_NAMES:
            continue
        methods = view["request_methods"]
        if methods is None:
            # A view taking every method: it must say which (CSRF and 405 rest on it).
            pairs.add((route, "ANY"))
            continue
        pairs.update((route, method) for method in ((methods,) if isinstance(methods, str) else methods))
    return pairs


def test_every_view_has_a_row(app):
    covered = {(row.route, row.method) for _, row in ROWS}
    views = app_views(app)
    anything = sorted(f"{route}" for route, method in views if method == "ANY")
    assert not anything, f"views without request_method (declare the methods they take): {anything}"
    missing = sorted(f"{route} {method}" for route, method in views - covered if method != "HEAD")
    assert not missing, f"views with no access-matrix row (add them to tests/access/<area>.py): {missing}"


def test_every_route_has_a_view(app):
    without = sorted(set(app_routes(app)) - {route for route, _ in app_views(app)})
    assert not without, f"routes no view answers: {without}"


def test_every_row_names_a_view(app):
    views = app_views(app)
    unknown = sorted({f"{area}:{row.route} {row.method}" for area, row in ROWS if (row.route, row.method) not in views})
    assert not unknown, f"rows naming no registered view (route and method): {unknown}"
