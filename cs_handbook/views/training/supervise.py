"""Mentor and manager pages: mentees, one person's progress and certificate,
sign-off decisions, the team view (who is behind, who is not enrolled and
why), pairing mentors and enrolling by hand."""

import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ...forms import flash, make_form
from ...i18n import _
from ...permissions import Permission
from ...schemas.training import DecisionSchema, EnrolSchema, MentorSchema
from ...services.accounts import AccountError, AccountService
from ...services.training import TrainingError, TrainingForbidden, TrainingService
from .learner import bad_form, bad_request, progress_page


def _people_rows(service, people):
    rows = []
    for person in people:
        enrolment = service.enrolment_for(person.id)
        rows.append((person, enrolment, service.summary(person, enrolment)))
    return rows


@view_config(route_name="training.mentees", renderer="training/mentees.jinja2", request_method="GET",
             permission=Permission.TRAINING_MENTOR)
def mentees(request):
    service = request.find_service(TrainingService)
    actor = request.identity.account
    people = service.mentees(actor)
    # Mentees are the actor's to decide (a person is never their own mentor).
    return {"rows": _people_rows(service, people), "pending": service.pending_signoffs(people),
            "people": {p.id: p for p in people}}


@view_config(route_name="training.person", renderer="training/mine.jinja2", request_method="GET",
             permission=Permission.TRAINING_PROGRESS_VIEW)
def person(request):
    service = request.find_service(TrainingService)
    person = request.context.person
    actor = request.identity.account
    # Sign-off forms only for someone who may decide them (never the person themselves).
    return {**progress_page(request, service, person, own=person.id == actor.id),
            "pending": service.pending_signoffs([person], actor)}


@view_config(route_name="training.person.certificate", renderer="training/certificate.jinja2", request_method="GET",
             permission=Permission.TRAINING_PROGRESS_VIEW)
def person_certificate(request):
    person = request.context.person
    service = request.find_service(TrainingService)
    cert = service.certificate_for(person.id)
    if cert is None:
        raise HTTPNotFound()
    return {"certificate": cert, "person": person, "issued_on": service.local_date(person, cert.issued_at)}


@view_config(route_name="training.signoff.decide", request_method="POST", permission=Permission.TRAINING_MENTOR)
def decide(request):
    service = request.find_service(TrainingService)
    try:
        values = DecisionSchema().deserialize({name: request.POST.get(name, colander.null)
                                               for name in ("decision", "note", "came_from")})
    except colander.Invalid as error:
        raise bad_form(request, error) from None
    approve = values["decision"] == "approve"
    try:
        service.decide(request.identity.account, request.context.signoff, approve, values["note"])
    except TrainingForbidden:
        raise HTTPForbidden() from None
    except TrainingError as error:
        raise bad_request(request, error) from None
    flash(request, _("Signed off.") if approve else _("Sent back."))
    came_from = values["came_from"]
    # Back to the page the form was on, never elsewhere.
    if not came_from.startswith("/training/") or "//" in came_from or "\\" in came_from:
        came_from = request.route_path("training.mentees")
    return HTTPSeeOther(request.application_url + came_from)


@view_config(route_name="training.team", renderer="training/team.jinja2", request_method="GET",
             permission=Permission.TRAINING_MANAGE)
def team(request):
    service = request.find_service(TrainingService)
    actor = request.identity.account
    rows, not_enrolled = [], []
    people = service.managed_people(actor)
    for person in people:
        enrolment = service.enrolment_for(person.id)
        if enrolment is None:
            not_enrolled.append((person, service.not_enrolled_reason(person)))
        else:
            rows.append((person, enrolment, service.summary(person, enrolment)))
    behind = [r for r in rows if r[2].overdue]
    return {"rows": rows, "behind": behind, "not_enrolled": not_enrolled,
            # Everyone listed is in the actor's teams: all but the actor's own requests are theirs to decide.
            "pending": service.pending_signoffs([p for p in people if p.id != actor.id]),
            "people": {p.id: p for p in people}}


