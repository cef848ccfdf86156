"""The org-wide report, served from the roll-ups (admins and managers of every team), a page of teams at a time."""

from pyramid.httpexceptions import HTTPForbidden
from pyramid.view import view_config

from ... import charts
from ...exports import table_response
from ...i18n import _
from ...permissions import Permission
from ...services.reports_rollup import org_report
from .scope import NO_TEAM_PARAM, chosen_page, may_see_org, visible_team_ids

EXPORT_LIMIT = 1_000_000  # every line: an export is never paged


def _report(request, number, size=None):
    if not may_see_org(request):
        raise HTTPForbidden()
    # Admins get every team and the people of no team; a manager (of every
    # team) gets the teams only: people of no team are nobody's team.
    kwargs = {"size": size} if size else {}
    return org_report(request.dbsession, visible_team_ids(request), number, **kwargs)


def team_label(request, line) -> str:
    return line.team if line.team_id is not None else request.localizer.translate(_("No team"))


@view_config(route_name="reports.org", renderer="reports/org.jinja2", permission=Permission.REPORTS_TEAM,
             request_method="GET")
def org(request):
    page, stamp = _report(request, chosen_page(request))
    t = request.localizer.translate
    labels = [team_label(request, line) for line in page.rows]
    chart = charts.bar_chart("org-progress", t(_("Average onboarding progress by team")),
                             [(label, line.progress) for label, line in zip(labels, page.rows, strict=True)],
                             flag_below=50, empty=t(_("not enrolled"))) if page.rows else ""
    return {"page": page, "lines": list(zip(labels, page.rows, strict=True)), "stamp": stamp,
            "chart": chart, "query": {}, "no_team_param": NO_TEAM_PARAM}


@view_config(route_name="reports.org_export", permission=Permission.REPORTS_TEAM, request_method="GET")
def org_export(request):
    page, stamp = _report(request, 1, EXPORT_LIMIT)
    t = request.localizer.translate
    qa_points = (t(_("QA points ${month}", mapping={"month": stamp.month.strftime("%Y-%m")})) if stamp
                 else t(_("QA points")))
    headers = [t(_("Team")), t(_("People")), t(_("Onboarding progress (%)")), t(_("Overdue items")),
               t(_("Quiz average (%)")), t(_("Quiz pass rate (%)")), t(_("Drill retention (%)")), qa_points]
    rows = [(team_label(request, line), line.people, _blank(line.progress), line.overdue, _blank(line.quiz_average),
             _blank(line.pass_rate), _blank(line.retention), _blank(line.qa_points)) for line in page.rows]
    filename = f"org-report-{stamp.month:%Y-%m}" if stamp else "org-report"
    return table_response(request.matchdict["fmt"], filename, headers, rows, t(_("Organisation report")))


def _blank(value):
    return "" if value is None else value
