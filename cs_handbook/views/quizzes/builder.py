"""The quiz builder: settings, fixed questions and random slots (new quiz, or ?slug= to edit)."""

from datetime import UTC

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config, view_defaults

from ...forms import FormView, flash
from ...i18n import _
from ...permissions import Permission
from ...schemas.quizzes import QuizSchema
from ...services.quizzes_bank import BankService
from ...services.quizzes_grading import AnswerError

SETTINGS = ("title", "description", "pass_mark", "time_limit_minutes", "attempts_allowed", "grading",
            "shuffle_questions", "shuffle_options", "one_per_page", "review_marks", "review_answers",
            "review_feedback", "review_sources", "open_at", "close_at")


def _utc(value):
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@view_defaults(route_name="quizzes.quiz_edit", renderer="quizzes/quiz_form.jinja2",
               permission=Permission.QUIZZES_AUTHOR)
class QuizBuilder(FormView):
    schema = QuizSchema
    form_options = {"formid": "quiz"}

    def existing(self):
        slug = self.request.params.get("slug", "")
        return self.request.find_service(BankService).quiz(slug) if slug else None

    def appstruct(self):
        quiz = self.existing()
        if quiz is None:
            return {"grading": "highest"}
        values = {name: getattr(quiz, name) for name in SETTINGS if getattr(quiz, name) is not None}
        values["slug"] = quiz.slug
        values["questions"] = "\n".join(s.question.ident for s in quiz.slots if s.question is not None)
        values["random"] = "\n".join(f"{s.category.slug} {s.count}" for s in quiz.slots if s.category is not None)
        return values

    def template_vars(self):
        return {"quiz": self.existing()}

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
        settings["open_at"], settings["close_at"] = _utc(settings["open_at"]), _utc(settings["close_at"])
        fixed = [line.strip() for line in appstruct["questions"].splitlines() if line.strip()]
        random = []
        for line in appstruct["random"].splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2 or not parts[1].isascii() or not parts[1].isdigit() or len(parts[1]) > 3:
                return self.invalid("random", _("Write each random slot as: category count"))
            random.append((parts[0], int(parts[1])))
        if not fixed and not random:
            return self.invalid("questions", _("A quiz needs at least one question."))
        try:
            quiz, _status = self.request.find_service(BankService).save_quiz(appstruct["slug"], settings, fixed,
                                                                             random)
        except AnswerError as error:
            return self.invalid("questions" if error.msgid == "Unknown question." else "random", error.msgid)
        flash(self.request, _("Quiz ${slug} saved.", mapping={"slug": quiz.slug}))
        return HTTPSeeOther(self.request.route_url("quizzes.bank"))
