"""Essay grading: the queue of answers waiting for a mark, and one answer's mark (first or changed).

A mark already given can be changed from the attempt's review; every mark is in the audit log,
a changed one with the mark it replaced.
"""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ...forms import flash
from ...i18n import _
from ...models.quizzes import AttemptState
from ...permissions import Permission
from ...services.audit import AuditAction
from ...services.quizzes import AttemptService, QuizError
from .audit import record

MAX_COMMENT = 4000


@view_config(route_name="quizzes.grading", renderer="quizzes/grading.jinja2", permission=Permission.QUIZZES_GRADE,
             request_method="GET")
def grading_queue(request):
    return {"items": request.find_service(AttemptService).essay_queue()}


def _gradable(item):
    if item.version.type != "essay" or item.attempt.state == AttemptState.IN_PROGRESS:
        raise HTTPNotFound()
    return item


def _mark_of(item):
    return None if item.fraction is None else round(item.fraction * item.version.points, 2)


@view_config(route_name="quizzes.grade_answer", renderer="quizzes/grade_answer.jinja2",
             permission=Permission.QUIZZES_GRADE, request_method="GET")
def grade_form(context, request):
    item = _gradable(context.item)
    return {"item": item, "mark": _mark_of(item), "comment": item.feedback, "error": None}


@view_config(route_name="quizzes.grade_answer", renderer="quizzes/grade_answer.jinja2",
             permission=Permission.QUIZZES_GRADE, request_method="POST")
def grade_answer(context, request):
    item = context.item
    raw = request.POST.get("mark", "").strip()
    comment = request.POST.get("feedback", "")
    try:
        mark = float(raw)
    except ValueError:
        mark = -1.0
    points = item.version.points
    error = None
    if points <= 0 or not 0 <= mark <= points:
        error = _("The mark must be between 0 and the question's points.")
    elif len(comment) > MAX_COMMENT:
        error = _("The comment is longer than ${max} characters.", mapping={"max": MAX_COMMENT})
    before = _mark_of(item)
    if error is None:
        try:
            request.find_service(AttemptService).grade_essay(item, mark / points, comment,
                                                             grader_id=request.identity.account.id)
        except QuizError as refused:
            error = _(refused.msgid)
    if error is not None:
        request.response.status_int = 400
        return {"item": item, "mark": raw, "comment": comment, "error": error}
    record(request, AuditAction.QUIZ_ESSAY_MARKED, "attempt_answer", item.id,
           {"attempt": item.attempt_id, "quiz": item.attempt.quiz.slug, "mark": mark, "points": points,
            "before": before})
    flash(request, _("Mark saved."))
    # A changed mark goes back to the attempt it belongs to; a first one to the rest of the queue.
    if before is not None:
        return HTTPSeeOther(request.route_url("quizzes.review", attempt_id=item.attempt_id))
    return HTTPSeeOther(request.route_url("quizzes.grading"))
