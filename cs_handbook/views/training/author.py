"""The trainer's course pages: course list, course builder (a working copy until review),
the author's workflow actions, delete (after a confirmation page) and archive.

A course's owner (scoped grant) reaches its edit page and workflow without
the trainer role; creating a course makes its author the owner. Publishing is
the reviewers' (views/training/review.py).
"""

import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash
from ...i18n import _
from ...models.accounts import Scope, ScopedRole
from ...permissions import Permission
from ...resources import Root
from ...schemas.training import CourseSchema, NewCourseSchema
from ...services.accounts import AccountService
from ...services.training import TrainingError, TrainingForbidden, TrainingService
from ...services.training_authoring import AuthoringService, StructureError
from .changes import change_rows
from .learner import bad_request


def can_review(request) -> bool:
    return bool(request.has_permission(Permission.DOCUMENTS_REVIEW, Root(request)))


def is_trainer(request) -> bool:
    """Authors anywhere (not only as a course's owner): they have the course list."""
    return bool(request.has_permission(Permission.TRAINING_AUTHOR, Root(request)))


@view_config(route_name="training.courses", renderer="training/courses.jinja2", request_method="GET",
             permission=Permission.TRAINING_AUTHOR)
def courses(request):
    service = request.find_service(TrainingService)
    return {"courses": service.courses(), "archived": service.courses(archived=True), "paths": service.paths(),
            "can_review": can_review(request)}


class StructureForm(FormView):
    """A builder form whose service may find problems in several places at once."""

    list_name = "items"
    item_label = _("Item ${number}: ${problem}")

    def show_issues(self, error: StructureError):
        translate = self.request.localizer.translate
        messages: dict[str, list[str]] = {}
        for issue in error.issues:
            problem = translate(_(issue.problem, mapping=issue.mapping))
            node = issue.where[0] if issue.where and self.form.schema.get(str(issue.where[0])) else self.list_name
            if node == self.list_name and len(issue.where) > 1:
                problem = translate(_(self.item_label, mapping={"number": issue.where[1] + 1, "problem": problem}))
            messages.setdefault(node, []).append(problem)
        self.request.tm.doom()
        invalid = colander.Invalid(self.form.schema, "")
        for node, texts in messages.items():
            invalid[node] = " ".join(texts)
        self.request.response.status_int = 400
        self.form.widget.handle_error(self.form, invalid)
        return {"form": deform.ValidationFailure(self.form, self.form.cstruct, invalid).render(),
                **self.template_vars()}


def course_data(appstruct) -> dict:
    return {"title": appstruct["title"], "description": appstruct["description"],
            "items": [dict(item) for item in appstruct["items"]]}


class _CourseForm(StructureForm):
    form_options = {"formid": "course"}

    def template_vars(self):
        course = getattr(self.context, "course", None)
        changes = change_rows(self.request, course) if course is not None and course.draft is not None else None
        return {"course": course, "can_review": can_review(self.request), "is_trainer": is_trainer(self.request),
                "changes": changes}


@view_defaults(route_name="training.course.new", renderer="training/course_form.jinja2",
               permission=Permission.TRAINING_AUTHOR)
class NewCourseView(_CourseForm):
    schema = NewCourseSchema

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        actor = self.request.identity.account
        try:
            course = self.request.find_service(AuthoringService).create_course(
                appstruct["slug"], course_data(appstruct), actor)
        except StructureError as error:
            return self.show_issues(error)
        except TrainingError as error:
            return self.invalid("slug", error.msgid, error.mapping)
        # The author keeps their course should they lose the trainer role.
        self.request.find_service(AccountService).grant(actor, ScopedRole.OWNER, Scope.COURSE, course.id,
                                                        actor=actor, ip=self.request.client_addr or "")
        flash(self.request, _("Course saved as a draft: submit it for review to publish it."))
        return HTTPSeeOther(self.request.route_url("training.course.edit", slug=course.slug))


@view_defaults(route_name="training.course.edit", renderer="training/course_form.jinja2",
               permission=Permission.TRAINING_AUTHOR)
class EditCourseView(_CourseForm):
    schema = CourseSchema

    def appstruct(self):
        data = self.request.find_service(AuthoringService).working_copy(self.context.course)
        return {"title": data["title"], "description": data.get("description", ""),
                "items": [{"target": "", "description": "", **item} for item in data["items"]]}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        course = self.context.course
        try:
            kept = self.request.find_service(AuthoringService).save_course(
                course, course_data(appstruct), self.request.identity.account)
        except StructureError as error:
            return self.show_issues(error)
        except TrainingError as error:
            return self.invalid("title", error.msgid, error.mapping)
        if not kept:
            flash(self.request, _("No change from the published course: nothing waits for review."))
        elif course.state == "published":
            flash(self.request, _("Saved as a working copy: learners keep the published course until a reviewer "
                                  "approves the change."))
        else:
            flash(self.request, _("Course saved as a draft: submit it for review to publish it."))
        return None


def author_transition(request, obj, back_url):
    """The author's side of the workflow: submit, withdraw, discard (reviewers decide elsewhere)."""
    action = request.POST.get("action", "")
    if action not in ("submit", "withdraw", "discard"):
        raise bad_request(request, TrainingError("This change is not possible in the current state."))
    try:
        request.find_service(AuthoringService).transition(obj, action, request.identity.account, can_review=False)
    except TrainingForbidden:
        raise HTTPForbidden() from None
    except TrainingError as error:
        raise bad_request(request, error) from None
    flash(request, {"submit": _("Submitted for review."), "withdraw": _("Taken back from review."),
                    "discard": _("Working copy discarded: the published version stays.")}[action])
    return HTTPSeeOther(back_url)


@view_config(route_name="training.course.workflow", request_method="POST", permission=Permission.TRAINING_AUTHOR)
def course_workflow(request):
    course = request.context.course
    return author_transition(request, course, request.route_url("training.course.edit", slug=course.slug))


@view_config(route_name="training.course.delete", renderer="training/confirm_delete.jinja2", request_method="GET",
             permission=Permission.TRAINING_AUTHOR)
def course_delete_confirm(request):
    course = request.context.course
    authoring = request.find_service(AuthoringService)
    return {"what": course.title, "history": authoring.has_history(course),
            "action_url": request.route_url("training.course.delete", slug=course.slug),
            "archive_url": request.route_url("training.course.archive", slug=course.slug),
            "back_url": request.route_url("training.courses")}


@view_config(route_name="training.course.delete", request_method="POST", permission=Permission.TRAINING_AUTHOR)
def course_delete(request):
    try:
        request.find_service(AuthoringService).delete_course(request.context.course)
    except TrainingError as error:
        raise bad_request(request, error) from None
    flash(request, _("Course deleted."))
    return HTTPSeeOther(request.route_url("training.courses"))


@view_config(route_name="training.course.archive", request_method="POST", permission=Permission.TRAINING_AUTHOR)
def course_archive(request):
    authoring = request.find_service(AuthoringService)
    course = request.context.course
    action = request.POST.get("action", "")
    try:
        if action == "archive":
            authoring.archive_course(course)
        elif action == "restore":
            authoring.restore_course(course)
        else:
            raise TrainingError("This change is not possible in the current state.")
    except TrainingError as error:
        raise bad_request(request, error) from None
    flash(request, _("Course archived: its history is kept.") if action == "archive" else _("Course restored."))
    return HTTPSeeOther(request.route_url("training.courses"))
