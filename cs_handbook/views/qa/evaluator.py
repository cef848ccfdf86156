"""The QA evaluator's pages: the queue, the import, the daily sample and the scorecard."""

from datetime import date
from typing import Any

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...clock import Clock
from ...forms import FormView, flash, make_form, validate
from ...i18n import _
from ...ids import parse_id
from ...models.accounts import Account, Team
from ...models.qa import CRITERIA
from ...permissions import Permission
from ...schemas.qa import (
    CHECK_TITLES,
    CRITERION_TITLES,
    TranscriptImportSchema,
    dispute_resolve_schema,
    dispute_schema,
    scorecard_schema,
)
from ...services.qa import MAX_PAGE, QAError, QAService
from ...services.qa_scoring import DISPUTE_STATUS_TITLES, failed_criteria
from ...zones import zone_of
from .common import bad_request

MAX_UPLOAD = 4 * 1024 * 1024


def _today(request) -> date:
    return request.find_service(Clock).now().date()


def queue_filters(request) -> dict:
    """The queue's filters from the query string: day, team, agent (username), page; a 400 for a bad one."""
    params = request.params
    found: dict[str, Any] = {"day": None, "team": None, "agent": None, "page": 1}
    if params.get("day"):
        try:
            found["day"] = date.fromisoformat(params["day"])
        except ValueError:
            raise bad_request(request, _("Give the day as YYYY-MM-DD.")) from None
    if params.get("team"):
        team_id = parse_id(params["team"])
        found["team"] = request.dbsession.get(Team, team_id) if team_id is not None else None
        if found["team"] is None:
            raise bad_request(request, _("There is no such team."))
    if params.get("agent", "").strip():
        name = params["agent"].strip().lower()[:64]
        found["agent"] = request.dbsession.query(Account).filter(Account.username == name).one_or_none()
        if found["agent"] is None:
            raise bad_request(request, _("There is no agent ${name}.", mapping={"name": name}))
    page = parse_id(params.get("page", "1"))
    if page is None or page > MAX_PAGE:
        raise bad_request(request, _("The page must be a whole number from 1."))
    found["page"] = page
    return found


@view_config(route_name="qa.index", renderer="qa/index.jinja2", permission=Permission.QA_EVALUATE, request_method="GET")
def evaluator_home(request):
    service = request.find_service(QAService)
    filters = queue_filters(request)
    me = request.identity.id
    queue = service.queue(day=filters["day"], team_id=filters["team"].id if filters["team"] else None,
                          agent_id=filters["agent"].id if filters["agent"] else None, exclude_agent=me,
                          page=filters["page"])
    query = {k: v for k, v in {"day": request.params.get("day", ""), "team": request.params.get("team", ""),
                               "agent": request.params.get("agent", "")}.items() if v}
    return {"queue": queue, "disputes": service.open_disputes(exclude_agent=me), "today": _today(request),
            "filters": filters, "query": query, "teams": request.dbsession.query(Team).order_by(Team.name).all()}


@view_config(route_name="qa.sample", permission=Permission.QA_EVALUATE, request_method="POST")
def draw_sample(request):
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        raise bad_request(request, _("Give the day as YYYY-MM-DD.")) from None
    drawn = request.find_service(QAService).draw_sample(day)
    flash(request, _("${count} transcripts sampled for ${day}.", mapping={"count": drawn, "day": day.isoformat()}))
    return HTTPSeeOther(request.route_url("qa.index", _query={"day": day.isoformat()}))


@view_defaults(route_name="qa.import", renderer="qa/import.jinja2", permission=Permission.QA_EVALUATE)
class TranscriptImportView(FormView):
    schema = TranscriptImportSchema

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        upload = appstruct["transcripts"]
        raw = upload["fp"].read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            return self.invalid("transcripts", _("The file is larger than 4 MB; split it and import the parts."))
        report = self.request.find_service(QAService).import_file(raw, upload.get("filename") or "upload.csv")
        if report.errors and not (report.imported or report.completed or report.duplicates):
            self.request.response.status_int = 400
        return {
            "form": self.form.render(),
            "report": report,
            "notices": [_(msg, mapping=mapping) for msg, mapping in report.notices],
            "errors": [(line, _(msg, mapping=mapping)) for line, msg, mapping in report.errors],
        }