def _mentor_form(request, person):
    mentors = [a for a in request.find_service(AccountService).search(active=True) if a.id != person.id]
    return make_form(request, MentorSchema(), bind={"mentors": mentors}, formid="mentor",
                     action=request.route_url("training.person.mentor", account_id=person.id),
                     buttons=(deform.Button("submit", request.localizer.translate(_("Assign mentor"))),))


def _enrol_form(request, person):
    # Only published paths: nobody is put on a path still being written.
    paths = request.find_service(TrainingService).paths(published_only=True)
    return make_form(request, EnrolSchema(), bind={"paths": paths}, formid="enrol",
                     action=request.route_url("training.person.enrol", account_id=person.id),
                     buttons=(deform.Button("submit", request.localizer.translate(_("Enrol"))),))


def _manage_page(request, mentor_form=None, enrol_form=None, error=None):
    person = request.context.person
    service = request.find_service(TrainingService)
    enrolment = service.enrolment_for(person.id)
    # A path started on a veteran's old start date would be overdue from
    # the first minute: by hand, they start today unless the manager says otherwise.
    start = service.today(person) if service.is_veteran(person) else person.start_date
    values = {"start_date": start or colander.null, "finish_by": enrolment.finish_by if enrolment else None,
              "path": enrolment.path.position_code if enrolment else (person.position.code if person.position
                                                                        else colander.null)}
    return {"person": person, "enrolment": enrolment, "error": error,
            "reason": None if enrolment else service.not_enrolled_reason(person),
            "mentor_form": mentor_form or _mentor_form(request, person).render(
                {"mentor": str(person.mentor_id or "")}),
            "enrol_form": enrol_form or _enrol_form(request, person).render(
                {k: v for k, v in values.items() if v not in (colander.null, None)})}


@view_config(route_name="training.person.mentor", renderer="training/manage_person.jinja2", request_method="GET",
             permission=Permission.TRAINING_MANAGE)
@view_config(route_name="training.person.enrol", renderer="training/manage_person.jinja2", request_method="GET",
             permission=Permission.TRAINING_MANAGE)
def manage_person(request):
    return _manage_page(request)


@view_config(route_name="training.person.mentor", renderer="training/manage_person.jinja2", request_method="POST",
             permission=Permission.TRAINING_MANAGE)
def assign_mentor(request):
    person = request.context.person
    form = _mentor_form(request, person)
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status_int = 400
        return _manage_page(request, mentor_form=failure.render())
    mentor_id = int(appstruct["mentor"]) if appstruct["mentor"] else None
    try:
        request.find_service(AccountService).update(person, actor=request.identity.account,
                                                    ip=request.client_addr or "", mentor_id=mentor_id)
    except AccountError as error:
        request.response.status_int = 400
        return _manage_page(request, error=request.localizer.translate(_(error.msgid, mapping=error.mapping)))
    flash(request, _("Mentor saved."))
    return HTTPSeeOther(request.route_url("training.person.mentor", account_id=person.id))


@view_config(route_name="training.person.enrol", renderer="training/manage_person.jinja2", request_method="POST",
             permission=Permission.TRAINING_MANAGE)
def enrol(request):
    person = request.context.person
    service = request.find_service(TrainingService)
    form = _enrol_form(request, person)
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status_int = 400
        return _manage_page(request, enrol_form=failure.render())
    try:
        service.enrol(person, service.path_for_position(appstruct["path"]), appstruct["start_date"],
                      appstruct["finish_by"])
    except TrainingError as error:
        request.response.status_int = 400
        return _manage_page(request, error=request.localizer.translate(_(error.msgid, mapping=error.mapping)))
    flash(request, _("${name} is enrolled.", mapping={"name": person.display_name}))
    return HTTPSeeOther(request.route_url("training.person", account_id=person.id))
