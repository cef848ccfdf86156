"""The agent's side of QA: my scored transcripts, and disputes."""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ...forms import flash, make_form, validate
from ...i18n import _
from ...permissions import Permission
from ...schemas.qa import DisputeSchema
from ...services.qa import QAError, QAService


@view_config(route_name="qa.mine", renderer="qa/mine.jinja2", permission=Permission.QA_OWN_VIEW, request_method="GET")
def my_evaluations(request):
    evaluations = request.find_service(QAService).evaluations_of(request.identity.id)
    return {"evaluations": evaluations}


def dispute_form(request, evaluation):
    return make_form(
        request, DisputeSchema(), formid="dispute", action=request.route_url("qa.dispute", evaluation_id=evaluation.id)
    )


@view_config(
    route_name="qa.dispute", renderer="qa/dispute.jinja2", permission=Permission.QA_DISPUTE, request_method="POST"
)
def open_dispute(request):
    evaluation = request.context.evaluation
    form = dispute_form(request, evaluation)
    appstruct, rendered = validate(request, form)
    if appstruct is None:
        return {"evaluation": evaluation, "form": rendered}
    try:
        request.find_service(QAService).open_dispute(evaluation, request.identity.account, appstruct["comment"])
    except QAError as error:
        request.response.status_int = error.status
        return {"evaluation": evaluation, "form": rendered, "error": _(error.msgid, mapping=error.mapping)}
    flash(request, _("Your dispute was sent to the evaluator."))
    return HTTPSeeOther(request.route_url("qa.evaluation", evaluation_id=evaluation.id))


@view_config(route_name="qa.dispute_resolve", permission=Permission.QA_EVALUATE, request_method="POST")
def resolve_dispute(request):
    dispute = request.context.dispute
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        flash(request, _("Choose accept or reject."), "error")
        request.response.status_int = 400
        return HTTPSeeOther(request.route_url("qa.index"))
    resolution = request.POST.get("resolution", "").strip()[:2000]
    try:
        request.find_service(QAService).resolve_dispute(
            dispute, request.identity.account, decision == "accept", resolution
        )
    except QAError as error:
        flash(request, _(error.msgid, mapping=error.mapping), "error")
    else:
        flash(
            request,
            _("Dispute accepted: the transcript now counts as passed.")
            if decision == "accept"
            else _("Dispute rejected."),
        )
    return HTTPSeeOther(request.route_url("qa.index"))
