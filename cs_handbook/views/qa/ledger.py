"""The monthly points ledger: page, exports and the rules managers may change."""

from datetime import date

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...clock import Clock
from ...exports import table_response
from ...forms import FormView, flash
from ...i18n import _
from ...models.accounts import GlobalRole
from ...permissions import Permission
from ...schemas.qa import LedgerRulesSchema
from ...services.accounts import AccountService
from ...services.qa import RESPONSE_LIMIT_KEY, SAMPLE_SIZE_KEY, QAService
from ...services.qa_ledger import LedgerRulesError
from ...services.site_settings import SiteSettingsService


def _month(request) -> date:
    value = request.params.get("month", "")
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        return request.find_service(Clock).now().date().replace(day=1)


def visible_team_ids(request) -> set[int] | None:
    """None means every team (QA and admins); managers see only the teams they manage."""
    identity = request.identity
    if identity.has_role(GlobalRole.ADMIN) or identity.has_role(GlobalRole.QA):
        return None
    return request.find_service(AccountService).managed_team_ids(identity.account)


def _lines(request):
    month = _month(request)
    return month, request.find_service(QAService).ledger(month, visible_team_ids(request))


@view_config(route_name="qa.ledger", renderer="qa/ledger.jinja2", permission=Permission.QA_LEDGER, request_method="GET")
def ledger(request):
    month, lines = _lines(request)
    return {"month": month, "lines": lines, "rules": request.find_service(QAService).ledger_rules()}


@view_config(route_name="qa.ledger_export", permission=Permission.QA_LEDGER, request_method="GET")
def ledger_export(request):
    month, lines = _lines(request)
    t = request.localizer.translate
    headers = [
        t(_("Username")),
        t(_("Name")),
        t(_("Team")),
        t(_("Failing transcripts")),
        t(_("Points lost")),
        t(_("Points")),
        t(_("Bonus cut")),
        t(_("Bonus void")),
        t(_("Extra bonus")),
    ]
    rows = [
        (
            a.username,
            a.display_name,
            a.team.name if a.team else "",
            line.failures,
            line.points_lost,
            line.points,
            line.bonus_cut,
            "yes" if line.bonus_void else "",
            "yes" if line.extra_bonus else "",
        )
        for a, line in lines
    ]
    return table_response(request.matchdict["fmt"], f"qa-ledger-{month:%Y-%m}", headers, rows, f"{month:%Y-%m}")


@view_defaults(route_name="qa.rules", renderer="qa/rules.jinja2", permission=Permission.QA_LEDGER)
class LedgerRulesView(FormView):
    schema = LedgerRulesSchema

    def appstruct(self):
        rules = self.request.find_service(QAService).ledger_rules()
        cuts = [t for t in rules["tiers"] if not t.get("bonus_void")]
        void = next((t["below"] for t in rules["tiers"] if t.get("bonus_void")), 0)
        cuts += [{"below": 0, "bonus_cut": 0}] * (2 - len(cuts))
        return {
            "working_days": rules["working_days"],
            "failures_per_point": rules["failures_per_point"],
            "cut_below_1": cuts[0]["below"],
            "cut_amount_1": cuts[0]["bonus_cut"],
            "cut_below_2": cuts[1]["below"],
            "cut_amount_2": cuts[1]["bonus_cut"],
            "void_below": void,
            "extra_bonus_at": rules["extra_bonus_at"],
            "sample_size": self.request.find_service(SiteSettingsService).get(SAMPLE_SIZE_KEY),
            "first_response_seconds": self.request.find_service(SiteSettingsService).get(RESPONSE_LIMIT_KEY),
        }

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
            "tiers": [
                {"below": appstruct["cut_below_1"], "bonus_cut": appstruct["cut_amount_1"]},
                {"below": appstruct["cut_below_2"], "bonus_cut": appstruct["cut_amount_2"]},
                {"below": appstruct["void_below"], "bonus_void": True},
            ],
            "extra_bonus_at": appstruct["extra_bonus_at"],
        }
        actor = self.request.identity.account
        try:
            self.request.find_service(QAService).set_ledger_rules(rules, actor)
        except LedgerRulesError as error:
            return self.invalid("extra_bonus_at", str(error))
        settings = self.request.find_service(SiteSettingsService)
        settings.set(SAMPLE_SIZE_KEY, appstruct["sample_size"], actor=actor)
        settings.set(RESPONSE_LIMIT_KEY, appstruct["first_response_seconds"], actor=actor)
        flash(self.request, _("The ledger rules were saved."))
        return HTTPSeeOther(self.request.route_url("qa.ledger"))