def _choices(request, names) -> list[tuple[str, str]]:
    return [(name, request.localizer.translate(CRITERION_TITLES[name])) for name in names]


def scorecard_form(request, evaluation):
    return make_form(request, scorecard_schema(), formid="scorecard",
                     action=request.route_url("qa.evaluation", evaluation_id=evaluation.id))


def dispute_form(request, evaluation):
    return make_form(request, dispute_schema(_choices(request, failed_criteria(evaluation))), formid="dispute",
                     action=request.route_url("qa.dispute", evaluation_id=evaluation.id),
                     buttons=(_button(request, "submit", _("Send dispute")),))


def resolve_form(request, dispute):
    evaluation = dispute.evaluation
    return make_form(request, dispute_resolve_schema(_choices(request, failed_criteria(evaluation))),
                     formid="resolve", action=request.route_url("qa.dispute_resolve", dispute_id=dispute.id),
                     buttons=(_button(request, "submit", _("Decide")),))


def _button(request, name, title):
    import deform

    return deform.Button(name, request.localizer.translate(title))


def evaluation_page(request, context, evaluation, **extra) -> dict:
    """The scorecard page: the chat, the findings, and the forms this reader may use now."""
    me = request.identity.id
    can_score = request.has_permission(Permission.QA_EVALUATE, context)
    open_dispute = next((d for d in evaluation.disputes if d.status == "open"), None)
    locked = bool(evaluation.disputes)
    page = {
        "evaluation": evaluation,
        "transcript": evaluation.transcript,
        # Times as the agent saw them: their team's zone (the site's without a team).
        "zone": zone_of(request.dbsession, evaluation.transcript.agent),
        "criteria": CRITERIA,
        "titles": CRITERION_TITLES,
        "check_titles": CHECK_TITLES,
        "dispute_titles": DISPUTE_STATUS_TITLES,
        "can_score": can_score and not locked,
        "locked": locked,
        "form": None,
        "dispute_form": None,
        "resolve_form": None,
    }
    if page["can_score"] and "form" not in extra:
        values = {name: {"ok": entry["ok"], "note": entry.get("note", "")}
                  for name, entry in evaluation.criteria.items() if name in CRITERIA}
        values["comment"] = evaluation.comment
        page["form"] = scorecard_form(request, evaluation).render(values)
    if (evaluation.agent_id == me and evaluation.status == "final" and not evaluation.disputes
            and failed_criteria(evaluation) and "dispute_form" not in extra):
        page["dispute_form"] = dispute_form(request, evaluation).render()
    if open_dispute is not None and can_score and "resolve_form" not in extra:
        page["resolve_form"] = resolve_form(request, open_dispute).render(
            {"amend": open_dispute.criteria, "decision": "accept"})
    page.update(extra)
    return page


@view_defaults(route_name="qa.evaluation", renderer="qa/evaluation.jinja2")
class EvaluationView:
    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.evaluation = context.evaluation

    @view_config(request_method="GET", permission=Permission.QA_OWN_VIEW)
    def get(self):
        if self.evaluation.status != "final" and not self.request.has_permission(Permission.QA_EVALUATE,
                                                                                 self.context):
            raise HTTPNotFound()  # drafts are the evaluator's working notes
        return evaluation_page(self.request, self.context, self.evaluation)

    @view_config(request_method="POST", permission=Permission.QA_EVALUATE)
    def post(self):
        appstruct, rendered = validate(self.request, scorecard_form(self.request, self.evaluation))
        if appstruct is None:
            return evaluation_page(self.request, self.context, self.evaluation, form=rendered)
        try:
            self.request.find_service(QAService).score(
                self.evaluation,
                self.request.identity.account,
                {name: appstruct[name]["ok"] for name in CRITERIA},
                {name: appstruct[name]["note"] for name in CRITERIA},
                appstruct["comment"],
            )
        except QAError as error:
            self.request.response.status_int = error.status
            return evaluation_page(self.request, self.context, self.evaluation, form=rendered,
                                   error=_(error.msgid, mapping=error.mapping))
        verdict = self.request.localizer.translate(_("pass") if self.evaluation.passed else _("fail"))
        flash(self.request, _("Scorecard saved: ${verdict}.", mapping={"verdict": verdict}))
        return HTTPSeeOther(self.request.route_url("qa.index"))
