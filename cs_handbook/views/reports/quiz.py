"""A quiz's report for the people the viewer may see: attempts, score distribution, pass rate; export."""

from pyramid.view import view_config

from ... import charts
from ...exports import table_response
from ...i18n import _
from ...models.quizzes import AttemptState, Quiz
from ...permissions import Permission
from ...services.reports_detail import quiz_report
from .scope import chosen_teams, route_object

# The same words as the quiz pages use for an attempt's state.
STATE_LABELS = {AttemptState.IN_PROGRESS: _("In progress"), AttemptState.SUBMITTED: _("Waiting for grading"),
                AttemptState.GRADED: _("Graded")}


def _report(request):
    quiz = route_object(request, Quiz, "quiz_id")
    team_ids, team = chosen_teams(request)
    return team, quiz_report(request.dbsession, quiz, team_ids)


@view_config(route_name="reports.quiz", renderer="reports/quiz.jinja2", permission=Permission.REPORTS_TEAM,
             request_method="GET")
def quiz_page(request):
    team, report = _report(request)
    t = request.localizer.translate
    chart = charts.histogram("quiz-scores", t(_("Score distribution")),
                             charts.score_bins([a.score_percent for a in report.finished]),
                             x_label=t(_("Score (%)")), y_label=t(_("Attempts")))
    return {"team": team, "report": report, "chart": chart, "state_labels": STATE_LABELS}


@view_config(route_name="reports.quiz_export", permission=Permission.REPORTS_TEAM, request_method="GET")
def quiz_export(request):
    team, report = _report(request)
    t = request.localizer.translate
    headers = [t(_("Username")), t(_("Name")), t(_("Team")), t(_("Attempt no.")), t(_("State")),
               t(_("Submitted (UTC)")), t(_("Score (%)")), t(_("Passed"))]
    yes, no, no_team = t(_("yes")), t(_("no")), t(_("No team"))
    rows = [
        (account.username, account.display_name, account.team.name if account.team else no_team, attempt.number,
         t(STATE_LABELS[attempt.state]),
         attempt.submitted_at.strftime("%Y-%m-%d %H:%M") if attempt.submitted_at else "",
         "" if attempt.score_percent is None else round(attempt.score_percent, 1),
         "" if attempt.passed is None else (yes if attempt.passed else no))
        for attempt, account in report.attempts
    ]
    return table_response(request.matchdict["fmt"], f"quiz-{report.quiz.slug}", headers, rows, report.quiz.slug)
