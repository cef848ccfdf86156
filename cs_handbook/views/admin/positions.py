"""Positions (岗位): listed with their holders and role profile; the admin adds new ones.

Positions are made by the site's first run from the default list (their names
come back from there on a re-run), and role profiles name them by code. So an
admin adds positions (for a new role profile) but does not rename or delete
them here.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash
from ...i18n import _
from ...permissions import Permission
from ...schemas.accounts import PositionSchema
from ...services.accounts import AccountError, AccountService
from ...services.accounts_overview import positions_with_profiles


@view_defaults(route_name="admin.positions", renderer="admin/positions.jinja2",
               permission=Permission.ACCOUNTS_MANAGE)
class PositionsView(FormView):
    schema = PositionSchema
    form_options = {"formid": "position"}

    def template_vars(self):
        return {"positions": positions_with_profiles(self.request.dbsession)}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        try:
            self.request.find_service(AccountService).add_position(
                appstruct["code"], appstruct["name"], actor=self.request.identity.account,
                ip=self.request.client_addr or "")
        except AccountError as error:
            return self.invalid("code", error.msgid, error.mapping)
        flash(self.request, _("Position ${name} added.", mapping={"name": appstruct["name"]}))
        return HTTPSeeOther(self.request.route_url("admin.positions"))
