"""One person's drill-down: the dashboard line, weak points by quiz category and drill section."""

from pyramid.httpexceptions import HTTPForbidden
from pyramid.view import view_config

from ... import charts
from ...clock import Clock
from ...i18n import _
from ...models.accounts import Account
from ...permissions import Permission
from ...schemas.qa import CRITERION_TITLES
from ...services import reports_detail
from ...services.reports import RETENTION_DAYS, WEAK_BELOW, ReportsService
from ...services.training import TrainingService
from .scope import chosen_month, may_see_person, route_object


@view_config(route_name="reports.person", renderer="reports/person.jinja2", permission=Permission.REPORTS_TEAM,
             request_method="GET")
def person(request):
    account = route_object(request, Account, "account_id")
    if not may_see_person(request, account):
        raise HTTPForbidden()
    month = chosen_month(request)
    row = request.find_service(ReportsService).person_row(account.id, month)
    today = request.find_service(Clock).now().date()
    quiz_topics = reports_detail.quiz_topics(request.dbsession, account.id)
    drill_topics = reports_detail.drill_topics(request.dbsession, account.id, today)
    t = request.localizer.translate
    qa = reports_detail.qa_month(request.dbsession, account.id, month)
    titles = {name: t(title) for name, title in CRITERION_TITLES.items()}
    qa_topics = [reports_detail.Topic(titles.get(c.title, c.title), c.answered, c.right_percent) for c in qa.criteria]
    summary = request.find_service(TrainingService).summary(account)
    return {
        "person": account,
        "row": row,
        "month": month,
        "overdue_items": [r for r in summary.rows if r.overdue],
        "grades": reports_detail.quiz_grades(request.dbsession, account.id),
        "quiz_topics": quiz_topics,
        "drill_topics": drill_topics,
        "retention_days": RETENTION_DAYS,
        "weak_below": int(WEAK_BELOW * 100),
        "quiz_chart": charts.bar_chart("quiz-topics", t(_("Quiz answers right by category")),
                                       [(topic.title, topic.right_percent) for topic in quiz_topics],
                                       flag_below=WEAK_BELOW * 100) if quiz_topics else "",
        # Every weak point in one place, whichever of the three shows it.
        "weak_points": [(t(kind), topic)
                        for kind, topics in ((_("Quiz"), quiz_topics), (_("Drill"), drill_topics), (_("QA"), qa_topics))
                        for topic in topics if topic.weak],
        "qa": qa,
        "qa_topics": qa_topics,
        "criterion_titles": titles,
        "qa_chart": charts.bar_chart("qa-criteria", t(_("QA criteria met")),
                                     [(topic.title, topic.right_percent) for topic in qa_topics],
                                     flag_below=WEAK_BELOW * 100) if qa.failed else "",
        "drill_chart": charts.bar_chart("drill-topics", t(_("Drill answers right by section")),
                                        [(topic.title, topic.right_percent) for topic in drill_topics],
                                        flag_below=WEAK_BELOW * 100) if drill_topics else "",
    }
