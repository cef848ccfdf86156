"""The org-wide report, served from the roll-ups (admins and managers of every team)."""

from pyramid.httpexceptions import HTTPForbidden
from pyramid.view import view_config

from ... import charts
from ...exports import table_response
from ...i18n import _
from ...permissions import Permission
from ...services.reports_rollup import org_report
from .scope import may_see_org


def _lines(request):
    if not may_see_org(request):
        raise HTTPForbidden()
    return org_report(request.dbsession)


@view_config(route_name="reports.org", renderer="reports/org.jinja2", permission=Permission.REPORTS_TEAM,
             request_method="GET")
def org(request):
    lines, computed = _lines(request)
    t = request.localizer.translate
    chart = charts.bar_chart("org-progress", t(_("Average onboarding progress by team")),
                             [(line.team, line.progress) for line in lines], flag_below=50,
                             empty=t(_("not enrolled"))) if lines else ""
    return {"lines": lines, "computed": computed, "chart": chart}


@view_config(route_name="reports.org_export", permission=Permission.REPORTS_TEAM, request_method="GET")
def org_export(request):
    lines, computed = _lines(request)
    t = request.localizer.translate
    headers = [t(_("Team")), t(_("People")), t(_("Onboarding progress (%)")), t(_("Overdue items")),
               t(_("Quiz average (%)")), t(_("Quiz pass rate (%)")), t(_("Drill retention (%)")), t(_("QA points"))]
    rows = [(line.team, line.people, _blank(line.progress), line.overdue, _blank(line.quiz_average),
             _blank(line.pass_rate), _blank(line.retention), _blank(line.qa_points)) for line in lines]
    return table_response(request.matchdict["fmt"], "org-report", headers, rows, "org")


def _blank(value):
    return "" if value is None else value
