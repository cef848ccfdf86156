"""Access-matrix rows of the reports area (cs_handbook/views/reports).

The manager of the matrix manages team A only: people of team B (`outsider`)
and the org-wide report (managers of every team only) are refused to them.
"""

from . import Row, only

READERS = ("manager", "admin")


def _staff(dbsession, people):
    return {"account_id": people["staff"].id}


def _outsider(dbsession, people):
    return {"account_id": people["outsider"].id}


def _quiz(dbsession, people):
    from cs_handbook.models.quizzes import Quiz

    quiz = Quiz(slug="matrix-quiz", title="矩阵测验")
    dbsession.add(quiz)
    dbsession.commit()
    return {"quiz_id": quiz.id}


def _other_team(dbsession, people):
    return {"team_id": people["other_team"].id}


def _quiz_and_other_team(dbsession, people):
    return {**_quiz(dbsession, people), **_other_team(dbsession, people)}


def _teamless(dbsession, people):
    # The admin belongs to no team: only admins see the people of no team.
    return {"account_id": people["admin"].id}


ROWS = [
    Row("reports.team", "GET", "/reports/", only(200, *READERS)),
    Row("reports.team", "GET", "/reports/?team={team_id}", only(200, "admin"), setup=_other_team),
    Row("reports.team_export", "GET", "/reports/export.xlsx", only(200, *READERS)),
    Row("reports.team_export", "GET", "/reports/export.csv?team={team_id}", only(200, "admin"), setup=_other_team),
    # The people of no team (a filter and an org report line of their own) are an admin's only.
    Row("reports.team", "GET", "/reports/?team=none", only(200, "admin")),
    Row("reports.team_export", "GET", "/reports/export.xlsx?team=none", only(200, "admin")),
    Row("reports.team", "GET", "/reports/?page=3", only(200, *READERS)),  # past the end: the last page
    Row("reports.person", "GET", "/reports/people/{account_id}", only(200, "admin"), setup=_teamless),
    Row("reports.person", "GET", "/reports/people/{account_id}", only(200, *READERS), setup=_staff),
    Row("reports.person", "GET", "/reports/people/{account_id}", only(200, "admin"), setup=_outsider),
    Row("reports.quiz", "GET", "/reports/quizzes/{quiz_id}", only(200, *READERS), setup=_quiz),
    Row("reports.quiz_export", "GET", "/reports/quizzes/{quiz_id}/export.csv", only(200, *READERS), setup=_quiz),
    Row("reports.quiz", "GET", "/reports/quizzes/{quiz_id}?team={team_id}", only(200, "admin"),
        setup=_quiz_and_other_team),
    Row("reports.quiz_export", "GET", "/reports/quizzes/{quiz_id}/export.xlsx?team={team_id}", only(200, "admin"),
        setup=_quiz_and_other_team),
    # The matrix's manager manages one team of two: not the whole organisation.
    Row("reports.org", "GET", "/reports/org", only(200, "admin")),
    Row("reports.org_export", "GET", "/reports/org/export.xlsx", only(200, "admin")),
    Row("reports.org", "GET", "/reports/org?page=2", only(200, "admin")),
]
