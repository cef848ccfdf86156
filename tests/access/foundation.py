"""Access-matrix rows of the foundation's routes (cs_handbook/routes.py)."""

from webtest import Upload

from . import Row, expect, only, password_pairs, signed_in

ADMIN_ONLY_GET = only(200, "admin")


def _account(dbsession, people):
    return {"account_id": people["outsider"].id}


def _grant(dbsession, people):
    from tests.factories import GrantFactory

    grant = GrantFactory(account=people["outsider"], role="owner", scope_type="course", scope_id=1)
    return {"account_id": people["outsider"].id, "grant_id": grant.id}


def _team(dbsession, people):
    return {"team_id": people["other_team"].id}


def _new_account(ctx):
    return [("username", "created.by.matrix"), ("display_name", "新账号"), ("language", "zh_CN"),
            *password_pairs("password", "long-enough-pw")]


def _roster(ctx):
    body = "username,display_name\nroster.one,名册一\n".encode()
    return [("__start__", "roster:mapping"), ("upload", Upload("roster.csv", body, "text/csv")),
            ("__end__", "roster:mapping"), *password_pairs("default_password", "long-enough-pw")]


ROWS = [
    Row("home", "GET", "/", signed_in(200)),
    Row("healthz", "GET", "/healthz", expect(200)),
    # Signed-in people are sent on from the sign-in page.
    Row("auth.signin", "GET", "/signin", expect(303, anonymous=200)),
    Row("auth.signin", "POST", "/signin", expect(400), data={"username": "nobody", "password": "wrong-wrong"}),
    Row("auth.signout", "POST", "/signout", expect(303)),
    Row("account.password", "GET", "/account/password", signed_in(200)),
    Row("account.password", "POST", "/account/password", signed_in(400),
        data=[("current_password", "wrong"), *password_pairs("new_password", "short")]),
    Row("account.language", "POST", "/language", expect(303), data={"language": "en", "came_from": "/"}),
    Row("account.language", "POST", "/language?bad", expect(400), data={"language": "fr"}),
    Row("account.notices", "GET", "/account/notices", signed_in(200)),
    Row("account.notices", "POST", "/account/notices", signed_in(303)),
    Row("admin.accounts", "GET", "/admin/accounts", ADMIN_ONLY_GET),
    Row("admin.accounts.new", "GET", "/admin/accounts/new", ADMIN_ONLY_GET),
    Row("admin.accounts.new", "POST", "/admin/accounts/new", only(303, "admin"), data=_new_account),
    Row("admin.accounts.roster", "GET", "/admin/accounts/roster", ADMIN_ONLY_GET),
    Row("admin.accounts.roster", "POST", "/admin/accounts/roster", only(303, "admin"), data=_roster),
    Row("admin.accounts.edit", "GET", "/admin/accounts/{account_id}", ADMIN_ONLY_GET, setup=_account),
    # An unknown id is a 404 only for the admin; everyone else gets what a known id gives them,
    # so the ids that exist cannot be enumerated.
    Row("admin.accounts.edit", "GET", "/admin/accounts/999999", only(404, "admin")),
    Row("admin.accounts.edit", "POST", "/admin/accounts/999999", only(404, "admin"),
        data={"display_name": "改名", "language": "en"}),
    Row("admin.accounts.grants", "POST", "/admin/accounts/999999/grants", only(404, "admin"),
        data={"role": "manager:team", "scope_id": "5"}),
    Row("admin.accounts.grant_remove", "POST", "/admin/accounts/999999/grants/1/remove", only(404, "admin")),
    Row("admin.accounts.status", "POST", "/admin/accounts/999999/status", only(404, "admin"),
        data={"active": "0"}),
    Row("admin.accounts.edit", "POST", "/admin/accounts/{account_id}", only(303, "admin"), setup=_account,
        data={"display_name": "改名", "language": "en"}),
    Row("admin.accounts.grants", "POST", "/admin/accounts/{account_id}/grants", only(303, "admin"),
        setup=_account, data=lambda ctx: {"role": "manager:team", "scope_id": str(ctx["people"]["other_team"].id)}),
    # A target that does not exist is refused with the form again.
    Row("admin.accounts.grants", "POST", "/admin/accounts/{account_id}/grants", only(400, "admin"),
        setup=_account, data={"role": "owner:course", "scope_id": "999999"}),
    Row("admin.accounts.grant_remove", "POST", "/admin/accounts/{account_id}/grants/{grant_id}/remove",
        only(303, "admin"), setup=_grant),
    Row("admin.accounts.status", "POST", "/admin/accounts/{account_id}/status", only(303, "admin"),
        setup=_account, data={"active": "0"}),
    Row("admin.accounts.password", "GET", "/admin/accounts/{account_id}/password", ADMIN_ONLY_GET, setup=_account),
    Row("admin.accounts.password", "POST", "/admin/accounts/{account_id}/password", only(303, "admin"),
        setup=_account, data=lambda ctx: password_pairs("new_password", "long-enough-pw")),
    Row("admin.accounts.password", "GET", "/admin/accounts/999999/password", only(404, "admin")),
    Row("admin.accounts.password", "POST", "/admin/accounts/999999/password", only(404, "admin"),
        data=lambda ctx: password_pairs("new_password", "long-enough-pw")),
    Row("admin.teams", "GET", "/admin/teams", ADMIN_ONLY_GET),
    Row("admin.teams", "POST", "/admin/teams", only(303, "admin"),
        data={"name": "客服三组", "timezone": "Asia/Shanghai"}),
    Row("admin.teams.edit", "GET", "/admin/teams/{team_id}", ADMIN_ONLY_GET, setup=_team),
    Row("admin.teams.edit", "POST", "/admin/teams/{team_id}", only(303, "admin"), setup=_team,
        data={"name": "客服二组（改名）", "timezone": "Asia/Urumqi"}),
    Row("admin.teams.edit", "POST", "/admin/teams/{team_id}", only(400, "admin"), setup=_team,
        data={"name": "客服二组", "timezone": "Mars/Olympus"}),
    # An unknown team: a 404 for the admin only (the others learn nothing).
    Row("admin.teams.edit", "GET", "/admin/teams/999999", only(404, "admin")),
    Row("admin.teams.edit", "POST", "/admin/teams/999999", only(404, "admin"),
        data={"name": "无", "timezone": "Asia/Shanghai"}),
    Row("admin.positions", "GET", "/admin/positions", ADMIN_ONLY_GET),
    Row("admin.positions", "POST", "/admin/positions", only(303, "admin"),
        data={"code": "night-desk", "name": "夜间值班客服"}),
    Row("admin.positions", "POST", "/admin/positions", only(400, "admin"), data={"code": "坏", "name": ""}),
    Row("admin.audit", "GET", "/admin/audit", ADMIN_ONLY_GET),
    Row("admin.audit", "GET", "/admin/audit?action=signin.ok&since=2020-01-01&until=2026-03-01", ADMIN_ONLY_GET),
    # A filter that is not understood: said so, with a 400.
    Row("admin.audit", "GET", "/admin/audit?since=2020-01-01&until=bad&page=%C2%B2", only(400, "admin")),
    Row("admin.settings", "GET", "/admin/settings", ADMIN_ONLY_GET),
    Row("admin.settings", "POST", "/admin/settings", only(303, "admin"),
        data={"timezone": "Asia/Urumqi", "submit_grace_seconds": "45"}),
    Row("admin.settings", "POST", "/admin/settings", only(400, "admin"),
        data={"timezone": "Mars/Olympus", "submit_grace_seconds": "²"}),
]
