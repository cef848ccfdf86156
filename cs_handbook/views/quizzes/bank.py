"""Trainer pages: the bank by category and tag, the question editor, answer-key fix and regrade."""

import deform
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash, make_form
from ...i18n import _
from ...permissions import Permission
from ...schemas.quizzes import (
    TYPE_CHOICES,
    TYPE_FIELD,
    AnswerKeySchema,
    ConfirmSchema,
    ImportSchema,
    QuestionSchema,
    type_nodes,
)
from ...services.audit import AuditAction
from ...services.quizzes import AttemptService, QuizError
from ...services.quizzes_bank import BankService
from ...services.quizzes_grading import AnswerError
from ...services.quizzes_transfer import export_bank, import_bank
from .audit import record
from .forms import data_from_form, form_from_data


@view_config(route_name="quizzes.bank", renderer="quizzes/bank.jinja2", permission=Permission.QUIZZES_AUTHOR,
             request_method="GET")
def bank(request):
    tag = request.params.get("tag", "")[:100]
    categories = request.find_service(BankService).categories()
    tags = sorted({t for c in categories for q in c.questions for t in q.tags})
    listing = [(c, [q for q in c.questions if not tag or tag in q.tags]) for c in categories]
    return {"listing": listing, "tags": tags, "tag": tag, "type_labels": dict(TYPE_CHOICES),
            "quizzes": request.find_service(BankService).quizzes()}


def _tags(text: str) -> list[str]:
    return [t.strip() for t in text.replace("，", ",").split(",") if t.strip()]


@view_defaults(route_name="quizzes.question_new", renderer="quizzes/question_form.jinja2",
               permission=Permission.QUIZZES_AUTHOR)
class QuestionEditor(FormView):
    """New question, or (with ?q=<category>/<key>) a new version of an existing one."""

    schema = QuestionSchema

    def __init__(self, context, request):
        self.form_options = {"formid": "question",
                             "bind": {"categories": request.find_service(BankService).categories()}}
        super().__init__(context, request)

    def make_schema(self):
        schema = QuestionSchema()
        for node in type_nodes():
            schema.add(node)
        return schema

    def existing(self):
        ident = self.request.params.get("q", "")
        return self.request.find_service(BankService).question(ident) if ident else None

    def appstruct(self):
        question = self.existing()
        if question is None:
            return form_from_data(None, {})
        version = question.current
        return {"category": question.category.slug, "key": question.key, "type": version.type,
                "text": version.text, "source": version.source, "tags": ", ".join(question.tags),
                "points": version.points, "explanation": version.explanation,
                **form_from_data(version.type, version.data)}

    def template_vars(self):
        return {"question": self.existing()}

    @view_config(request_method="GET")
    def get(self):
        if self.request.params.get("q") and self.existing() is None:
            raise HTTPNotFound()
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        service = self.request.find_service(BankService)
        category = service.category(appstruct["category"])
        if category is None:
            return self.invalid("category", _("Unknown category."))
        taken = service.question_in(category, appstruct["key"])
        if taken is not None and taken != self.existing():
            # "New question" (or an edit moved to another key) never turns into a new version of another.
            return self.invalid("key", _("A question with this key already exists in this category."))
        qtype = appstruct["type"]
        try:
            fields = {"type": qtype, "text": appstruct["text"], "source": appstruct["source"],
                      "points": appstruct["points"], "explanation": appstruct["explanation"],
                      "data": data_from_form(qtype, appstruct)}
            question, _status = service.save_question(category, appstruct["key"], fields, _tags(appstruct["tags"]))
        except AnswerError as error:
            return self.invalid(TYPE_FIELD[qtype], error.msgid)
        flash(self.request, _("Question ${ident} saved (version ${number}).",
                              mapping={"ident": question.ident, "number": question.current_number}))
        return HTTPSeeOther(self.request.route_url("quizzes.bank"))


@view_defaults(route_name="quizzes.version_key", renderer="quizzes/key_form.jinja2",
               permission=Permission.QUIZZES_AUTHOR)
