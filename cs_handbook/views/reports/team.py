"""The manager's team dashboard (a page of people at a time) and its CSV/XLSX export (everyone in scope)."""

from pyramid.view import view_config

from ... import charts
from ...exports import table_response
from ...i18n import _
from ...permissions import Permission
from ...services.reports import RETENTION_DAYS, ReportsService
from .scope import NO_TEAM_PARAM, chosen_month, chosen_page, chosen_teams, may_see_org, visible_team_ids


def _cell(value):
    return "" if value is None else value


@view_config(route_name="reports.team", renderer="reports/team.jinja2", permission=Permission.REPORTS_TEAM,
             request_method="GET")
def team_dashboard(request):
    service = request.find_service(ReportsService)
    visible = visible_team_ids(request)
    teams, quizzes = service.pick_lists(visible)
    team_ids, team = chosen_teams(request, teams)
    month = chosen_month(request)
    number = chosen_page(request)
    page = service.page(team_ids, month, number)
    rows = page.rows
    t = request.localizer.translate
    progress_chart = charts.bar_chart(
        "progress", t(_("Onboarding progress")),
        [(row.person.display_name, row.progress) for row in rows], flag_below=50, empty=t(_("not enrolled")))
    averages = [row.quiz_average for row in rows if row.quiz_average is not None]
    score_chart = charts.histogram(
        "scores", t(_("Quiz average per person")), charts.score_bins(averages),
        x_label=t(_("Quiz average (%)")), y_label=t(_("People")))
    team_filter = request.params.get("team", "")
    query = {"month": f"{month:%Y-%m}", **({"team": team_filter} if team_filter else {})}
    return {
        "team": team,
        "no_team": team_filter == NO_TEAM_PARAM,
        "may_filter_no_team": visible is None,
        "teams": teams,
        "month": month,
        "page": page,
        "rows": rows,
        "query": query,
        "retention_days": RETENTION_DAYS,
        "progress_chart": progress_chart,
        "score_chart": score_chart,
        "org_allowed": may_see_org(request),
        # The drill area's per-section view of the same people's retention, for those it lets in.
        "heatmap_allowed": request.has_permission(Permission.DRILL_TEAM_VIEW),
        # One URL built, then the ids appended: route_url per row was a tenth of the page's time.
        "person_prefix": request.route_url("reports.person", account_id="0")[:-1],
        "quiz_prefix": request.route_url("reports.quiz", quiz_id="0")[:-1],  # likewise for every quiz
        "has_scores": bool(averages),
        "quizzes": quizzes,
    }


@view_config(route_name="reports.team_export", permission=Permission.REPORTS_TEAM, request_method="GET")
def team_export(request):
    team_ids, team = chosen_teams(request)
    month = chosen_month(request)
    t = request.localizer.translate
    no_team = t(_("No team"))
    headers = [t(_("Username")), t(_("Name")), t(_("Team")), t(_("Onboarding progress (%)")),
               t(_("Overdue items")), t(_("Quiz average (%)")), t(_("Quiz pass rate (%)")), t(_("Drill streak")),
               t(_("Drill retention (%)")), t(_("QA points"))]
    body = (
        (r.person.username, r.person.display_name, r.person.team_name or no_team,
         _cell(r.progress), r.overdue, _cell(r.quiz_average), _cell(r.pass_rate), r.streak, _cell(r.retention),
         _cell(r.qa_points))
        for r in request.find_service(ReportsService).all_rows(team_ids, month)
    )
    scope = team.id if team else request.params.get("team") or "all"
    return table_response(request.matchdict["fmt"], f"team-{scope}-{month:%Y-%m}", headers, body, f"{month:%Y-%m}")
