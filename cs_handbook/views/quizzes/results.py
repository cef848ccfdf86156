"""Results pages: a quiz's attempts (page and export), its stored item statistics and their refresh."""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select

from ...exports import table_response
from ...forms import flash
from ...i18n import _
from ...models.accounts import Account, GlobalRole, Scope, ScopedRole, Team
from ...models.quizzes import Attempt
from ...permissions import Permission
from ...schemas.quizzes import TYPE_CHOICES
from ...services.quizzes_stats import StatsService
from .zone import formatter, zone_of


def _managed_teams(request) -> list[int] | None:
    """None: every person (trainers, admins); else the teams this manager's grants cover."""
    identity = request.identity
    if identity.has_role(GlobalRole.ADMIN) or identity.has_role(GlobalRole.TRAINER):
        return None
    prefix = f"grant:{ScopedRole.MANAGER}:{Scope.TEAM}:"
    return sorted(int(p[len(prefix):]) for p in identity.principals if p.startswith(prefix))


def _rows(context, request):
    stmt = (select(Attempt, Account).join(Account, Account.id == Attempt.account_id)
            .where(Attempt.quiz_id == context.quiz.id).order_by(Account.username, Attempt.number))
    teams = _managed_teams(request)
    if teams is not None:
        stmt = stmt.where(Account.team_id.in_(teams))
    return request.dbsession.execute(stmt).all()


@view_config(route_name="quizzes.results", renderer="quizzes/results.jinja2", permission=Permission.QUIZZES_RESULTS,
             request_method="GET")
def results(context, request):
    return {"quiz": context.quiz, "rows": _rows(context, request)}


@view_config(route_name="quizzes.results_export", permission=Permission.QUIZZES_RESULTS, request_method="GET")
def results_export(context, request):
    translate = request.localizer.translate
    states = {"in_progress": _("In progress"), "submitted": _("Waiting for grading"), "graded": _("Graded")}
    zone = zone_of(request)
    headers = [translate(h) for h in (_("Username"), _("Person"), _("Attempt"), _("State"),
                                      _("Started at (${zone})", mapping={"zone": zone.key}),
                                      _("Submitted at (${zone})", mapping={"zone": zone.key}), _("Score (%)"),
                                      _("Passed"))]
    local_time = formatter(request)
    rows = ([account.username, account.display_name, attempt.number, translate(states[attempt.state]),
             local_time(attempt.started_at, with_zone=False),
             local_time(attempt.submitted_at, with_zone=False),
             "" if attempt.score_percent is None else attempt.score_percent,
             "" if attempt.passed is None else translate(_("Yes") if attempt.passed else _("No"))]
            for attempt, account in _rows(context, request))
    return table_response(request.matchdict["fmt"], f"quiz-results-{context.quiz.slug}", headers, rows,
                          sheet_title=context.quiz.slug)


@view_config(route_name="quizzes.stats_refresh", permission=Permission.QUIZZES_AUTHOR, request_method="POST")
def stats_refresh(context, request):
    """Compute this quiz's statistics now (a site without a timer for `quizzes stats` needs it)."""
    if request.find_service(StatsService).compute(context.quiz):
        flash(request, _("Statistics computed."))
    else:
        flash(request, _("Another run is computing these statistics; look again in a moment."), "error")
    return HTTPSeeOther(request.route_url("quizzes.stats", slug=context.quiz.slug))


@view_config(route_name="quizzes.stats", renderer="quizzes/stats.jinja2", permission=Permission.QUIZZES_RESULTS,
             request_method="GET")
def stats(context, request):
    # Served from the stored result only: the refresh button or `cs-handbook <ini> quizzes stats` computes it.
    stored = request.find_service(StatsService).stored(context.quiz)
    computed = stored is not None and stored.computed_at is not None
    teams = _managed_teams(request)
    if teams is None:
        sections = [{"title": None, **stored.data}] if computed else []
    else:
        names = dict(request.dbsession.execute(select(Team.id, Team.name).where(Team.id.in_(teams))).all())
        per_team = stored.teams if computed else {}
        sections = [{"title": names[t], **per_team.get(str(t), {"attempts": 0, "items": []})}
                    for t in teams if t in names] if computed else []
    return {"quiz": context.quiz, "stats": stored if computed else None, "sections": sections,
            "can_refresh": bool(request.has_permission(Permission.QUIZZES_AUTHOR)),
            "local_time": formatter(request), "type_labels": dict(TYPE_CHOICES)}
