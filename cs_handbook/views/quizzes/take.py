"""Staff pages: my quizzes, start/resume, take (with and without JavaScript), autosave, finish, review."""

from pyramid.httpexceptions import HTTPBadRequest, HTTPConflict, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.view import view_config

from ...forms import flash
from ...i18n import _
from ...models.quizzes import REVIEW_PARTS, AttemptState, Quiz
from ...permissions import Permission
from ...services.quizzes import AttemptService, QuizError
from ...services.quizzes_bank import BankService
from .forms import answers_from_form, review_later, review_shows, view_question
from .zone import formatter

ERRORS = {400: HTTPBadRequest, 409: HTTPConflict}


def _error(request, error: QuizError):
    return ERRORS.get(error.status, HTTPBadRequest)(detail=request.localizer.translate(_(error.msgid)))


@view_config(route_name="quizzes.index", renderer="quizzes/index.jinja2", permission=Permission.QUIZZES_TAKE,
             request_method="GET")
def index(request):
    attempts = request.find_service(AttemptService)
    account_id = request.identity.account.id
    mine = attempts.attempts_of(account_id)
    now = attempts.clock.now()
    rows = []
    for quiz in request.find_service(BankService).quizzes():
        taken = [a for a in mine if a.quiz_id == quiz.id]
        running = bool(taken) and taken[-1].state == AttemptState.IN_PROGRESS
        rows.append({"quiz": quiz, "open": attempts.is_open(quiz), "grade": attempts.grade_of(quiz.id, account_id),
                     "attempts": taken, "running": running,
                     "opens_later": quiz.open_at is not None and quiz.open_at > now,
                     # The grade obeys the quiz's review: hidden while its marks are.
                     "marks": review_shows(quiz, now)["marks"],
                     "used_up": not running and bool(quiz.attempts_allowed) and len(taken) >= quiz.attempts_allowed})
    # Managers and trainers reach the results (their teams' for managers) from here too.
    return {"rows": rows, "can_see_results": bool(request.has_permission(Permission.QUIZZES_RESULTS)),
            "local_time": formatter(request)}


@view_config(route_name="quizzes.start", permission=Permission.QUIZZES_TAKE, request_method="POST")
def start(context, request):
    try:
        attempt = request.find_service(AttemptService).start(context.quiz, request.identity.account.id)
    except QuizError as error:
        raise _error(request, error) from error
    return HTTPSeeOther(request.route_url("quizzes.take", attempt_id=attempt.id))


def _page_count(quiz: Quiz, attempt) -> int:
    return max(1, len(attempt.questions)) if quiz.one_per_page else 1


def _is_page(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) < 6


def _current_page(request, count: int) -> int:
    page = request.params.get("page", "1")
    return min(max(1, int(page)), count) if _is_page(page) else 1


@view_config(route_name="quizzes.take", renderer="quizzes/take.jinja2", permission=Permission.QUIZZES_TAKE,
             request_method="GET")
def take(context, request):
    attempt = context.attempt
    service = request.find_service(AttemptService)
    # A reload after the time ran out submits the attempt (the sweep would too).
    if service.finish_if_overdue(attempt) or attempt.state != AttemptState.IN_PROGRESS:
        return HTTPSeeOther(request.route_url("quizzes.review", attempt_id=attempt.id))
    quiz = attempt.quiz
    count = _page_count(quiz, attempt)
    page = _current_page(request, count)
    shown = attempt.questions[page - 1:page] if quiz.one_per_page else attempt.questions
    return {"attempt": attempt, "quiz": quiz, "page": page, "pages": count, "local_time": formatter(request),
            "questions": [view_question(q) for q in shown], "now": service.clock.now(),
            "seq": max((q.seq for q in attempt.questions), default=0)}


@view_config(route_name="quizzes.take", renderer="quizzes/take.jinja2", permission=Permission.QUIZZES_TAKE,
             request_method="POST")
