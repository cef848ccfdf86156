"""Manager dashboards and reports: team dashboard, person drill-down, quiz report, org report, exports."""


def includeme(config):
    config.add_route("reports.team", "/")
    config.add_route("reports.team_export", "/export.{fmt:(csv|xlsx)}")
    config.add_route("reports.person", "/people/{account_id:[0-9]{1,9}}")
    config.add_route("reports.quiz", "/quizzes/{quiz_id:[0-9]{1,9}}")
    config.add_route("reports.quiz_export", "/quizzes/{quiz_id:[0-9]{1,9}}/export.{fmt:(csv|xlsx)}")
    config.add_route("reports.org", "/org")
    config.add_route("reports.org_export", "/org/export.{fmt:(csv|xlsx)}")
