"""Scoped grants on the account page: one small form per kind, targets picked by name."""

import deform
from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.view import view_config
from translationstring import TranslationString

from ...forms import flash, make_form
from ...i18n import _
from ...ids import parse_id
from ...models.accounts import Scope, ScopedRole
from ...permissions import Permission
from ...schemas.accounts import GrantSchema
from ...services.accounts import AccountError, AccountService
from ...services.grant_targets import GRANT_KINDS, LIST_LIMIT, GrantTargets

FILTER_MAX = 100  # characters of a filter kept


def form_id(kind) -> str:
    return f"grant-{kind.key.replace(':', '-')}"


def _grant_form(request, account, kind, targets: GrantTargets, words: str = "", keep=None) -> deform.Form:
    """The form of one kind: a short list of targets (`words` narrows it), `keep` (an id sent back with
    a refused form) listed too; any target the grant may be given on is accepted, listed or not."""
    choices, more = targets.choices(kind.scope, exclude_account_id=account.id, words=words)
    if isinstance(keep, int) and keep not in {id_ for id_, _name in choices} and targets.allowed(
            kind.scope, keep, account.id):
        name = targets.names([(kind.scope, keep)]).get((kind.scope, keep))
        choices = [(keep, name)] + choices if name is not None else choices
    schema = GrantSchema(title=kind.title)
    form = make_form(request, schema, bind={"kind": kind, "choices": choices,
                                            "allowed": lambda id_: targets.allowed(kind.scope, id_, account.id)},
                     formid=form_id(kind),
                     buttons=(deform.Button("submit", request.localizer.translate(_("Add grant"))),),
                     action=request.route_url("admin.accounts.grants", account_id=account.id))
    form.has_choices = bool(choices)
    form.more = more
    return form


def filter_words(request) -> tuple[str | None, str]:
    """(kind key, words) of the target filter in the query string (?find=owner:document&q=…)."""
    kind = request.GET.get("find", "")
    words = "".join(ch for ch in request.GET.get("q", "") if ch.isprintable())[:FILTER_MAX].strip()
    return (kind, words) if kind in GRANT_KINDS else (None, "")


def grants_section(request, account, failed=None) -> dict:
    """The account's scoped grants by name, and a form per kind (`failed` = (kind key, rendered form)).

    Each form lists a few targets by name; where a kind has more (a site's thousands of documents),
    a filter above it narrows the list through the query string, so it works without scripts."""
    targets = GrantTargets(request.dbsession)
    find, words = filter_words(request)
    forms = []
    for kind in GRANT_KINDS.values():
        kind_words = words if kind.key == find else ""
        if failed is not None and failed[0] == kind.key:
            forms.append({"kind": kind, "html": failed[1], "has_choices": True, "filter": False, "words": "",
                          "more": False, "form_id": form_id(kind)})
            continue
        form = _grant_form(request, account, kind, targets, kind_words)
        forms.append({"kind": kind, "html": form.render({"role": kind.key}) if form.has_choices else "",
                      "has_choices": form.has_choices, "more": form.more, "words": kind_words,
                      # A filter where there is a list to narrow, or one was used.
                      "filter": form.more or bool(kind_words), "form_id": form_id(kind)})
    return {"scoped_grants": [{**item, "label": translated(request, item["label"]),
                               "name": translated(request, item["name"])} for item in targets.describe(account.grants)],
            "grant_forms": forms, "grant_list_limit": LIST_LIMIT}


def translated(request, text) -> str:
    """Messages translated, names (a team's, a course title) shown as they are."""
    return request.localizer.translate(text) if isinstance(text, TranslationString) else text


def _refused(request, account, message, failed=None):
    request.tm.doom()  # nothing half-saved (a mentor change may have begun)
    request.response.status_int = 400
    return {"account": account, "error": message, **grants_section(request, account, failed)}


@view_config(route_name="admin.accounts.grants", request_method="POST", permission=Permission.ACCOUNTS_MANAGE,
             renderer="admin/account_grant_error.jinja2")
def add_grant(request):
    account = request.context.account
    kind = GRANT_KINDS.get(request.POST.get("role", ""))
    if kind is None:
        return _refused(request, account, _("Unknown kind of grant."))
    posted = parse_id(request.POST.get("scope_id", ""))
    form = _grant_form(request, account, kind, GrantTargets(request.dbsession), keep=posted)
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        return _refused(request, account, None, failed=(kind.key, failure.render()))
    service = request.find_service(AccountService)
    actor, ip = request.identity.account, request.client_addr or ""
    try:
        if kind.role == ScopedRole.MENTOR:
            # Kept as the mentee's mentor field too (one mentor each): the grant moves to this account.
            service.assign_mentor(service.by_id(appstruct["scope_id"]), account.id, actor=actor, ip=ip)
        else:
            service.grant(account, kind.role, kind.scope, appstruct["scope_id"], actor=actor, ip=ip)
    except AccountError as error:
        return _refused(request, account, _(error.msgid, mapping=error.mapping),
                        failed=(kind.key, form.render(appstruct)))
    flash(request, _("Grant added."))
    return HTTPSeeOther(request.route_url("admin.accounts.edit", account_id=account.id))


@view_config(route_name="admin.accounts.grant_remove", request_method="POST", permission=Permission.ACCOUNTS_MANAGE)
def remove_grant(request):
    account = request.context.account
    grant_id = parse_id(request.matchdict["grant_id"])
    grant = next((g for g in account.grants if g.id == grant_id and g.scope_type != Scope.SITE), None)
    if grant is None:
        raise HTTPBadRequest(request.localizer.translate(_("No such grant.")))
    service = request.find_service(AccountService)
    actor, ip = request.identity.account, request.client_addr or ""
    mentee = service.by_id(grant.scope_id) if grant.role == ScopedRole.MENTOR else None
    if mentee is not None and mentee.mentor_id == account.id:
        service.assign_mentor(mentee, None, actor=actor, ip=ip)
    else:
        service.revoke(grant, actor=actor, ip=ip)
    flash(request, _("Grant removed."))
    return HTTPSeeOther(request.route_url("admin.accounts.edit", account_id=account.id))
