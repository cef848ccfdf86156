"""Teams: the admin lists them and adds new ones (accounts and grants point at them)."""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash
from ...i18n import _
from ...permissions import Permission
from ...schemas.accounts import TeamSchema
from ...services.accounts import AccountService


@view_defaults(route_name="admin.teams", renderer="admin/teams.jinja2", permission=Permission.ACCOUNTS_MANAGE)
class TeamsView(FormView):
    schema = TeamSchema
    form_options = {"formid": "team"}

    def template_vars(self):
        return {"teams": self.request.find_service(AccountService).teams()}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        service = self.request.find_service(AccountService)
        if service.team_by_name(appstruct["name"]) is not None:
            return self.invalid("name", _("A team with this name already exists."))
        service.ensure_team(appstruct["name"], appstruct["timezone"])
        flash(self.request, _("Team ${name} added.", mapping={"name": appstruct["name"]}))
        return HTTPSeeOther(self.request.route_url("admin.teams"))