def take_post(context, request):
    """The page without JavaScript (and the script's final submit): save what was shown, then move or finish."""
    attempt = context.attempt
    service = request.find_service(AttemptService)
    action = request.POST.get("action", "save")
    if attempt.state != AttemptState.IN_PROGRESS:
        flash(request, _("This attempt was already submitted; answers sent after that were not saved."), "error")
        return HTTPSeeOther(request.route_url("quizzes.review", attempt_id=attempt.id))
    now = service.clock.now()
    grace = None
    if attempt.deadline is not None and now > attempt.deadline:
        grace = service.submit_grace()
        if action != "finish" or now > attempt.deadline + grace:
            # Too late: what was saved in time is graded, this post is not stored.
            service.finish(attempt)
            request.response.status_int = 409
            return render_to_response("quizzes/late.jinja2", {"attempt": attempt, "quiz": attempt.quiz},
                                      request=request, response=request.response)
    try:
        answers = answers_from_form(attempt, request.POST)
        # Form posts are one at a time, so they follow whatever was saved before.
        service.save(attempt, answers, max((q.seq for q in attempt.questions), default=0) + 1, grace=grace)
    except QuizError as error:
        raise _error(request, error) from error
    if action == "finish":
        service.finish(attempt)
        flash(request, _("Your attempt was submitted."))
        return HTTPSeeOther(request.route_url("quizzes.review", attempt_id=attempt.id))
    page = request.POST.get("goto", "1")
    flash(request, _("Your answers were saved."))
    query = {"page": page} if _is_page(page) else {}
    return HTTPSeeOther(request.route_url("quizzes.take", attempt_id=attempt.id, _query=query))


@view_config(route_name="quizzes.save", renderer="json", permission=Permission.QUIZZES_TAKE, request_method="POST")
def autosave(context, request):
    """JSON: {"seq": n, "answers": {"<position>": answer}} → {"saved": {...}}; 409 once time is up.

    An answer not stored because a newer save holds it comes back in `current`
    (with the newest save number in `current_seq`), so the page can show it.
    """
    try:
        body = request.json_body
    except ValueError:
        body = None
    translate = request.localizer.translate
    if not isinstance(body, dict):
        request.response.status_int = 400
        return {"error": translate(_("The answer has the wrong shape."))}
    service = request.find_service(AttemptService)
    try:
        stored = service.store(context.attempt_id, body.get("answers"), body.get("seq"))
    except QuizError as error:
        request.response.status_int = error.status
        return {"error": translate(_(error.msgid)), "state": context.attempt.state}
    reply = {"saved": {str(k): v for k, v in stored.items()}, "seq": body["seq"]}
    refused = [position for position, ok in stored.items() if not ok]
    if refused:
        # A newer save (another window or device) holds these answers: the page shows them instead.
        now = service.stored_answers(context.attempt_id, refused)
        reply["current"] = {str(p): answer for p, (answer, _seq) in now.items()}
        reply["current_seq"] = max(seq for _answer, seq in now.values())
    return reply


@view_config(route_name="quizzes.finish", permission=Permission.QUIZZES_TAKE, request_method="POST")
def finish(context, request):
    request.find_service(AttemptService).finish(context.attempt)
    return HTTPSeeOther(request.route_url("quizzes.review", attempt_id=context.attempt.id))


@view_config(route_name="quizzes.review", renderer="quizzes/review.jinja2", permission=Permission.QUIZZES_REVIEW,
             request_method="GET")
def review(context, request):
    attempt = context.attempt
    service = request.find_service(AttemptService)
    service.finish_if_overdue(attempt)
    quiz = attempt.quiz
    finished = attempt.state != AttemptState.IN_PROGRESS
    if attempt.account_id == request.identity.account.id:
        shows = review_shows(quiz, service.clock.now(), finished)
    else:
        # Trainers, admins and managers reviewing someone's attempt see all of it.
        shows = dict.fromkeys(REVIEW_PARTS, finished)
    has_documents = request.registry.introspector.get("routes", "documents.view") is not None
    return {"attempt": attempt, "quiz": quiz, "shows": shows, "later": review_later(quiz, shows) if finished else [],
            "local_time": formatter(request),
            "has_documents": has_documents, "can_grade": bool(request.has_permission(Permission.QUIZZES_GRADE)),
            "questions": [view_question(q) for q in attempt.questions] if finished else []}
