"""URL dispatch: the foundation's routes here, each area's in its own views package."""

from .resources import Root
from .resources.accounts import AccountResource


def includeme(config):
    config.set_root_factory(Root)
    config.add_route("home", "/")
    config.add_route("healthz", "/healthz")
    config.add_route("auth.signin", "/signin")
    config.add_route("auth.signout", "/signout")
    config.add_route("account.password", "/account/password")
    config.add_route("account.language", "/language")
    config.add_route("account.notices", "/account/notices")
    config.add_route("admin.accounts", "/admin/accounts")
    config.add_route("admin.accounts.new", "/admin/accounts/new")
    config.add_route("admin.accounts.roster", "/admin/accounts/roster")
    config.add_route("admin.accounts.edit", "/admin/accounts/{account_id:[0-9]{1,9}}", factory=AccountResource)
    config.add_route("admin.accounts.grants", "/admin/accounts/{account_id:[0-9]{1,9}}/grants", factory=AccountResource)
    config.add_route("admin.accounts.grant_remove",
                     "/admin/accounts/{account_id:[0-9]{1,9}}/grants/{grant_id:[0-9]{1,9}}/remove",
                     factory=AccountResource)
    config.add_route("admin.accounts.status", "/admin/accounts/{account_id:[0-9]{1,9}}/status", factory=AccountResource)
    config.add_route("admin.accounts.password", "/admin/accounts/{account_id:[0-9]{1,9}}/password",
                     factory=AccountResource)
    config.add_route("admin.teams", "/admin/teams")
    config.add_route("admin.teams.edit", "/admin/teams/{team_id:[0-9]{1,9}}")
    config.add_route("admin.positions", "/admin/positions")
    config.add_route("admin.audit", "/admin/audit")
    config.add_route("admin.settings", "/admin/settings")

    config.include(".views.documents", route_prefix="/handbook")
    config.include(".views.training", route_prefix="/training")
    config.include(".views.quizzes", route_prefix="/quizzes")
    config.include(".views.drill", route_prefix="/drill")
    config.include(".views.qa", route_prefix="/qa")
    config.include(".views.reports", route_prefix="/reports")
