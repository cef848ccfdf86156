"""The trainer's path pages: a new position's path, the path builder (a working copy
until review), the author's workflow actions, delete after a confirmation page."""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config, view_defaults
from sqlalchemy import select

from ...forms import flash, make_form
from ...i18n import _
from ...models.accounts import Position
from ...models.training import TrainingPath
from ...permissions import Permission
from ...schemas.training import NewPathSchema, PathSchema
from ...services.training import TrainingError, TrainingService
from ...services.training_authoring import AuthoringService, StructureError
from .author import StructureForm, author_transition, can_review
from .changes import change_rows
from .learner import bad_request


def path_data(appstruct) -> dict:
    return {"title": appstruct["title"], "steps": [dict(step) for step in appstruct["steps"]]}


def positions_without_path(dbsession) -> list[Position]:
    taken = select(TrainingPath.position_code)
    return list(dbsession.scalars(select(Position).where(Position.code.not_in(taken)).order_by(Position.code)))


class _PathForm(StructureForm):
    list_name = "steps"
    item_label = _("Step ${number}: ${problem}")
    form_options = {"formid": "path"}

    def __init__(self, context, request):
        self.context = context
        self.request = request
        bind = {"courses": request.find_service(TrainingService).courses(),
                "positions": positions_without_path(request.dbsession)}
        self.form = make_form(request, self.schema(), bind=bind, **self.form_options)

    def template_vars(self):
        path = getattr(self.context, "path", None)
        return {"path": path, "can_review": can_review(self.request),
                "changes": change_rows(self.request, path) if path is not None and path.draft is not None else None}


@view_defaults(route_name="training.path.new", renderer="training/path_form.jinja2",
               permission=Permission.TRAINING_AUTHOR)
class NewPathView(_PathForm):
    schema = NewPathSchema

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        try:
            path = self.request.find_service(AuthoringService).create_path(
                appstruct["position_code"], path_data(appstruct), self.request.identity.account)
        except StructureError as error:
            return self.show_issues(error)
        except TrainingError as error:
            return self.invalid("position_code", error.msgid, error.mapping)
        flash(self.request, _("Path saved as a draft: submit it for review to publish it."))
        return HTTPSeeOther(self.request.route_url("training.path.edit", code=path.position_code))


@view_defaults(route_name="training.path.edit", renderer="training/path_form.jinja2",
               permission=Permission.TRAINING_AUTHOR)
class EditPathView(_PathForm):
    schema = PathSchema

    def appstruct(self):
        data = self.request.find_service(AuthoringService).working_copy(self.context.path)
        return {"title": data["title"], "steps": [{"half_day": "", **step} for step in data["steps"]]}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        path = self.context.path
        try:
            kept = self.request.find_service(AuthoringService).save_path(
                path, path_data(appstruct), self.request.identity.account)
        except StructureError as error:
            return self.show_issues(error)
        if not kept:
            flash(self.request, _("No change from the published path: nothing waits for review."))
        elif path.state == "published":
            flash(self.request, _("Saved as a working copy: people keep the published path until a reviewer "
                                  "approves the change."))
        else:
            flash(self.request, _("Path saved as a draft: submit it for review to publish it."))
        return None


@view_config(route_name="training.path.workflow", request_method="POST", permission=Permission.TRAINING_AUTHOR)
def path_workflow(request):
    path = request.context.path
    return author_transition(request, path, request.route_url("training.path.edit", code=path.position_code))


@view_config(route_name="training.path.delete", renderer="training/confirm_delete.jinja2", request_method="GET",
             permission=Permission.TRAINING_AUTHOR)
def path_delete_confirm(request):
    path = request.context.path
    return {"what": path.title, "history": False,
            "action_url": request.route_url("training.path.delete", code=path.position_code),
            "archive_url": None, "back_url": request.route_url("training.courses")}


@view_config(route_name="training.path.delete", request_method="POST", permission=Permission.TRAINING_AUTHOR)
def path_delete(request):
    try:
        request.find_service(AuthoringService).delete_path(request.context.path)
    except TrainingError as error:
        raise bad_request(request, error) from None
    flash(request, _("Path deleted."))
    return HTTPSeeOther(request.route_url("training.courses"))
