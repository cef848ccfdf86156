"""The quiz builder: settings and the quiz's places in order — bank questions (searched and picked
from the bank) and random draws from categories (new quiz, or ?slug= to edit).

Dates are entered in the trainer's zone, named beside the field, and stored in UTC. Every save
that changes something is in the audit log with the names of what changed.
"""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash
from ...i18n import _
from ...permissions import Permission
from ...schemas.quizzes import QUESTION_LIST_ID, QuizSchema
from ...services.audit import AuditAction
from ...services.quizzes_bank import BankService
from ...services.quizzes_grading import AnswerError
from .audit import record
from .zone import from_local, to_local, zone_of

SETTINGS = ("title", "description", "pass_mark", "time_limit_minutes", "attempts_allowed", "grading",
            "shuffle_questions", "shuffle_options", "one_per_page", "review_marks", "review_answers",
            "review_feedback", "review_sources", "open_at", "close_at")
BLANK_SLOTS = 3  # rows to fill in without the script that adds rows


def _blank():
    return {"question": "", "category": "", "count": 1}


def snapshot(quiz) -> dict:
    """The quiz's settings and places, to tell what a save changed."""
    if quiz is None:
        return {}
    out = {name: getattr(quiz, name) for name in SETTINGS}
    out["slots"] = [(s.question_id, s.category_id, s.count) for s in quiz.slots]
    return out


@view_defaults(route_name="quizzes.quiz_edit", renderer="quizzes/quiz_form.jinja2",
               permission=Permission.QUIZZES_AUTHOR)
class QuizBuilder(FormView):
    schema = QuizSchema
    form_options = {"formid": "quiz"}

    def __init__(self, context, request):
        bank = request.find_service(BankService)
        self.categories = bank.categories()
        # Archived questions stay pickable only for the quiz that already has them (the bank says so).
        self.questions = [(f"{c.slug}/{q.key}", q) for c in self.categories for q in c.questions]
        self.zone = zone_of(request)
        self.form_options = {"formid": "quiz", "bind": {
            "categories": self.categories, "question_ids": {ident for ident, _q in self.questions},
            "zone": self.zone.key}}
        super().__init__(context, request)

    def existing(self):
        slug = self.request.params.get("slug", "")
        return self.request.find_service(BankService).quiz(slug) if slug else None

    def appstruct(self):
        quiz = self.existing()
        if quiz is None:
            return {"grading": "highest", "slots": [_blank() for _ in range(BLANK_SLOTS)]}
        values = {name: getattr(quiz, name) for name in SETTINGS if getattr(quiz, name) is not None}
        for name in ("open_at", "close_at"):
            if name in values:
                values[name] = to_local(values[name], self.zone)
        values["slug"] = quiz.slug
        values["slots"] = [{"question": s.question.ident, "category": "", "count": 1} if s.question is not None
                           else {"question": "", "category": s.category.slug, "count": s.count}
                           for s in quiz.slots] + [_blank() for _ in range(BLANK_SLOTS)]
        return values

    def template_vars(self):
        return {"quiz": self.existing(), "bank_questions": self.questions, "list_id": QUESTION_LIST_ID}

    @view_config(request_method="GET")
    def get(self):
        if self.request.params.get("slug") and self.existing() is None:
            raise HTTPNotFound()
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        settings = {name: appstruct[name] for name in SETTINGS}
        settings["open_at"] = from_local(settings["open_at"], self.zone)
        settings["close_at"] = from_local(settings["close_at"], self.zone)
        slots = [row["question"] if row["question"] else (row["category"], row["count"])
                 for row in appstruct["slots"] if row["question"] or row["category"]]
        if not slots:
            return self.invalid("slots", _("A quiz needs at least one question."))
        service = self.request.find_service(BankService)
        before = snapshot(service.quiz(appstruct["slug"]))
        try:
            quiz, status = service.save_quiz(appstruct["slug"], settings, slots=slots)
        except AnswerError as error:
            return self.invalid("slots", error.msgid)
        if status != "unchanged":
            after = snapshot(quiz)
            changed = sorted(name for name in after if before.get(name) != after[name])
            action = AuditAction.QUIZ_CREATED if status == "created" else AuditAction.QUIZ_SETTINGS_CHANGED
            record(self.request, action, "quiz", quiz.id, {"slug": quiz.slug, "changed": changed})
        flash(self.request, _("Quiz ${slug} saved.", mapping={"slug": quiz.slug}))
        return HTTPSeeOther(self.request.route_url("quizzes.bank"))
