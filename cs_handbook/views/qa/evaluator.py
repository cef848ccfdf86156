"""The QA evaluator's pages: the queue, the import, the daily sample and the scorecard."""

from datetime import date

from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...clock import Clock
from ...forms import FormView, flash, make_form, validate
from ...i18n import _
from ...models.qa import CRITERIA
from ...permissions import Permission
from ...schemas.qa import CHECK_TITLES, CRITERION_TITLES, TranscriptImportSchema, scorecard_schema
from ...services.qa import QAError, QAService

MAX_UPLOAD = 4 * 1024 * 1024


def _today(request) -> date:
    return request.find_service(Clock).now().date()


@view_config(route_name="qa.index", renderer="qa/index.jinja2", permission=Permission.QA_EVALUATE, request_method="GET")
def evaluator_home(request):
    service = request.find_service(QAService)
    return {"queue": service.queue(), "disputes": service.open_disputes(), "today": _today(request)}


@view_config(route_name="qa.sample", permission=Permission.QA_EVALUATE, request_method="POST")
def draw_sample(request):
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError as error:
        raise HTTPBadRequest(request.localizer.translate(_("Give the day as YYYY-MM-DD."))) from error
    drawn = request.find_service(QAService).draw_sample(day)
    flash(request, _("${count} transcripts sampled for ${day}.", mapping={"count": drawn, "day": day.isoformat()}))
    return HTTPSeeOther(request.route_url("qa.index"))


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


@view_defaults(route_name="qa.evaluation", renderer="qa/evaluation.jinja2")
class EvaluationView:
    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.evaluation = context.evaluation

    def _form(self):
        return make_form(
            self.request,
            scorecard_schema(),
            formid="scorecard",
            action=self.request.route_url("qa.evaluation", evaluation_id=self.evaluation.id),
        )

    def _page(self, form_html=None, **extra):
        can_score = self.request.has_permission(Permission.QA_EVALUATE, self.context)
        if form_html is None and can_score:
            values = {
                name: {"ok": entry["ok"], "note": entry.get("note", "")}
                for name, entry in self.evaluation.criteria.items()
                if name in CRITERIA
            }
            values["comment"] = self.evaluation.comment
            form_html = self._form().render(values)
        return {
            "evaluation": self.evaluation,
            "transcript": self.evaluation.transcript,
            "form": form_html,
            "criteria": CRITERIA,
            "titles": CRITERION_TITLES,
            "check_titles": CHECK_TITLES,
            "can_score": can_score,
            "can_dispute": self.request.has_permission(Permission.QA_DISPUTE, self.context)
            and self.evaluation.agent_id == self.request.identity.id,
            **extra,
        }

    @view_config(request_method="GET", permission=Permission.QA_OWN_VIEW)
    def get(self):
        if self.evaluation.status != "final" and not self.request.has_permission(Permission.QA_EVALUATE, self.context):
            # Drafts are the evaluator's working notes.
            from pyramid.httpexceptions import HTTPNotFound

            raise HTTPNotFound()
        return self._page()

    @view_config(request_method="POST", permission=Permission.QA_EVALUATE)
    def post(self):
        form = self._form()
        appstruct, rendered = validate(self.request, form)
        if appstruct is None:
            return self._page(rendered)
        service = self.request.find_service(QAService)
        try:
            service.score(
                self.evaluation,
                self.request.identity.account,
                {name: appstruct[name]["ok"] for name in CRITERIA},
                {name: appstruct[name]["note"] for name in CRITERIA},
                appstruct["comment"],
            )
        except QAError as error:
            self.request.response.status_int = error.status
            return self._page(rendered, error=_(error.msgid, mapping=error.mapping))
        flash(
            self.request,
            _(
                "Scorecard saved: ${verdict}.",
                mapping={
                    "verdict": self.request.localizer.translate(_("pass") if self.evaluation.passed else _("fail"))
                },
            ),
        )
        return HTTPSeeOther(self.request.route_url("qa.index"))
