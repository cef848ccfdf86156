"""The monthly points ledger and the month's scorecards (pages and exports), and the rules that make the ledger."""

from datetime import date

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...exports import table_response
from ...forms import FormView, flash
from ...i18n import _
from ...models.qa import CRITERIA
from ...permissions import Permission
from ...resources.qa import LedgerRulesResource
from ...schemas.qa import CRITERION_TITLES, LedgerRulesSchema
from ...services.audit import AuditAction, AuditService
from ...services.qa import RESPONSE_LIMIT_KEY, SAMPLE_SIZE_KEY, QAService
from ...services.qa_ledger import LedgerRulesError
from ...services.qa_scoring import DISPUTE_STATUS_TITLES
from ...services.site_settings import SiteSettingsService
from .common import chosen_month, visible_team_ids


def may_change_rules(request) -> bool:
    return bool(request.has_permission(Permission.SETTINGS_MANAGE, LedgerRulesResource(request)))


@view_config(route_name="qa.ledger", renderer="qa/ledger.jinja2", permission=Permission.QA_LEDGER, request_method="GET")
def ledger(request):
    month = chosen_month(request)
    service = request.find_service(QAService)
    return {"month": month, "lines": service.ledger(month, visible_team_ids(request)),
            "rules": service.ledger_rules(month), "may_change_rules": may_change_rules(request)}


@view_config(route_name="qa.ledger_export", permission=Permission.QA_LEDGER, request_method="GET")
def ledger_export(request):
    month = chosen_month(request)
    lines = request.find_service(QAService).ledger(month, visible_team_ids(request))
    t = request.localizer.translate
    yes = t(_("Yes"))
    headers = [t(h) for h in (_("Username"), _("Name"), _("Team"), _("Failing transcripts"), _("Points lost"),
                              _("Points"), _("Bonus cut"), _("Bonus void"), _("Extra bonus"))]
    rows = [
        (a.username, a.display_name, a.team.name if a.team else "", line.failures, line.points_lost, line.points,
         line.bonus_cut, yes if line.bonus_void else "", yes if line.extra_bonus else "")
        for a, line in lines
    ]
    return table_response(request.matchdict["fmt"], f"qa-ledger-{month:%Y-%m}", headers, rows, f"{month:%Y-%m}")


@view_config(route_name="qa.evaluations_export", permission=Permission.QA_LEDGER, request_method="GET")
def evaluations_export(request):
    """The month's finished scorecards, one row each, for the teams the reader sees."""
    month = chosen_month(request)
    evaluations = request.find_service(QAService).evaluations_in(month, visible_team_ids(request))
    t = request.localizer.translate
    met, not_met = t(_("met")), t(_("not met"))
    headers = [t(h) for h in (_("Day"), _("Username"), _("Name"), _("Team"), _("Conversation"), _("Result"))]
    headers += [t(CRITERION_TITLES[name]) for name in CRITERIA]
    headers += [t(_("Evaluator")), t(_("Comment")), t(_("Dispute"))]
    rows = []
    for e in evaluations:
        agent = e.transcript.agent
        dispute = e.disputes[-1] if e.disputes else None
        rows.append((
            e.day, agent.username, agent.display_name, agent.team.name if agent.team else "", e.transcript.external_id,
            t(_("Transcript passed") if e.passed else _("Transcript failed")),
            *(met if e.criteria.get(name, {}).get("ok") else not_met for name in CRITERIA),
            e.evaluator.display_name if e.evaluator else "", e.comment,
            t(DISPUTE_STATUS_TITLES[dispute.status]) if dispute else "",
        ))
    return table_response(request.matchdict["fmt"], f"qa-scorecards-{month:%Y-%m}", headers, rows, f"{month:%Y-%m}")


@view_defaults(route_name="qa.rules", renderer="qa/rules.jinja2", permission=Permission.SETTINGS_MANAGE)
class LedgerRulesView(FormView):
    schema = LedgerRulesSchema

    def appstruct(self):
        service = self.request.find_service(QAService)
        month = service.this_month()
        rules = service.ledger_rules(month)
        cuts = [t for t in rules["tiers"] if not t.get("bonus_void")]
        cuts += [{"below": 0, "bonus_cut": 0}] * (2 - len(cuts))
        settings = self.request.find_service(SiteSettingsService)
        return {
            "effective_from": f"{month:%Y-%m}",
            "working_days": rules["working_days"],
            "failures_per_point": rules["failures_per_point"],
            "daily_cap": rules["daily_cap"],
            "cut_below_1": cuts[0]["below"],
            "cut_amount_1": cuts[0]["bonus_cut"],
            "cut_below_2": cuts[1]["below"],
            "cut_amount_2": cuts[1]["bonus_cut"],
            "void_below": next((t["below"] for t in rules["tiers"] if t.get("bonus_void")), 0),
            "extra_bonus_at": rules["extra_bonus_at"],
            "sample_size": settings.get(SAMPLE_SIZE_KEY),
            "first_response_seconds": settings.get(RESPONSE_LIMIT_KEY),
        }

    def template_vars(self):
        return {"versions": self.request.find_service(QAService).rule_versions()[1:]}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        rules = {
            "working_days": appstruct["working_days"],
            "failures_per_point": appstruct["failures_per_point"],
            "daily_cap": appstruct["daily_cap"],
            "tiers": [
                {"below": appstruct["cut_below_1"], "bonus_cut": appstruct["cut_amount_1"]},
                {"below": appstruct["cut_below_2"], "bonus_cut": appstruct["cut_amount_2"]},
                {"below": appstruct["void_below"], "bonus_void": True},
            ],
            "extra_bonus_at": appstruct["extra_bonus_at"],
        }
        year, month = (int(part) for part in appstruct["effective_from"].split("-"))
        actor = self.request.identity.account
        try:
            self.request.find_service(QAService).set_ledger_rules(rules, date(year, month, 1), actor)
        except LedgerRulesError as error:
            return self.invalid(error.field, error.msgid)
        settings = self.request.find_service(SiteSettingsService)
        audit = self.request.find_service(AuditService)
        for key, name in ((SAMPLE_SIZE_KEY, "sample_size"), (RESPONSE_LIMIT_KEY, "first_response_seconds")):
            if settings.get(key) != appstruct[name]:
                settings.set(key, appstruct[name], actor=actor)
                audit.record(AuditAction.SETTING_CHANGED, actor=actor, target_type="setting", target_id=key,
                             detail={"key": key, "value": appstruct[name]}, ip=self.request.client_addr or "")
        flash(self.request, _("The ledger rules were saved: in force from ${month}.",
                              mapping={"month": appstruct["effective_from"]}))
        return HTTPSeeOther(self.request.route_url("qa.ledger", _query={"month": appstruct["effective_from"]}))
