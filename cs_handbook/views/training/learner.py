"""The new hire's pages: my onboarding, one item, confirm read, request sign-off, certificate."""

from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ...forms import flash
from ...i18n import _
from ...models.training import ItemKind
from ...permissions import Permission
from ...services.training import TrainingError, TrainingService


def document_url(request, slug: str) -> str | None:
    """Link to a handbook page if the documents area has its route; else None (the slug is shown)."""
    try:
        return request.route_url("documents.view", slug=slug)
    except KeyError:
        return None


def home_panel(request):
    if not request.is_authenticated:
        return None
    service = request.find_service(TrainingService)
    account = request.identity.account
    enrolment = service.enrolment_for(account.id)
    if enrolment is None:
        return None
    summary = service.summary(account, enrolment)
    return {"title": request.localizer.translate(_("Today's onboarding")), "template": "training/_panel.jinja2",
            "training_today": service.today_rows(account, summary)[:8], "training_summary": summary}


@view_config(route_name="training.mine", renderer="training/mine.jinja2", request_method="GET",
             permission=Permission.TRAINING_LEARN)
def mine(request):
    service = request.find_service(TrainingService)
    account = request.identity.account
    enrolment = service.enrolment_for(account.id)
    summary = service.summary(account, enrolment)
    return {"person": account, "enrolment": enrolment, "summary": summary,
            "today": service.today_rows(account, summary), "certificate": service.certificate_for(account.id),
            "own": True, "owned_courses": service.owned_courses(account.id)}


def _row(request):
    service = request.find_service(TrainingService)
    row = service.item_on_path(request.identity.account, int(request.matchdict["item_id"]))
    if row is None:
        raise HTTPNotFound()
    return service, row


@view_config(route_name="training.item", renderer="training/item.jinja2", request_method="GET",
             permission=Permission.TRAINING_LEARN)
def item(request):
    service, row = _row(request)
    link = None
    if row.item.kind == ItemKind.READING:
        link = document_url(request, row.item.target)
    elif row.item.kind == ItemKind.LINK:
        link = row.item.target if row.item.target.startswith(("https://", "http://")) else None
    elif row.item.kind == ItemKind.QUIZ and row.available:
        try:
            # Starting an attempt is a POST to the quiz area's start route.
            link = request.route_url("quizzes.start", slug=row.item.target)
        except KeyError:
            link = None
    return {"row": row, "link": link,
            "signoff": service.open_signoff(request.identity.id, row.item.id)}


@view_config(route_name="training.item.confirm", request_method="POST", permission=Permission.TRAINING_LEARN)
def confirm(request):
    service, row = _row(request)
    try:
        service.confirm_read(request.identity.account, row.item.id)
    except TrainingError as error:
        raise HTTPBadRequest(request.localizer.translate(_(error.msgid, mapping=error.mapping))) from None
    flash(request, _("Marked as read: ${title}", mapping={"title": row.item.title}))
    return HTTPSeeOther(request.route_url("training.mine"))


@view_config(route_name="training.item.request", request_method="POST", permission=Permission.TRAINING_LEARN)
def request_signoff(request):
    service, row = _row(request)
    note = request.POST.get("note", "").strip()[:2000]
    try:
        service.request_signoff(request.identity.account, row.item.id, note)
    except TrainingError as error:
        raise HTTPBadRequest(request.localizer.translate(_(error.msgid, mapping=error.mapping))) from None
    flash(request, _("Your mentor was asked to sign off ${title}.", mapping={"title": row.item.title}))
    return HTTPSeeOther(request.route_url("training.mine"))


@view_config(route_name="training.certificate", renderer="training/certificate.jinja2", request_method="GET",
             permission=Permission.TRAINING_LEARN)
def certificate(request):
    cert = request.find_service(TrainingService).certificate_for(request.identity.id)
    if cert is None:
        raise HTTPNotFound()
    return {"certificate": cert, "person": request.identity.account}
