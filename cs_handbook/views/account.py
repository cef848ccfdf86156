"""The signed-in person's own account: password, language, notices."""

from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config, view_defaults

from ..forms import FormView, flash
from ..i18n import LOCALE_COOKIE, LOCALES, _
from ..permissions import Permission
from ..schemas.accounts import ChangePasswordSchema
from ..security import same_site_path
from ..services.accounts import AccountService
from ..services.auth import AuthService
from ..services.notices import NoticeService


@view_defaults(route_name="account.password", renderer="account/password.jinja2", permission=Permission.ACCOUNT_SELF)
class ChangePasswordView(FormView):
    schema = ChangePasswordSchema

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        accounts = self.request.find_service(AccountService)
        account = self.request.identity.account
        if not accounts.check_password(account, appstruct["current_password"]):
            return self.invalid("current_password", _("The current password is wrong."))
        accounts.set_password(account, appstruct["new_password"], ip=self.request.client_addr or "")
        # Whoever else knew the old password is signed out; this browser stays in.
        self.request.find_service(AuthService).end_sessions(
            account.id, keep_session_id=self.request.identity.login_session_id)
        flash(self.request, _("Your password was changed."))
        return HTTPSeeOther(self.request.route_url("home"))


@view_config(route_name="account.language", request_method="POST", permission=NO_PERMISSION_REQUIRED)
def switch_language(request):
    """Switch language: kept on the account when signed in, in a cookie otherwise."""
    language = request.POST.get("language")
    if language not in LOCALES:
        raise HTTPBadRequest(request.localizer.translate(_("Unknown language.")))
    response = HTTPSeeOther(same_site_path(request.POST.get("came_from", "")) or request.route_path("home"))
    if request.identity is not None:
        request.find_service(AccountService).update(request.identity.account, language=language)
    response.set_cookie(LOCALE_COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@view_config(route_name="account.notices", renderer="account/notices.jinja2", permission=Permission.ACCOUNT_SELF,
             request_method="GET")
def notices(request):
    service = request.find_service(NoticeService)
    return {"notices": service.for_account(request.identity.id)}


@view_config(route_name="account.notices", permission=Permission.ACCOUNT_SELF, request_method="POST")
def mark_notices_read(request):
    request.find_service(NoticeService).mark_all_read(request.identity.id)
    return HTTPSeeOther(request.route_url("account.notices"))