class AnswerKeyFix(FormView):
    """Correct this version's answer key in place and regrade the attempts that used it."""

    form_options = {"formid": "key"}

    def make_schema(self):
        schema = AnswerKeySchema()
        for node in type_nodes(self.context.version.type):
            schema.add(node)
        return schema

    def appstruct(self):
        return form_from_data(self.context.version.type, self.context.version.data)

    def template_vars(self):
        return {"version": self.context.version}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        version = self.context.version
        try:
            count = self.request.find_service(AttemptService).fix_key(version, data_from_form(version.type,
                                                                                              appstruct))
        except (AnswerError, QuizError) as error:
            return self.invalid(TYPE_FIELD[version.type], error.msgid)
        record(self.request, AuditAction.QUIZ_KEY_FIXED, "question_version", version.id,
               {"question": version.question.ident, "version": version.number, "regraded": count})
        flash(self.request, _("Answer key fixed; ${count} attempts regraded.", mapping={"count": count}))
        return HTTPSeeOther(self.request.route_url("quizzes.bank"))


@view_config(route_name="quizzes.question_archive", permission=Permission.QUIZZES_AUTHOR, request_method="POST")
def archive(context, request):
    """Archive (or with action=restore, bring back) a question: kept for old attempts, out of new ones."""
    service = request.find_service(BankService)
    question = context.question
    if request.POST.get("action") == "restore":
        service.restore(question)
        flash(request, _("Question ${ident} restored.", mapping={"ident": question.ident}))
    else:
        service.archive(question)
        flash(request, _("Question ${ident} archived: new attempts no longer show it.",
                         mapping={"ident": question.ident}))
    return HTTPSeeOther(request.route_url("quizzes.bank"))


@view_defaults(route_name="quizzes.question_delete", renderer="quizzes/question_delete.jinja2",
               permission=Permission.QUIZZES_AUTHOR)
class QuestionDelete(FormView):
    """Delete a question no attempt used, after a confirmation; a used one can only be archived."""

    schema = ConfirmSchema
    form_options = {"formid": "delete"}

    def make_buttons(self):
        return (deform.Button("submit", self.request.localizer.translate(_("Delete for good")),
                              css_class="btn-danger"),)

    def template_vars(self):
        service = self.request.find_service(BankService)
        question = self.context.question
        return {"question": question, "used": service.is_used(question), "quizzes": service.quizzes_using(question)}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        question = self.context.question
        ident, question_id = question.ident, question.id
        try:
            self.request.find_service(BankService).delete(question)
        except AnswerError as error:
            self.request.tm.doom()
            self.request.response.status_int = 409
            flash(self.request, error.msgid, "error")
            return {"form": self.form.render(), **self.template_vars()}
        record(self.request, AuditAction.QUIZ_QUESTION_DELETED, "question", question_id, {"question": ident})
        flash(self.request, _("Question ${ident} deleted.", mapping={"ident": ident}))
        return HTTPSeeOther(self.request.route_url("quizzes.bank"))


@view_defaults(route_name="quizzes.import", renderer="quizzes/import.jinja2", permission=Permission.QUIZZES_AUTHOR)
class ImportView(FormView):
    schema = ImportSchema
    form_options = {"formid": "import"}

    def make_buttons(self):
        return (deform.Button("submit", self.request.localizer.translate(_("Import"))),)

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        raw = appstruct["upload"]["fp"].read()
        result = import_bank(self.request.find_service(BankService), raw, appstruct["format"])
        if result.refused:
            return self.invalid("upload", result.refused)
        record(self.request, AuditAction.QUIZ_BANK_IMPORTED, "question_bank", "",
               {"format": appstruct["format"], "file": str(appstruct["upload"].get("filename") or "")[:200],
                "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
                "refused": len(result.errors)})
        # The report is part of this page, not flash messages: one per refused question would
        # overflow the session cookie of a large file (and a 500 would import nothing).
        translate = self.request.localizer.translate
        report = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
                  "errors": [(position, translate(_(msgid))) for position, msgid in result.errors],
                  "notes": [(position, translate(_(msgid, mapping=mapping)))
                            for position, msgid, mapping in result.notes]}
        fresh = make_form(self.request, self.make_schema(), buttons=self.make_buttons(), **self.form_options)
        return {"form": fresh.render(), "report": report}


@view_config(route_name="quizzes.export", permission=Permission.QUIZZES_AUTHOR, request_method="GET")
def export(request):
    fmt = request.matchdict["fmt"]
    if fmt not in ("gift", "xml"):
        raise HTTPNotFound()
    body = export_bank(request.find_service(BankService), fmt)
    filename = "question-bank.gift.txt" if fmt == "gift" else "question-bank.xml"
    return Response(body=body.encode("utf-8"), charset="utf-8",
                    content_type="text/plain" if fmt == "gift" else "application/xml",
                    content_disposition=f'attachment; filename="{filename}"')
