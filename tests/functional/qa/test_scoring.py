"""Sampling, the automatic prefill, scoring, disputes and the ledger pages."""

import io
from datetime import date

import openpyxl

from cs_handbook.models.qa import Evaluation
from tests.conftest import login
from tests.factories import AccountFactory, TeamFactory, make_team_manager
from tests.factories_qa import conversation_csv, good_conversation, qa_service


def _sampled(dbsession, agent="li", conversations=(("c-1", True),), size=None):
    service = qa_service(dbsession)
    rows = []
    for name, polite in conversations:
        rows += good_conversation(agent, name, polite=polite)
    service.import_file(conversation_csv(rows), "day.csv")
    dbsession.flush()
    service.draw_sample(date(2026, 3, 2), size)
    dbsession.commit()
    return service


def test_sample_is_capped_per_agent_and_repeatable(dbsession):
    AccountFactory(username="li")
    service = _sampled(dbsession, conversations=[(f"c-{i}", True) for i in range(30)])
    assert service.count_sampled(date(2026, 3, 2)) == 20
    assert service.draw_sample(date(2026, 3, 2)) == 0


def test_prefill_marks_what_the_machine_sees(dbsession):
    AccountFactory(username="li")
    _sampled(dbsession, conversations=[("rude", False)])
    evaluation = dbsession.query(Evaluation).one()
    assert evaluation.criteria["greeting"] == {"ok": False, "auto": False, "note": ""}
    assert evaluation.criteria["timeliness"]["ok"] is True
    greeting = next(f for f in evaluation.findings if f["check"] == "greeting")
    assert greeting["evidence"] == "说吧什么事"


def _score(testapp, evaluation_id, failing=()):
    form = testapp.get(f"/qa/evaluations/{evaluation_id}").forms["scorecard"]
    for name in ("greeting", "closing", "attitude", "wording", "knowledge", "timeliness", "clarity"):
        form.set(
            "ok",
            name not in failing,
            index=("greeting", "closing", "attitude", "wording", "knowledge", "timeliness", "clarity").index(name),
        )
    return form.submit("submit")


def test_evaluator_confirms_and_agent_disputes(testapp, app, dbsession):
    import webtest

    AccountFactory(username="qa1", roles=["qa"])
    agent = AccountFactory(username="li")
    _sampled(dbsession)
    evaluation = dbsession.query(Evaluation).one()
    login(testapp, "qa1")
    page = testapp.get(f"/qa/evaluations/{evaluation.id}")
    assert "您好，很高兴为您服务" in page.text
    _score(testapp, evaluation.id, failing=("knowledge",)).follow()
    dbsession.commit()
    evaluation = dbsession.get(Evaluation, evaluation.id)
    assert evaluation.status == "final" and evaluation.passed is False

    agent_app = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.3", "HTTP_HOST": "localhost"})
    login(agent_app, agent.username)
    mine = agent_app.get("/qa/mine")
    assert "c-1" in mine.text
    token = mine.html.find("input", attrs={"name": "csrf_token"})["value"]
    agent_app.post(
        f"/qa/evaluations/{evaluation.id}/dispute", {"csrf_token": token, "comment": "知识点答对了"}, status=303
    )
    queue = testapp.get("/qa/")
    assert "知识点答对了" in queue.text
    dispute_form = next(f for f in queue.forms.values() if "/resolve" in f.action)
    dispute_form.submit("decision", value="accept", status=303)
    dbsession.commit()
    assert dbsession.get(Evaluation, evaluation.id).passed is True


def test_other_staff_cannot_see_an_evaluation(testapp, dbsession):
    AccountFactory(username="li")
    AccountFactory(username="nosy")
    _sampled(dbsession)
    evaluation = dbsession.query(Evaluation).one()
    login(testapp, "nosy")
    testapp.get(f"/qa/evaluations/{evaluation.id}", status=403)


def test_incomplete_scorecard_is_refused_with_400(testapp, dbsession):
    AccountFactory(username="qa1", roles=["qa"])
    AccountFactory(username="li")
    _sampled(dbsession)
    evaluation = dbsession.query(Evaluation).one()
    login(testapp, "qa1")
    form = testapp.get(f"/qa/evaluations/{evaluation.id}").forms["scorecard"]
    form["comment"] = "x" * 3000
    form.submit("submit", status=400)
    dbsession.commit()
    assert dbsession.get(Evaluation, evaluation.id).status == "draft"


def test_manager_ledger_shows_only_their_teams_and_exports(testapp, dbsession):
    mine, other = TeamFactory(), TeamFactory()
    boss = AccountFactory(username="boss", roles=["manager"])
    make_team_manager(boss, mine)
    AccountFactory(username="li", team=mine)
    AccountFactory(username="wu", team=other)
    service = qa_service(dbsession)
    rows = []
    for agent in ("li", "wu"):
        for i in range(4):
            rows += good_conversation(agent, f"{agent}-{i}", polite=False)
    service.import_file(conversation_csv(rows), "day.csv")
    dbsession.flush()
    service.draw_sample(date(2026, 3, 2))
    qa = AccountFactory(username="qa1", roles=["qa"])
    for evaluation in dbsession.query(Evaluation):
        service.score(evaluation, qa, {c: c != "greeting" for c in evaluation.criteria}, {})
    dbsession.commit()
    login(testapp, "boss")
    page = testapp.get("/qa/ledger?month=2026-03")
    assert "li" in page.text and "(wu)" not in page.text
    assert "25" in page.text
    xlsx = testapp.get("/qa/ledger.xlsx?month=2026-03")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["li"] and rows[1][5] == 25
    csv_text = testapp.get("/qa/ledger.csv?month=2026-03").body.decode("utf-8-sig")
    assert "wu" not in csv_text and "li" in csv_text


def test_manager_changes_the_rules(testapp, dbsession):
    AccountFactory(username="boss", roles=["manager"])
    login(testapp, "boss")
    form = testapp.get("/qa/rules").forms["deform"]
    assert form["working_days"].value == "26"
    form["working_days"] = "22"
    form["extra_bonus_at"] = "22"
    form.submit("submit", status=303)
    assert "22" in testapp.get("/qa/ledger").text
    form = testapp.get("/qa/rules").forms["deform"]
    form["working_days"] = "abc"
    form.submit("submit", status=400)


def test_the_first_response_limit_is_a_rule_the_check_applies(testapp, dbsession):
    AccountFactory(username="adm", roles=["admin"])
    AccountFactory(username="li")
    login(testapp, "adm")
    form = testapp.get("/qa/rules").forms["deform"]
    assert form["first_response_seconds"].value == "60"
    form["first_response_seconds"] = "90"
    form.submit("submit", status=303)
    rows = [("li", "slow-1", "customer", "2026-03-02T10:00:00", "你好，在吗"),
            ("li", "slow-1", "agent", "2026-03-02T10:01:15", "您好，很高兴为您服务！感谢您的咨询，祝您生活愉快！")]
    service = qa_service(dbsession)
    service.import_file(conversation_csv(rows), "d.csv")
    dbsession.flush()
    service.draw_sample(date(2026, 3, 2))
    finding = next(f for f in dbsession.query(Evaluation).one().findings if f["check"] == "first_response")
    assert finding["ok"] and finding["mapping"] == {"seconds": 75, "limit": 90}
    dbsession.commit()
    form = testapp.get("/qa/rules").forms["deform"]
    form["first_response_seconds"] = "0"
    form.submit("submit", status=400)
