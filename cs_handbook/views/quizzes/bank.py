"""Trainer pages: the bank by category and tag, the question editor, answer-key fix and regrade."""

import yaml
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash
from ...i18n import _
from ...permissions import Permission
from ...schemas.quizzes import AnswerKeySchema, ImportSchema, QuestionSchema
from ...services.quizzes import AttemptService, QuizError
from ...services.quizzes_bank import TYPE_FIELDS, BankService
from ...services.quizzes_files import dump_yaml, question_fields
from ...services.quizzes_grading import AnswerError
from ...services.quizzes_transfer import export_bank, import_bank


@view_config(route_name="quizzes.bank", renderer="quizzes/bank.jinja2", permission=Permission.QUIZZES_AUTHOR,
             request_method="GET")
def bank(request):
    tag = request.params.get("tag", "")[:100]
    categories = request.find_service(BankService).categories()
    tags = sorted({t for c in categories for q in c.questions for t in q.tags})
    listing = [(c, [q for q in c.questions if not tag or tag in q.tags]) for c in categories]
    return {"listing": listing, "tags": tags, "tag": tag,
            "quizzes": request.find_service(BankService).quizzes()}


def _details_yaml(version) -> str:
    return dump_yaml({name: version.data[name] for name in TYPE_FIELDS[version.type] if name in version.data})


@view_defaults(route_name="quizzes.question_new", renderer="quizzes/question_form.jinja2",
               permission=Permission.QUIZZES_AUTHOR)
class QuestionEditor(FormView):
    """New question, or (with ?q=<category>/<key>) a new version of an existing one."""

    schema = QuestionSchema

    def __init__(self, context, request):
        self.form_options = {"formid": "question",
                             "bind": {"categories": request.find_service(BankService).categories()}}
        super().__init__(context, request)

    def existing(self):
        ident = self.request.params.get("q", "")
        return self.request.find_service(BankService).question(ident) if ident else None

    def appstruct(self):
        question = self.existing()
        if question is None:
            return {"details": "options:\n  - text: \n    correct: true\n  - text: \n"}
        version = question.current
        return {"category": question.category.slug, "key": question.key, "type": version.type,
                "text": version.text, "source": version.source, "tags": ", ".join(question.tags),
                "points": version.points, "explanation": version.explanation, "details": _details_yaml(version)}

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
        item = {**yaml.safe_load(appstruct["details"]), "key": appstruct["key"], "type": appstruct["type"], "text": appstruct["text"],
                "source": appstruct["source"], "points": appstruct["points"], "explanation": appstruct["explanation"],
                "tags": [t.strip() for t in appstruct["tags"].replace("，", ",").split(",") if t.strip()]}
        try:
            fields, tags = question_fields(item)
            question, status = service.save_question(category, appstruct["key"], fields, tags)
        except (AnswerError, TypeError, KeyError, AttributeError, ValueError) as error:
            return self.invalid("details", getattr(error, "msgid", _("The answer fields do not fit the type.")))
        flash(self.request, _("Question ${ident} saved (version ${number}).",
                              mapping={"ident": question.ident, "number": question.current_number}))
        return HTTPSeeOther(self.request.route_url("quizzes.bank"))


@view_defaults(route_name="quizzes.version_key", renderer="quizzes/key_form.jinja2",
               permission=Permission.QUIZZES_AUTHOR)
class AnswerKeyFix(FormView):
    """Correct this version's answer key in place and regrade the attempts that used it."""

    schema = AnswerKeySchema
    form_options = {"formid": "key"}

    def appstruct(self):
        return {"details": _details_yaml(self.context.version)}

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
        item = {**yaml.safe_load(appstruct["details"]), "key": "k", "type": version.type, "text": version.text}
        try:
            fields, _tags = question_fields(item)
            count = self.request.find_service(AttemptService).fix_key(version, fields["data"])
        except AnswerError as error:
            return self.invalid("details", error.msgid)
        except QuizError as error:
            return self.invalid("details", error.msgid)
        flash(self.request, _("Answer key fixed; ${count} attempts regraded.", mapping={"count": count}))
        return HTTPSeeOther(self.request.route_url("quizzes.bank"))


@view_defaults(route_name="quizzes.import", renderer="quizzes/import.jinja2", permission=Permission.QUIZZES_AUTHOR)
class ImportView(FormView):
    schema = ImportSchema
    form_options = {"formid": "import"}

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
        translate = self.request.localizer.translate
        flash(self.request, _("Imported: ${created} new, ${updated} updated, ${unchanged} unchanged.",
                              mapping={"created": result.created, "updated": result.updated,
                                       "unchanged": result.unchanged}))
        for position, msgid in result.errors:
            flash(self.request, _("Question ${position} was not imported: ${reason}",
                                  mapping={"position": position, "reason": translate(_(msgid))}), "error")
        return HTTPSeeOther(self.request.route_url("quizzes.bank"))


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
