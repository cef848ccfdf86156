"""Teams: the admin lists them, adds new ones, renames them and sets their time zone."""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash
from ...i18n import _
from ...ids import parse_id
from ...permissions import Permission
from ...schemas.accounts import TeamSchema
from ...services.accounts import AccountError, AccountService
from ...services.accounts_overview import teams_with_counts
from ...zones import site_zone_name


@view_defaults(route_name="admin.teams", renderer="admin/teams.jinja2", permission=Permission.ACCOUNTS_MANAGE)
class TeamsView(FormView):
    schema = TeamSchema
    form_options = {"formid": "team"}

    def appstruct(self):
        return {"timezone": site_zone_name(self.request.dbsession)}  # a new team works in the site's zone

    def template_vars(self):
        return {"teams": teams_with_counts(self.request.dbsession)}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        try:
            self.request.find_service(AccountService).add_team(
                appstruct["name"], appstruct["timezone"], actor=self.request.identity.account,
                ip=self.request.client_addr or "")
        except AccountError as error:
            return self.invalid("name", error.msgid, error.mapping)
        flash(self.request, _("Team ${name} added.", mapping={"name": appstruct["name"]}))
        return HTTPSeeOther(self.request.route_url("admin.teams"))


@view_defaults(route_name="admin.teams.edit", renderer="admin/team_form.jinja2", permission=Permission.ACCOUNTS_MANAGE)
class EditTeamView(FormView):
    schema = TeamSchema
    form_options = {"formid": "team"}

    def __init__(self, context, request):
        # Looked up here, after the permission check: only the admin learns which ids exist.
        self.team = request.find_service(AccountService).team_by_id(parse_id(request.matchdict["team_id"]) or 0)
        if self.team is None:
            raise HTTPNotFound()
        super().__init__(context, request)

    def appstruct(self):
        return {"name": self.team.name, "timezone": self.team.timezone}

    def template_vars(self):
        return {"team": self.team}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        try:
            self.request.find_service(AccountService).update_team(
                self.team, appstruct["name"], appstruct["timezone"], actor=self.request.identity.account,
                ip=self.request.client_addr or "")
        except AccountError as error:
            return self.invalid("name", error.msgid, error.mapping)
        flash(self.request, _("Team ${name} saved.", mapping={"name": self.team.name}))
        return HTTPSeeOther(self.request.route_url("admin.teams"))
