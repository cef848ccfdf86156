"""Managers see their teams' people only: results page, results export, item statistics, reviews."""

from cs_handbook.services.quizzes import AttemptService
from cs_handbook.services.quizzes_stats import StatsService
from tests.conftest import login
from tests.factories import AccountFactory, TeamFactory, make_team_manager
from tests.factories_quizzes import make_quiz


def _finished(dbsession, clock, quiz, person, answers):
    service = AttemptService(dbsession, clock)
    attempt = service.start(quiz, person.id)
    service.save(attempt, answers, 1)
    service.finish(attempt)
    return attempt


def _two_teams(dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single", "q-short"])
    team_a, team_b = TeamFactory(name="客服一组"), TeamFactory(name="客服二组")
    alice = AccountFactory(username="alice", display_name="甲组小李", team=team_a)
    bob = AccountFactory(username="bob", display_name="乙组小王", team=team_b)
    # Alice right on both, Bob wrong on both, with a free-text answer only Bob's manager may read.
    mine = _finished(dbsession, clock, quiz, alice, {"1": 0, "2": "60秒"})
    theirs = _finished(dbsession, clock, quiz, bob, {"1": 1, "2": "乙组的秘密答案"})
    manager = AccountFactory(username="boss-a", roles=["manager"])
    make_team_manager(manager, team_a)
    dbsession.commit()
    return quiz, mine, theirs


def test_manager_reads_results_and_export_of_own_team_only(testapp, dbsession, clock):
    quiz, mine, theirs = _two_teams(dbsession, clock)
    login(testapp, "boss-a")
    index = testapp.get("/quizzes/")
    page = index.click(href=f"/quizzes/q/{quiz.slug}/results$")
    assert "甲组小李" in page.text and "乙组小王" not in page.text
    csv = testapp.get(f"/quizzes/q/{quiz.slug}/results.csv")
    assert csv.content_type == "text/csv"
    text = csv.body.decode("utf-8-sig")
    assert "alice" in text and "bob" not in text and "100.0" in text
    xlsx = testapp.get(f"/quizzes/q/{quiz.slug}/results.xlsx")
    assert xlsx.body[:2] == b"PK"
    testapp.get(f"/quizzes/q/{quiz.slug}/results.pdf", status=404)
    testapp.get(f"/quizzes/attempts/{mine.id}/review", status=200)
    testapp.get(f"/quizzes/attempts/{theirs.id}/review", status=403)


def test_trainer_export_lists_everyone(testapp, dbsession, clock):
    quiz, _mine, _theirs = _two_teams(dbsession, clock)
    AccountFactory(username="trainer", roles=["trainer"])
    login(testapp, "trainer")
    text = testapp.get(f"/quizzes/q/{quiz.slug}/results.csv").body.decode("utf-8-sig")
    assert "alice" in text and "bob" in text


def test_manager_reads_item_statistics_of_own_team_only(testapp, dbsession, clock):
    quiz, _mine, _theirs = _two_teams(dbsession, clock)
    assert StatsService(dbsession, clock).compute(quiz)
    dbsession.commit()
    login(testapp, "boss-a")
    page = testapp.get(f"/quizzes/q/{quiz.slug}/stats")
    assert "客服一组" in page.text and "客服二组" not in page.text
    # Facility 1.00 on both questions (Alice alone), Bob's wrong answers nowhere.
    assert page.text.count("1.00") >= 2 and "0.50" not in page.text
    assert "乙组的秘密答案" not in page.text and "60秒" in page.text


def test_trainer_reads_statistics_of_everyone(testapp, dbsession, clock):
    quiz, _mine, _theirs = _two_teams(dbsession, clock)
    assert StatsService(dbsession, clock).compute(quiz)
    dbsession.commit()
    AccountFactory(username="trainer", roles=["trainer"])
    login(testapp, "trainer")
    page = testapp.get(f"/quizzes/q/{quiz.slug}/stats")
    assert "0.50" in page.text and "乙组的秘密答案" in page.text and "客服一组" not in page.text


def test_manager_of_no_team_sees_nobody(testapp, dbsession, clock):
    quiz, _mine, _theirs = _two_teams(dbsession, clock)
    assert StatsService(dbsession, clock).compute(quiz)
    dbsession.commit()
    AccountFactory(username="boss-none", roles=["manager"])
    login(testapp, "boss-none")
    page = testapp.get(f"/quizzes/q/{quiz.slug}/results")
    assert "甲组小李" not in page.text and "乙组小王" not in page.text
    text = testapp.get(f"/quizzes/q/{quiz.slug}/results.csv").body.decode("utf-8-sig")
    assert "alice" not in text and "bob" not in text
    stats = testapp.get(f"/quizzes/q/{quiz.slug}/stats")
    assert "60秒" not in stats.text and "乙组的秘密答案" not in stats.text


def test_staff_index_has_no_results_links(testapp, dbsession, clock):
    quiz = make_quiz(dbsession, keys=["q-single"])
    AccountFactory(username="plain")
    login(testapp, "plain")
    index = testapp.get("/quizzes/")
    assert quiz.title in index.text and f"/q/{quiz.slug}/results" not in index.text
    testapp.get(f"/quizzes/q/{quiz.slug}/results", status=403)
