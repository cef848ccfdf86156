"""The new hire's pages: my onboarding, one item, open and confirm a reading, request a sign-off, certificate."""

import colander
from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ...forms import flash
from ...i18n import _
from ...ids import parse_id
from ...models.training import ItemKind
from ...permissions import Permission
from ...schemas.training import SignOffRequestSchema
from ...services.training import TrainingError, TrainingService


def document_url(request, slug: str) -> str | None:
    """Link to a handbook page if the documents area has its route; else None (the slug is shown)."""
    try:
        return request.route_url("documents.view", slug=slug.partition("#")[0])
    except KeyError:
        return None


def bad_request(request, error: TrainingError):
    return HTTPBadRequest(request.localizer.translate(_(error.msgid, mapping=error.mapping)))


def bad_form(request, error: colander.Invalid):
    """A 400 naming what is wrong with a plain (non-deform) form, in the reader's language."""
    return HTTPBadRequest(" ".join(error.asdict(translate=request.localizer.translate).values()))


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


def progress_page(request, service, person, own: bool) -> dict:
    """What my onboarding and a person's page show (one template)."""
    enrolment = service.enrolment_for(person.id)
    summary = service.summary(person, enrolment)
    certificate = service.certificate_for(person.id)
    return {"person": person, "enrolment": enrolment, "summary": summary, "own": own,
            "today": service.today_rows(person, summary), "certificate": certificate,
            "issued_on": service.local_date(person, certificate.issued_at) if certificate else None}


@view_config(route_name="training.mine", renderer="training/mine.jinja2", request_method="GET",
             permission=Permission.TRAINING_LEARN)
def mine(request):
    service = request.find_service(TrainingService)
    account = request.identity.account
    return {**progress_page(request, service, account, own=True), "owned_courses": service.owned_courses(account.id)}


def _row(request):
    service = request.find_service(TrainingService)
    item_id = parse_id(request.matchdict["item_id"])  # "٣" matches the route's \d too
    row = service.item_on_path(request.identity.account, item_id) if item_id else None
    if row is None:
        raise HTTPNotFound()
    return service, row


def _target_url(request, row) -> str | None:
    if row.item.kind == ItemKind.READING:
        return document_url(request, row.item.target)
    if row.item.kind == ItemKind.LINK and row.item.target.startswith(("https://", "http://")):
        return row.item.target
    return None


@view_config(route_name="training.item", renderer="training/item.jinja2", request_method="GET",
             permission=Permission.TRAINING_LEARN)
def item(request):
    service, row = _row(request)
    link = None
    if row.item.kind in (ItemKind.READING, ItemKind.LINK) and _target_url(request, row):
        # Through the site, so the opening is recorded before the reader is sent on.
        link = request.route_url("training.item.open", item_id=row.item.id)
    elif row.item.kind == ItemKind.QUIZ and row.available:
        try:
            # Starting an attempt is a POST to the quiz area's start route.
            link = request.route_url("quizzes.start", slug=row.item.target)
        except KeyError:
            link = None
    progress = service.progress_of(request.identity.id, row.item.id)
    return {"row": row, "link": link, "opened": progress is not None and progress.opened_at is not None,
            "signoff": service.open_signoff(request.identity.id, row.item.id)}


@view_config(route_name="training.item.open", request_method="GET", permission=Permission.TRAINING_LEARN)
def open_item(request):
    service, row = _row(request)
    url = _target_url(request, row)
    if url is None:
        raise HTTPNotFound()
    try:
        service.open_item(request.identity.account, row.item.id)
    except TrainingError as error:
        raise bad_request(request, error) from None
    return HTTPSeeOther(url)


@view_config(route_name="training.item.confirm", request_method="POST", permission=Permission.TRAINING_LEARN)
def confirm(request):
    service, row = _row(request)
    try:
        service.confirm_read(request.identity.account, row.item.id)
    except TrainingError as error:
        raise bad_request(request, error) from None
    flash(request, _("Marked as read: ${title}", mapping={"title": row.item.title}))
    return HTTPSeeOther(request.route_url("training.mine"))


@view_config(route_name="training.item.request", request_method="POST", permission=Permission.TRAINING_LEARN)
def request_signoff(request):
    service, row = _row(request)
    try:
        note = SignOffRequestSchema().deserialize({"note": request.POST.get("note", "")})["note"]
    except colander.Invalid as error:
        raise bad_form(request, error) from None
    account = request.identity.account
    try:
        service.request_signoff(account, row.item.id, note)
    except TrainingError as error:
        raise bad_request(request, error) from None
    if service.active_mentor_id(account):
        flash(request, _("Your mentor was asked to sign off ${title}.", mapping={"title": row.item.title}))
    else:
        flash(request, _("You have no mentor yet: your team's managers were asked to sign off ${title}.",
                         mapping={"title": row.item.title}))
    return HTTPSeeOther(request.route_url("training.mine"))


@view_config(route_name="training.certificate", renderer="training/certificate.jinja2", request_method="GET",
             permission=Permission.TRAINING_LEARN)
def certificate(request):
    service = request.find_service(TrainingService)
    account = request.identity.account
    cert = service.certificate_for(account.id)
    if cert is None:
        raise HTTPNotFound()
    return {"certificate": cert, "person": account, "issued_on": service.local_date(account, cert.issued_at)}
