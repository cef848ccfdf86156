"""Reviewers' pages: courses and paths waiting for review, what each change does (the published
structure against the working copy), publish or send back with a comment; the home-page panel."""

import deform
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash
from ...i18n import _
from ...models.training import Course
from ...permissions import Permission
from ...schemas.training import ReviewSchema
from ...services.training import TrainingError, TrainingForbidden
from ...services.training_authoring import AuthoringService, StructureError
from .author import can_review
from .changes import change_rows


def review_panel(request):
    """On the home page of reviewers, while something waits for them."""
    if not request.is_authenticated or not can_review(request):
        return None
    courses, paths = request.find_service(AuthoringService).pending()
    if not courses and not paths:
        return None
    return {"title": request.localizer.translate(_("Courses and paths to review")),
            "template": "training/_review_panel.jinja2", "training_courses": courses, "training_paths": paths}


@view_config(route_name="training.review", renderer="training/review_queue.jinja2", request_method="GET",
             permission=Permission.DOCUMENTS_REVIEW)
def queue(request):
    courses, paths = request.find_service(AuthoringService).pending()
    return {"courses": courses, "paths": paths}


class _ReviewView(FormView):
    schema = ReviewSchema
    form_options = {"formid": "review"}

    def make_buttons(self):
        translate = self.request.localizer.translate
        return (deform.Button("approve", translate(_("Publish"))),
                deform.Button("send_back", translate(_("Send back"))))

    @property
    def obj(self):
        return self.context.course if hasattr(self.context, "course") else self.context.path

    def template_vars(self):
        obj = self.obj
        return {"obj": obj, "is_course": isinstance(obj, Course),
                "changes": change_rows(self.request, obj)}

    def on_success(self, appstruct):
        action = "approve" if "approve" in self.request.POST else "send_back"
        obj = self.obj
        try:
            self.request.find_service(AuthoringService).transition(
                obj, action, self.request.identity.account, can_review=True, comment=appstruct["comment"])
        except StructureError as error:
            translate = self.request.localizer.translate
            problems = "; ".join(f"{issue.field}: {translate(_(issue.problem, mapping=issue.mapping))}"
                                 for issue in error.issues)
            return self.invalid("comment", _("It cannot be published as it is (${problems}): send it back.",
                                             mapping={"problems": problems}))
        except (TrainingError, TrainingForbidden) as error:
            msgid = getattr(error, "msgid", "This change is not possible in the current state.")
            return self.invalid("comment", msgid, getattr(error, "mapping", None))
        flash(self.request, _("Published.") if action == "approve" else _("Sent back to its author."))
        return HTTPSeeOther(self.request.route_url("training.review"))


@view_defaults(route_name="training.course.review", renderer="training/review.jinja2",
               permission=Permission.DOCUMENTS_REVIEW)
class CourseReviewView(_ReviewView):
    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()


@view_defaults(route_name="training.path.review", renderer="training/review.jinja2",
               permission=Permission.DOCUMENTS_REVIEW)
class PathReviewView(_ReviewView):
    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()
