"""Results pages: the essay grading queue, a quiz's attempts, its stored item statistics."""

from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select

from ...forms import flash
from ...i18n import _
from ...models.accounts import Account, GlobalRole, Scope, ScopedRole
from ...models.quizzes import Attempt
from ...permissions import Permission
from ...services.quizzes import AttemptService, QuizError
from ...services.quizzes_stats import StatsService


@view_config(route_name="quizzes.grading", renderer="quizzes/grading.jinja2", permission=Permission.QUIZZES_GRADE,
             request_method="GET")
def grading_queue(request):
    return {"items": request.find_service(AttemptService).essay_queue()}


@view_config(route_name="quizzes.grade_answer", permission=Permission.QUIZZES_GRADE, request_method="POST")
def grade_answer(context, request):
    item = context.item
    raw = request.POST.get("mark", "").strip()
    try:
        mark = float(raw)
    except ValueError:
        mark = -1.0
    points = item.version.points
    if not 0 <= mark <= points:
        raise HTTPBadRequest(detail=request.localizer.translate(
            _("The mark must be between 0 and the question's points.")))
    try:
        request.find_service(AttemptService).grade_essay(item, mark / points, request.POST.get("feedback", "")[:4000],
                                                         grader_id=request.identity.account.id)
    except QuizError as error:
        raise HTTPBadRequest(detail=request.localizer.translate(_(error.msgid))) from error
    flash(request, _("Mark saved."))
    return HTTPSeeOther(request.route_url("quizzes.grading"))


def _visible_accounts(request):
    """None: everyone (trainers, admins); else the ids of the teams this manager manages."""
    identity = request.identity
    if identity.has_role(GlobalRole.ADMIN) or identity.has_role(GlobalRole.TRAINER):
        return None
    teams = [g.scope_id for g in identity.account.grants
             if g.role == ScopedRole.MANAGER and g.scope_type == Scope.TEAM]
    return select(Account.id).where(Account.team_id.in_(teams))


@view_config(route_name="quizzes.results", renderer="quizzes/results.jinja2", permission=Permission.QUIZZES_RESULTS,
             request_method="GET")
def results(context, request):
    stmt = (select(Attempt, Account).join(Account, Account.id == Attempt.account_id)
            .where(Attempt.quiz_id == context.quiz.id).order_by(Account.username, Attempt.number))
    visible = _visible_accounts(request)
    if visible is not None:
        stmt = stmt.where(Attempt.account_id.in_(visible))
    return {"quiz": context.quiz, "rows": request.dbsession.execute(stmt).all()}


@view_config(route_name="quizzes.stats", renderer="quizzes/stats.jinja2", permission=Permission.QUIZZES_RESULTS,
             request_method="GET")
def stats(context, request):
    # Served from the stored result only; `cs-handbook <ini> quizzes stats` computes it.
    return {"quiz": context.quiz, "stats": request.find_service(StatsService).stored(context.quiz)}
