"""Account administration pages (admin only)."""

import deform
from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash
from ...i18n import _
from ...models.accounts import Scope
from ...permissions import Permission
from ...schemas.accounts import AccountSchema, GrantSchema, NewAccountSchema, RosterSchema
from ...services.accounts import AccountError, AccountService

ACCOUNT_FIELDS = ("display_name", "email", "position_id", "team_id", "start_date", "mentor_id", "language")


def _ip(request) -> str:
    return request.client_addr or ""


@view_config(route_name="admin.accounts", renderer="admin/accounts.jinja2", permission=Permission.ACCOUNTS_MANAGE,
             request_method="GET")
def account_list(request):
    service = request.find_service(AccountService)
    team_id = request.params.get("team", "")
    status = request.params.get("status", "")
    accounts = service.search(
        query=request.params.get("q", "")[:100],
        team_id=int(team_id) if team_id.isdigit() else None,
        active={"active": True, "disabled": False}.get(status),
    )
    return {"accounts": accounts, "teams": service.teams(), "q": request.params.get("q", "")[:100],
            "team_id": team_id, "status": status}


class _AccountFormBase(FormView):
    form_options = {"formid": "account"}

    def bind_values(self):
        service = self.request.find_service(AccountService)
        return {"positions": service.positions(), "teams": service.teams(),
                "mentors": service.search(active=True)}

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

    def appstruct(self):
        account = self.context.account
        values = {k: getattr(account, k) for k in ACCOUNT_FIELDS}
        values["roles"] = account.global_roles
        return {k: v for k, v in values.items() if v is not None}

    def template_vars(self):
        return {"account": self.context.account,
                "grant_form": _grant_form(self.request).render(),
                "scoped_grants": [g for g in self.context.account.grants if g.scope_type != Scope.SITE]}

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
        try:
            service.update(account, actor=actor, ip=_ip(self.request), **{k: appstruct[k] for k in ACCOUNT_FIELDS})
        except AccountError as error:
            return self.invalid("mentor_id", error.msgid, error.mapping)
        service.set_global_roles(account, set(appstruct["roles"]), actor=actor, ip=_ip(self.request))
        flash(self.request, _("Account ${username} saved.", mapping={"username": account.username}))
        return HTTPSeeOther(self.request.url)


def _grant_form(request):
    from ...forms import make_form

    return make_form(request, GrantSchema(), formid="grant",
                     buttons=(deform.Button("submit", request.localizer.translate(_("Add grant"))),),
                     action=request.route_url("admin.accounts.grants", account_id=request.context.account.id))


@view_config(route_name="admin.accounts.grants", request_method="POST", permission=Permission.ACCOUNTS_MANAGE,
             renderer="admin/account_grant_error.jinja2")
def add_grant(request):
    form = _grant_form(request)
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status_int = 400
        return {"account": request.context.account, "grant_form": failure.render()}
    role, scope_type = appstruct["role"].split(":")
    service = request.find_service(AccountService)
    account = request.context.account
    try:
        if role == "mentor":
            mentee = service.by_id(appstruct["scope_id"])
            if mentee is None:
                raise AccountError(_("No account with id ${id}."), {"id": appstruct["scope_id"]})
            service.update(mentee, actor=request.identity.account, ip=_ip(request), mentor_id=account.id)
        else:
            service.grant(account, role, scope_type, appstruct["scope_id"], actor=request.identity.account,
                          ip=_ip(request))
    except AccountError as error:
        request.tm.doom()  # nothing half-saved (the mentor change may have begun)
        request.response.status_int = 400
        return {"account": account, "grant_form": form.render(appstruct),
                "error": _(error.msgid, mapping=error.mapping)}
    flash(request, _("Grant added."))
    return HTTPSeeOther(request.route_url("admin.accounts.edit", account_id=account.id))


@view_config(route_name="admin.accounts.grant_remove", request_method="POST", permission=Permission.ACCOUNTS_MANAGE)
def remove_grant(request):
    account = request.context.account
    grant_id = int(request.matchdict["grant_id"])
    grant = next((g for g in account.grants if g.id == grant_id), None)
    if grant is None:
        raise HTTPBadRequest(request.localizer.translate(_("No such grant.")))
    service = request.find_service(AccountService)
    if grant.role == "mentor" and grant.scope_type == Scope.ACCOUNT:
        service.update(service.by_id(grant.scope_id), actor=request.identity.account, ip=_ip(request),
                       mentor_id=None)
    else:
        service.revoke(grant, actor=request.identity.account, ip=_ip(request))
    flash(request, _("Grant removed."))
    return HTTPSeeOther(request.route_url("admin.accounts.edit", account_id=account.id))


@view_config(route_name="admin.accounts.status", request_method="POST", permission=Permission.ACCOUNTS_MANAGE)
def set_status(request):
    account = request.context.account
    active = request.POST.get("active")
    if active not in ("0", "1"):
        raise HTTPBadRequest(request.localizer.translate(_("Unknown status.")))
    if account.id == request.identity.id and active == "0":
        raise HTTPBadRequest(request.localizer.translate(_("You cannot disable your own account.")))
    request.find_service(AccountService).set_active(account, active == "1", actor=request.identity.account,
                                                    ip=_ip(request))
    flash(request, _("Account enabled.") if active == "1" else _("Account disabled; its sessions were ended."))
    return HTTPSeeOther(request.route_url("admin.accounts.edit", account_id=account.id))


@view_defaults(route_name="admin.accounts.roster", renderer="admin/roster.jinja2",
               permission=Permission.ACCOUNTS_MANAGE)
class RosterImportView(FormView):
    schema = RosterSchema

    def template_vars(self):
        from ...services.accounts import ROSTER_COLUMNS

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
            self.request.response.status_int = 400
            return {"form": self.form.render(), "errors": [(line, _(msg, mapping=m)) for line, msg, m in result.errors],
                    **self.template_vars()}
        flash(self.request, _("Roster imported: ${created} created, ${updated} updated.",
                              mapping={"created": result.created, "updated": result.updated}))
        return HTTPSeeOther(self.request.route_url("admin.accounts"))
