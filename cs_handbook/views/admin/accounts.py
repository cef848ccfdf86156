"""Account administration pages (admin only)."""

from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash
from ...i18n import _
from ...ids import parse_id
from ...permissions import Permission
from ...schemas.accounts import ROLE_TITLES, AccountSchema, NewAccountSchema, RosterSchema
from ...services.accounts import AccountError, AccountService
from ...services.accounts_roster import ROSTER_COLUMNS
from .grants import grants_section

ACCOUNT_FIELDS = ("display_name", "email", "position_id", "team_id", "start_date", "mentor_id", "language")


def _ip(request) -> str:
    return request.client_addr or ""


@view_config(route_name="admin.accounts", renderer="admin/accounts.jinja2", permission=Permission.ACCOUNTS_MANAGE,
             request_method="GET")
def account_list(request):
    service = request.find_service(AccountService)
    team_id = parse_id(request.params.get("team", ""))
    status = request.params.get("status", "")
    accounts = service.search(
        query=request.params.get("q", "")[:100],
        team_id=team_id,
        active={"active": True, "disabled": False}.get(status),
    )
    role_titles = {role: request.localizer.translate(title) for role, title in ROLE_TITLES.items()}
    return {"accounts": accounts, "teams": service.teams(), "q": request.params.get("q", "")[:100],
            "role_titles": role_titles,
            "team_id": team_id, "status": status}


class _AccountFormBase(FormView):
    form_options = {"formid": "account"}

    def bind_values(self):
        service = self.request.find_service(AccountService)
        return {"positions": service.positions(), "teams": service.teams(), "mentors": self.mentor_choices(service)}

    def mentor_choices(self, service):
        return service.search(active=True)

    def __init__(self, context, request):
        self.context = context
        self.request = request
        from ...forms import make_form

        self.form = make_form(request, self.make_schema(), bind=self.bind_values(), **self.form_options)


@view_defaults(route_name="admin.accounts.new", renderer="admin/account_form.jinja2",
               permission=Permission.ACCOUNTS_MANAGE)
class NewAccountView(_AccountFormBase):
    schema = NewAccountSchema

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        service = self.request.find_service(AccountService)
        actor = self.request.identity.account
        fields = {k: appstruct[k] for k in ACCOUNT_FIELDS}
        try:
            account = service.create(username=appstruct["username"], password=appstruct["password"],
                                     actor=actor, ip=_ip(self.request), **fields)
            service.set_global_roles(account, set(appstruct["roles"]), actor=actor, ip=_ip(self.request))
        except AccountError as error:
            return self.invalid("username", error.msgid, error.mapping)
        flash(self.request, _("Account ${username} created.", mapping={"username": account.username}))
        return HTTPSeeOther(self.request.route_url("admin.accounts.edit", account_id=account.id))


@view_defaults(route_name="admin.accounts.edit", renderer="admin/account_form.jinja2",
               permission=Permission.ACCOUNTS_MANAGE)
class EditAccountView(_AccountFormBase):
    schema = AccountSchema

    def mentor_choices(self, service):
        # A mentor disabled since keeps their place in the form, so saving
        # other fields does not silently drop them.
        mentors = service.search(active=True)
        current = self.context.account.mentor
        if current is not None and not current.is_active:
            mentors.append(current)
        return mentors

    def appstruct(self):
        account = self.context.account
        values = {k: getattr(account, k) for k in ACCOUNT_FIELDS}
        values["roles"] = account.global_roles
        return {k: v for k, v in values.items() if v is not None}

    def template_vars(self):
        return {"account": self.context.account, **grants_section(self.request, self.context.account)}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        service = self.request.find_service(AccountService)
        actor = self.request.identity.account
        account = self.context.account
        # Roles first: a refusal there (the last admin) names the person as they are now.
        try:
            service.set_global_roles(account, set(appstruct["roles"]), actor=actor, ip=_ip(self.request))
        except AccountError as error:
            return self.invalid("roles", error.msgid, error.mapping)
        try:
            service.update(account, actor=actor, ip=_ip(self.request), **{k: appstruct[k] for k in ACCOUNT_FIELDS})
        except AccountError as error:
            return self.invalid("mentor_id", error.msgid, error.mapping)
        flash(self.request, _("Account ${username} saved.", mapping={"username": account.username}))
        return HTTPSeeOther(self.request.url)


@view_config(route_name="admin.accounts.status", request_method="POST", permission=Permission.ACCOUNTS_MANAGE)
def set_status(request):
    account = request.context.account
    active = request.POST.get("active")
    if active not in ("0", "1"):
        raise HTTPBadRequest(request.localizer.translate(_("Unknown status.")))
    if account.id == request.identity.id and active == "0":
        raise HTTPBadRequest(request.localizer.translate(_("You cannot disable your own account.")))
    try:
        request.find_service(AccountService).set_active(account, active == "1", actor=request.identity.account,
                                                        ip=_ip(request))
    except AccountError as error:
        raise HTTPBadRequest(request.localizer.translate(_(error.msgid, mapping=error.mapping))) from None
    flash(request, _("Account enabled.") if active == "1" else _("Account disabled; its sessions were ended."))
    return HTTPSeeOther(request.route_url("admin.accounts.edit", account_id=account.id))


@view_defaults(route_name="admin.accounts.roster", renderer="admin/roster.jinja2",
               permission=Permission.ACCOUNTS_MANAGE)
class RosterImportView(FormView):
    schema = RosterSchema

    def template_vars(self):
        return {"columns": ROSTER_COLUMNS}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        raw = appstruct["roster"]["fp"].read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return self.invalid("roster", _("The file is not UTF-8 text. Save it as CSV UTF-8 and try again."))
        result = self.request.find_service(AccountService).import_roster(
            text, appstruct["default_password"], actor=self.request.identity.account, ip=_ip(self.request)
        )
        if result.errors:
            self.request.tm.doom()  # all rows or none
            self.request.response.status_int = 400
            return {"form": self.form.render(), "errors": [(line, _(msg, mapping=m)) for line, msg, m in result.errors],
                    **self.template_vars()}
        flash(self.request, _("Roster imported: ${created} created, ${updated} updated.",
                              mapping={"created": result.created, "updated": result.updated}))
        return HTTPSeeOther(self.request.route_url("admin.accounts"))
