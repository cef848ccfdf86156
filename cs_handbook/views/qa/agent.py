"""The agent's side of QA — my scored transcripts and points, disputes — and the evaluator's decision on a dispute."""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ...forms import flash, validate
from ...i18n import _
from ...permissions import Permission
from ...services.qa import QAError, QAService
from ...services.qa_scoring import DISPUTE_STATUS_TITLES
from .common import chosen_month
from .evaluator import dispute_form, evaluation_page, resolve_form


@view_config(route_name="qa.mine", renderer="qa/mine.jinja2", permission=Permission.QA_OWN_VIEW, request_method="GET")
def my_evaluations(request):
    month = chosen_month(request)
    service = request.find_service(QAService)
    line, rules = service.agent_month(request.identity.id, month)
    return {"month": month, "line": line, "rules": rules, "dispute_titles": DISPUTE_STATUS_TITLES,
            "evaluations": service.evaluations_of(request.identity.id, month)}


@view_config(route_name="qa.dispute", renderer="qa/evaluation.jinja2", permission=Permission.QA_DISPUTE,
             request_method="POST")
def open_dispute(request):
    evaluation = request.context.evaluation
    appstruct, rendered = validate(request, dispute_form(request, evaluation))
    if appstruct is None:
        return evaluation_page(request, request.context, evaluation, dispute_form=rendered)
    try:
        request.find_service(QAService).open_dispute(evaluation, request.identity.account, appstruct["comment"],
                                                     appstruct["criteria"])
    except QAError as error:
        request.response.status_int = error.status
        return evaluation_page(request, request.context, evaluation, error=_(error.msgid, mapping=error.mapping))
    flash(request, _("Your dispute was sent to the evaluator."))
    return HTTPSeeOther(request.route_url("qa.evaluation", evaluation_id=evaluation.id))


@view_config(route_name="qa.dispute_resolve", renderer="qa/evaluation.jinja2", permission=Permission.QA_EVALUATE,
             request_method="POST")
def resolve_dispute(request):
    dispute = request.context.dispute
    evaluation = dispute.evaluation
    appstruct, rendered = validate(request, resolve_form(request, dispute))
    if appstruct is None:
        return evaluation_page(request, request.context, evaluation, resolve_form=rendered)
    accept = appstruct["decision"] == "accept"
    try:
        request.find_service(QAService).resolve_dispute(dispute, request.identity.account, accept,
                                                        appstruct["resolution"], appstruct["amend"])
    except QAError as error:
        request.response.status_int = error.status
        return evaluation_page(request, request.context, evaluation, resolve_form=rendered,
                               error=_(error.msgid, mapping=error.mapping))
    if accept:
        verdict = request.localizer.translate(_("pass") if evaluation.passed else _("fail"))
        flash(request, _("Dispute upheld: the scorecard was amended and the transcript now counts as ${verdict}.",
                         mapping={"verdict": verdict}))
    else:
        flash(request, _("Dispute rejected: the scorecard stands."))
    return HTTPSeeOther(request.route_url("qa.index"))
