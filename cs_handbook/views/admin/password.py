"""An admin sets a new password for someone who lost theirs (their sessions end)."""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash
from ...i18n import _
from ...permissions import Permission
from ...schemas.accounts import ResetPasswordSchema
from ...services.accounts import AccountError, AccountService
from ...services.auth import AuthService


@view_defaults(route_name="admin.accounts.password", renderer="admin/account_password.jinja2",
               permission=Permission.ACCOUNTS_MANAGE)
class ResetPasswordView(FormView):
    schema = ResetPasswordSchema
    form_options = {"formid": "password"}

    def template_vars(self):
        account = self.context.account
        return {"account": account, "is_self": account.id == self.request.identity.id}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        account = self.context.account
        try:
            self.request.find_service(AccountService).reset_password(
                account, appstruct["new_password"], actor=self.request.identity.account,
                ip=self.request.client_addr or "")
        except AccountError as error:
            result = self.invalid("new_password", error.msgid, error.mapping)
            return {**result, "error": _(error.msgid, mapping=error.mapping)}
        # Whoever was signed in as them (perhaps not them) must sign in again.
        self.request.find_service(AuthService).end_sessions(account.id)
        flash(self.request, _("New password set for ${name}; they were signed out everywhere.",
                              mapping={"name": account.display_name}))
        return HTTPSeeOther(self.request.route_url("admin.accounts.edit", account_id=account.id))
