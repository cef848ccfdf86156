"""One way to handle a deform form: validate, re-render with a 400, or act and flash.

A form view subclasses `FormView`, names its schema and template, and
implements `on_success(appstruct)`; `get` and `post` do the rest.
"""

import copy

import colander
import deform
from pyramid.httpexceptions import HTTPSeeOther

from .i18n import _


def make_form(request, schema, buttons=(), **kwargs) -> deform.Form:
    bound = schema.bind(request=request, **kwargs.pop("bind", {}))
    label_bare_inputs(bound, request.localizer.translate)
    buttons = buttons or (deform.Button("submit", request.localizer.translate(_("Save"))),)
    return deform.Form(bound, buttons=buttons, **kwargs)


_TEXT_TYPES = (colander.String, colander.Integer, colander.Float, colander.Decimal)


def _with_attributes(node, name: str, added: dict, default_widget) -> None:
    # A copy: widget instances are shared by every binding of a schema class.
    widget = copy.copy(getattr(node, "widget", None) or default_widget())
    setattr(widget, name, {**(getattr(widget, name, None) or {}), **added})
    node.widget = widget


def label_bare_inputs(node, translate) -> None:
    """Name the inputs deform draws without a <label>: the rows of a sequence of plain
    fields (accepted answers, steps) and the date and time halves of a date-time field."""
    for child in node.children:
        if isinstance(child.typ, colander.Sequence):
            for item in child.children:
                # deform's default widget for these is a text input; others keep their own.
                if getattr(item, "widget", None) is not None or isinstance(item.typ, _TEXT_TYPES):
                    _with_attributes(item, "attributes", {"aria-label": translate(item.title)},
                                     deform.widget.TextInputWidget)
        elif isinstance(child.typ, colander.DateTime):
            title = translate(child.title)
            for half, label in (("date", _("${field}: date", mapping={"field": title})),
                                ("time", _("${field}: time", mapping={"field": title}))):
                _with_attributes(child, f"{half}_attributes", {"aria-label": translate(label)},
                                 deform.widget.DateTimeInputWidget)
        label_bare_inputs(child, translate)


def validate(request, form: deform.Form):
    """Return (appstruct, None) or (None, rendered form with messages) and set 400."""
    try:
        return form.validate(request.POST.items()), None
    except deform.ValidationFailure as failure:
        request.response.status_int = 400
        return None, failure.render()


def flash(request, message, queue="success", mapping=None):
    request.session.flash(request.localizer.translate(_(message, mapping=mapping) if isinstance(message, str)
                                                      else message), queue)


class FormView:
    """Subclass with `schema`, `template`; override `appstruct()`, `on_success()`."""

    # Each subclass names its schema, or overrides make_schema().
    schema: type[colander.Schema]
    buttons: tuple = ()
    form_options: dict = {}

    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.form = make_form(request, self.make_schema(), buttons=self.make_buttons(), **self.form_options)

    def make_schema(self):
        return self.schema()

    def make_buttons(self):
        return self.buttons

    def appstruct(self) -> dict:
        return {}

    def template_vars(self) -> dict:
        return {}

    def get(self):
        return {"form": self.form.render(self.appstruct()), **self.template_vars()}

    def post(self):
        appstruct, rendered = validate(self.request, self.form)
        if appstruct is None:
            return {"form": rendered, **self.template_vars()}
        result = self.on_success(appstruct)
        if result is None:
            return HTTPSeeOther(self.request.url)
        return result

    def invalid(self, node_name: str, message, mapping=None):
        """Show an error found after validation (say, by a service) on one field, with a 400."""
        # Whatever the view changed before finding the problem must not be
        # kept: the 400 would otherwise commit a half-made change.
        self.request.tm.doom()
        error = colander.Invalid(self.form.schema, "")
        error[node_name] = self.request.localizer.translate(
            _(message, mapping=mapping) if isinstance(message, str) else message
        )
        self.request.response.status_int = 400
        # deform marks the fields itself only inside validate(); an error
        # found afterwards has to be handed to the widgets, or it is not shown.
        self.form.widget.handle_error(self.form, error)
        rendered = deform.ValidationFailure(self.form, self.form.cstruct, error).render()
        return {"form": rendered, **self.template_vars()}

    def on_success(self, appstruct):
        raise NotImplementedError


class UploadTmpStore(dict):
    """deform's upload widget keeps a file between a failed submit and the next.

    We never re-show uploads (an import is read at once), so an empty,
    per-form store with no preview is all the widget needs.
    """

    def preview_url(self, uid):
        return None
