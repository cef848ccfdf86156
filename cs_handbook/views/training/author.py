"""The trainer's pages: course list, course and path builder, review workflow, delete.

A course's owner (scoped grant) reaches its edit page and workflow without
the trainer role; creating a course makes its author the owner.
"""

from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash, make_form
from ...i18n import _
from ...models.accounts import Scope, ScopedRole
from ...models.training import Course, PublishState
from ...permissions import Permission
from ...resources import Root
from ...schemas.training import CourseSchema, NewCourseSchema, PathSchema
from ...services.accounts import AccountService
from ...services.training import TrainingError, TrainingForbidden, TrainingService
from ...services.training_content import apply_course, course_to_dict, path_to_dict


def _can_review(request) -> bool:
    return bool(request.has_permission(Permission.DOCUMENTS_REVIEW))


def _is_trainer(request) -> bool:
    """Authors anywhere (not only as a course's owner): they have the course list."""
    return bool(request.has_permission(Permission.TRAINING_AUTHOR, Root(request)))


@view_config(route_name="training.courses", renderer="training/courses.jinja2", request_method="GET",
             permission=Permission.TRAINING_AUTHOR)
def courses(request):
    service = request.find_service(TrainingService)
    return {"courses": service.courses(), "paths": service.paths(), "can_review": _can_review(request),
            "states": PublishState}


def _item_values(data: dict) -> dict:
    data = dict(data)
    data["items"] = [{"target": "", "description": "", **item} for item in data["items"]]
    data.setdefault("description", "")
    return data


class _CourseForm(FormView):
    form_options = {"formid": "course"}

    def template_vars(self):
        return {"course": getattr(self.context, "course", None), "can_review": _can_review(self.request),
                "is_trainer": _is_trainer(self.request)}

    def save(self, slug, appstruct):
        data = {"title": appstruct["title"], "items": appstruct["items"]}
        if appstruct["description"]:
            data["description"] = appstruct["description"]
        for item in data["items"]:
            for optional in ("target", "description"):
                if not item[optional]:
                    item.pop(optional)
        service = self.request.find_service(TrainingService)
        try:
            apply_course(self.request.dbsession, service.clock, slug, data)
        except TrainingError as error:
            return error
        course = service.course_by_slug(slug)
        # Any edit of a published course goes back through review.
        course.state = PublishState.DRAFT
        return None


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
        if self.request.find_service(TrainingService).course_by_slug(appstruct["slug"]):
            return self.invalid("slug", _("A course with this short name exists."))
        error = self.save(appstruct["slug"], appstruct)
        if error:
            return self.invalid("items", error.msgid, error.mapping)
        course = self.request.find_service(TrainingService).course_by_slug(appstruct["slug"])
        # The author keeps their course should they lose the trainer role.
        self.request.find_service(AccountService).grant(
            self.request.identity.account, ScopedRole.OWNER, Scope.COURSE, course.id,
            actor=self.request.identity.account, ip=self.request.client_addr or "")
        flash(self.request, _("Course saved as a draft."))
        return HTTPSeeOther(self.request.route_url("training.course.edit", slug=appstruct["slug"]))


@view_defaults(route_name="training.course.edit", renderer="training/course_form.jinja2",
               permission=Permission.TRAINING_AUTHOR)
class EditCourseView(_CourseForm):
    schema = CourseSchema

    def appstruct(self):
        return _item_values(course_to_dict(self.context.course))

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        error = self.save(self.context.course.slug, appstruct)
        if error:
            return self.invalid("items", error.msgid, error.mapping)
        flash(self.request, _("Course saved as a draft."))
        return None


def _transition(request, obj, back_url):
    action = request.POST.get("action", "")
    try:
        request.find_service(TrainingService).transition(obj, action, _can_review(request))
    except TrainingForbidden:
        raise HTTPForbidden() from None
    except TrainingError as error:
        raise HTTPBadRequest(request.localizer.translate(_(error.msgid, mapping=error.mapping))) from None
    flash(request, _("State changed."))
    return HTTPSeeOther(back_url)


@view_config(route_name="training.course.workflow", request_method="POST", permission=Permission.TRAINING_AUTHOR)
def course_workflow(request):
    course = request.context.course
    # An owner without the trainer role cannot open the list: back to the course.
    back = (request.route_url("training.courses") if _is_trainer(request)
            else request.route_url("training.course.edit", slug=course.slug))
    return _transition(request, course, back)


@view_config(route_name="training.path.workflow", request_method="POST", permission=Permission.TRAINING_AUTHOR)
def path_workflow(request):
    return _transition(request, request.context.path, request.route_url("training.courses"))


@view_config(route_name="training.course.delete", request_method="POST", permission=Permission.TRAINING_AUTHOR)
def course_delete(request):
    course: Course = request.context.course
    try:
        request.find_service(TrainingService).delete_course(course)
    except TrainingError as error:
        raise HTTPBadRequest(request.localizer.translate(_(error.msgid, mapping=error.mapping))) from None
    flash(request, _("Course deleted."))
    return HTTPSeeOther(request.route_url("training.courses"))


@view_defaults(route_name="training.path.edit", renderer="training/path_form.jinja2",
               permission=Permission.TRAINING_AUTHOR)
class PathView(FormView):
    schema = PathSchema
    form_options = {"formid": "path"}

    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.form = make_form(request, PathSchema(), bind={"courses": request.find_service(TrainingService).courses()},
                              **self.form_options)

    def appstruct(self):
        data = path_to_dict(self.context.path)
        data["steps"] = [{"half_day": "", **s} for s in data["steps"]]
        return data

    def template_vars(self):
        return {"path": self.context.path}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        service = self.request.find_service(TrainingService)
        path = self.context.path
        try:
            service.set_steps(path, [{"course_id": service.course_by_slug(s["course"]).id, "due_day": s["due_day"],
                                      "half_day": s["half_day"]} for s in appstruct["steps"]])
        except TrainingError as error:
            return self.invalid("steps", error.msgid, error.mapping)
        path.title = appstruct["title"]
        path.state = PublishState.DRAFT
        flash(self.request, _("Path saved as a draft."))
        return None
