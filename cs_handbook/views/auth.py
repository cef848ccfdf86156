"""Sign in and sign out."""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.security import NO_PERMISSION_REQUIRED, forget, remember
from pyramid.view import view_config, view_defaults

from ..forms import FormView, flash
from ..i18n import _
from ..schemas.accounts import SignInSchema
from ..security import same_site_path
from ..services.audit import AuditAction, AuditService
from ..services.auth import AuthService, SignInOutcome


def _safe_next(request) -> str:
    return same_site_path(request.params.get("next", "")) or request.route_path("home")


@view_defaults(route_name="auth.signin", renderer="auth/signin.jinja2", permission=NO_PERMISSION_REQUIRED)
class SignInView(FormView):
    schema = SignInSchema

    def make_buttons(self):
        import deform

        return (deform.Button("submit", self.request.localizer.translate(_("Sign in"))),)

    def template_vars(self):
        return {"next": _safe_next(self.request)}

    @view_config(request_method="GET")
    def get(self):
        if self.request.is_authenticated:
            return HTTPSeeOther(_safe_next(self.request))
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        request = self.request
        result = request.find_service(AuthService).sign_in(
            appstruct["username"], appstruct["password"], request.client_addr or ""
        )
        if result.outcome is SignInOutcome.THROTTLED:
            request.response.status_int = 429
            request.response.headers["Retry-After"] = str(request.registry.settings["cs_handbook.login_failure_window"])
            return {"form": self.form.render({"username": appstruct["username"]}),
                    "error": _("Too many failed sign-ins. Please wait a few minutes and try again."),
                    **self.template_vars()}
        if result.outcome is SignInOutcome.BAD_CREDENTIALS:
            request.response.status_int = 400
            return {"form": self.form.render({"username": appstruct["username"]}),
                    "error": _("Wrong username or password."), **self.template_vars()}
        headers = remember(request, result.account.id)
        flash(request, _("Welcome, ${name}.", mapping={"name": result.account.display_name}))
        return HTTPSeeOther(_safe_next(request), headers=headers)


@view_config(route_name="auth.signout", request_method="POST", permission=NO_PERMISSION_REQUIRED)
def sign_out(request):
    identity = request.identity
    if identity is not None:
        request.find_service(AuditService).record(
            AuditAction.SIGNOUT, actor=identity.account, ip=request.client_addr or ""
        )
    headers = forget(request)
    return HTTPSeeOther(request.route_url("auth.signin"), headers=headers)
