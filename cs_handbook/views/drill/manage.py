"""The trainer's drill page (caps, retention, leeches, hard items, suspend/fix) and the manager's heat-map."""

from dataclasses import asdict

import colander
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...clock import Clock
from ...forms import FormView, flash
from ...i18n import _
from ...ids import parse_id
from ...models.accounts import Account
from ...models.drill import ItemKind
from ...permissions import Permission as P
from ...schemas.drill import ANSWER_KINDS, ItemUpdateSchema, TeamSettingsSchema, answer_of, item_fix_schema
from ...services import drill_reports as reports
from ...services.accounts import AccountService
from ...services.drill import DrillError, DrillService
from .learner import drill_error


def _query_number(request, name: str) -> int | None:
    """An optional id or page number of the query string; anything else there is a 400."""
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    number = parse_id(raw)
    if number is None:
        raise DrillError("This page does not exist.", 400)
    return number


@view_config(route_name="drill.manage", renderer="drill/manage.jinja2", request_method="GET",
             permission=P.DRILL_MANAGE)
def manage(request):
    svc = request.find_service(DrillService)
    teams = request.find_service(AccountService).teams()
    try:
        team_id, page = _query_number(request, "team"), _query_number(request, "page")
        if team_id is not None and team_id not in {t.id for t in teams}:
            raise DrillError("No such team.", 400)
    except DrillError as err:
        return drill_error(request, err)
    return {
        "teams": [(t, svc.settings(t.id)) for t in teams],
        "leech_team": team_id,
        "leeches": reports.leeches(request.dbsession, team_id, page or 1),
        "hardest": reports.hardest_items(request.dbsession),
        "attention": reports.items_needing_attention(request.dbsession),
    }


@view_config(route_name="drill.card_reset", request_method="POST", permission=P.DRILL_MANAGE)
def card_reset(request):
    """A trainer brings a leech back into its person's drill (no lapses, due now)."""
    card = request.context.card
    if not card.leech:
        return drill_error(request, DrillError("This item is not held back.", 409))
    request.find_service(DrillService).reset_leech(card)
    person = request.dbsession.get(Account, card.account_id)
    flash(request, _("${name} will see this item again.", mapping={"name": person.display_name}))
    team_id = parse_id(request.POST.get("team", ""))
    return HTTPSeeOther(request.route_url("drill.manage", _query={"team": team_id} if team_id else {},
                                          _anchor="drill-leeches"))


@view_defaults(route_name="drill.team_settings", renderer="drill/team_settings.jinja2", permission=P.DRILL_MANAGE)
class TeamSettingsView(FormView):
    """One team's caps and target retention; invalid input comes back on the fields with a 400."""

    schema = TeamSettingsSchema
    form_options = {"formid": "drill-settings"}

    def appstruct(self):
        return asdict(self.request.find_service(DrillService).settings(self.context.team.id))

    def template_vars(self):
        return {"team": self.context.team}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        team = self.context.team
        values = {k: appstruct[k] for k in ("new_per_day", "reviews_per_day", "target_retention", "targeted_per_day")}
        try:
            self.request.find_service(DrillService).set_settings(team.id, **values)
        except DrillError as err:
            return self.invalid(err.mapping.get("name", "new_per_day"), err.msgid, err.mapping)
        flash(self.request, _("Drill settings saved for ${team}.", mapping={"team": team.name}))
        return HTTPSeeOther(self.request.route_url("drill.manage"))


@view_config(route_name="drill.item_update", request_method="POST", permission=P.DRILL_MANAGE)
def item_update(request):
    """Suspend an item or make it active again."""
    try:
        action = ItemUpdateSchema().bind(request=request).deserialize(dict(request.POST))["action"]
    except colander.Invalid:
        return drill_error(request, DrillError("Unknown action.", 400))
    request.find_service(DrillService).set_item_status(request.context.item,
                                                       "suspended" if action == "suspend" else "active")
    flash(request, _("Item updated."))
    return HTTPSeeOther(request.route_url("drill.manage"))


@view_defaults(route_name="drill.item_edit", renderer="drill/item_fix.jinja2", permission=P.DRILL_MANAGE)
class ItemFixView(FormView):
    """A trainer corrects an item's question, explanation and (generated items) answer."""

    form_options = {"formid": "drill-item"}

    def make_schema(self):
        return item_fix_schema(self.context.item)

    def appstruct(self):
        item = self.context.item
        values = {"prompt": item.prompt, "explanation": item.explanation}
        if item.kind == "order-steps":
            values["answer"] = "\n".join(item.answer.get("order") or ())
        elif item.kind in ANSWER_KINDS:
            values["answer"] = str(item.answer.get("value", ""))
        return values

    def template_vars(self):
        item = self.context.item
        return {"item": item, "bank": item.kind == ItemKind.BANK_QUESTION}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        if self.context.item.kind == ItemKind.BANK_QUESTION:
            return drill_error(self.request, DrillError("Change bank questions in the question bank.", 409))
        return super().post()

    def on_success(self, appstruct):
        item = self.context.item
        answer = answer_of(item.kind, appstruct["answer"]) if "answer" in appstruct else None
        changed = self.request.find_service(DrillService).fix_item(
            item, prompt=appstruct["prompt"], explanation=appstruct["explanation"], answer=answer)
        flash(self.request, _("Item corrected; everyone who learned it will see it again.") if changed
              else _("Item updated."))
        return HTTPSeeOther(self.request.route_url("drill.manage"))


@view_config(route_name="drill.heatmap", renderer="drill/heatmap.jinja2", request_method="GET",
             permission=P.DRILL_TEAM_VIEW)
def heatmap(request):
    teams = reports.managed_teams(request.dbsession, request.identity.account)
    sections, rows = reports.heatmap(request.dbsession, [t.id for t in teams], request.find_service(Clock).now())
    return {"teams": teams, "sections": sections, "rows": rows}
