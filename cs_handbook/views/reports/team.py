"""The manager's team dashboard and its CSV/XLSX export."""

from pyramid.view import view_config
from sqlalchemy import select

from ... import charts
from ...exports import table_response
from ...i18n import _
from ...models.quizzes import Quiz
from ...permissions import Permission
from ...services.reports import RETENTION_DAYS, ReportsService
from .scope import chosen_month, chosen_teams, may_see_org, visible_team_ids


def _rows(request):
    team_ids, team = chosen_teams(request)
    month = chosen_month(request)
    return team, month, request.find_service(ReportsService).team_rows(team_ids, month)


def _cell(value):
    return "" if value is None else value


@view_config(route_name="reports.team", renderer="reports/team.jinja2", permission=Permission.REPORTS_TEAM,
             request_method="GET")
def team_dashboard(request):
    team, month, rows = _rows(request)
    t = request.localizer.translate
    progress_chart = charts.bar_chart(
        "progress", t(_("Onboarding progress")),
        [(row.account.display_name, row.progress) for row in rows], flag_below=50, empty=t(_("not enrolled")))
    averages = [row.quiz_average for row in rows if row.quiz_average is not None]
    score_chart = charts.histogram(
        "scores", t(_("Quiz average per person")), charts.score_bins(averages),
        x_label=t(_("Quiz average (%)")), y_label=t(_("People")))
    return {
        "team": team,
        "teams": request.find_service(ReportsService).teams(visible_team_ids(request)),
        "month": month,
        "rows": rows,
        "retention_days": RETENTION_DAYS,
        "progress_chart": progress_chart,
        "score_chart": score_chart,
        "org_allowed": may_see_org(request),
        # One URL built, then the ids appended: route_url per row was a tenth of the page's time.
        "person_prefix": request.route_url("reports.person", account_id="0")[:-1],
        "quizzes": request.dbsession.execute(select(Quiz.id, Quiz.title).order_by(Quiz.title)).all(),
    }


@view_config(route_name="reports.team_export", permission=Permission.REPORTS_TEAM, request_method="GET")
def team_export(request):
    team, month, rows = _rows(request)
    t = request.localizer.translate
    headers = [t(_("Username")), t(_("Name")), t(_("Team")), t(_("Onboarding progress (%)")),
               t(_("Overdue items")), t(_("Quiz average (%)")), t(_("Quiz pass rate (%)")), t(_("Drill streak")),
               t(_("Drill retention (%)")), t(_("QA points"))]
    body = [
        (r.account.username, r.account.display_name, r.account.team.name if r.account.team else "",
         _cell(r.progress), r.overdue, _cell(r.quiz_average), _cell(r.pass_rate), r.streak, _cell(r.retention),
         _cell(r.qa_points))
        for r in rows
    ]
    name = f"team-{team.id if team else 'all'}-{month:%Y-%m}"
    return table_response(request.matchdict["fmt"], name, headers, body, f"{month:%Y-%m}")
