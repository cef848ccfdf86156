"""Sampling, the automatic prefill, scoring (and re-scoring, audited), and who may score what."""

from datetime import date

import pytest
import webtest

from cs_handbook.models.audit import AuditEvent
from cs_handbook.models.drill import DrillCard
from cs_handbook.models.qa import CRITERIA, Evaluation
from cs_handbook.services.qa import QAError
from tests.conftest import login
from tests.factories import AccountFactory, TeamFactory, make_team_manager
from tests.factories_drill import DrillItemFactory
from tests.factories_qa import conversation_csv, good_conversation, qa_service, sampled


def test_sample_is_capped_per_agent_and_repeatable(dbsession):
    AccountFactory(username="li")
    service = sampled(dbsession, conversations=[(f"c-{i}", True) for i in range(30)])
    assert service.count_sampled(date(2026, 3, 2)) == 20
    assert service.draw_sample(date(2026, 3, 2)) == 0


def test_prefill_marks_what_the_machine_sees(dbsession):
    AccountFactory(username="li")
    sampled(dbsession, conversations=[("rude", False)])
    evaluation = dbsession.query(Evaluation).one()
    assert evaluation.criteria["greeting"] == {"ok": False, "auto": False, "note": ""}
    assert evaluation.criteria["timeliness"]["ok"] is True
    greeting = next(f for f in evaluation.findings if f["check"] == "greeting")
    assert greeting["evidence"] == "说吧什么事"


def submit_scorecard(testapp, evaluation_id, failing=(), status=303):
    form = testapp.get(f"/qa/evaluations/{evaluation_id}").forms["scorecard"]
    for index, name in enumerate(CRITERIA):
        form.set("ok", name not in failing, index=index)
    return form.submit("submit", status=status)


def test_scoring_records_the_verdict_and_the_overrides(testapp, dbsession):
    AccountFactory(username="qa1", roles=["qa"])
    AccountFactory(username="li")
    sampled(dbsession, conversations=[("rude", False)])
    evaluation = dbsession.query(Evaluation).one()
    login(testapp, "qa1")
    # The machine failed greeting and closing; the evaluator overrides the closing and fails knowledge.
    submit_scorecard(testapp, evaluation.id, failing=("greeting", "knowledge"))
    dbsession.commit()
    evaluation = dbsession.get(Evaluation, evaluation.id)
    assert evaluation.status == "final" and evaluation.passed is False
    event = dbsession.query(AuditEvent).filter_by(action="qa.scored").one()
    assert event.actor_name == "qa1" and event.target_id == str(evaluation.id)
    # Knowledge is no override: the machine has no opinion on it.
    assert event.detail == {"passed": False, "failed": ["greeting", "knowledge"], "overrides": ["closing"]}


def test_a_changed_score_is_recorded_criterion_by_criterion(testapp, dbsession):
    AccountFactory(username="qa1", roles=["qa"])
    AccountFactory(username="li")
    sampled(dbsession)
    evaluation_id = dbsession.query(Evaluation).one().id
    login(testapp, "qa1")
    submit_scorecard(testapp, evaluation_id, failing=("knowledge",))
    submit_scorecard(testapp, evaluation_id, failing=())
    dbsession.commit()
    assert dbsession.get(Evaluation, evaluation_id).passed is True
    event = dbsession.query(AuditEvent).filter_by(action="qa.rescored").one()
    assert event.detail == {"changes": {"knowledge": [False, True]}, "passed": [False, True]}


def test_nobody_scores_their_own_transcript(testapp, dbsession):
    qa1 = AccountFactory(username="qa1", roles=["qa"])
    AccountFactory(username="qa2", roles=["qa"])
    sampled(dbsession, agent="qa1")
    evaluation = dbsession.query(Evaluation).one()
    login(testapp, "qa1")
    assert "qa1-" not in testapp.get("/qa/").text and "c-1" not in testapp.get("/qa/").text
    testapp.get(f"/qa/evaluations/{evaluation.id}", status=404)  # a draft of their own: not theirs to see yet
    token = testapp.get("/qa/").html.find("input", attrs={"name": "csrf_token"})["value"]
    testapp.post(f"/qa/evaluations/{evaluation.id}", {"csrf_token": token}, status=403)
    with pytest.raises(QAError) as refused:  # the service refuses too (demo builder, CLI)
        qa_service(dbsession).score(evaluation, qa1, {c: True for c in CRITERIA}, {})
    assert refused.value.status == 403
    dbsession.rollback()
    assert dbsession.get(Evaluation, evaluation.id).status == "draft"


def test_other_staff_and_other_teams_cannot_see_an_evaluation(app, dbsession):
    mine, other = TeamFactory(), TeamFactory()
    AccountFactory(username="li", team=mine)
    AccountFactory(username="nosy", team=mine)
    boss = AccountFactory(username="boss", roles=["manager"])
    make_team_manager(boss, other)
    sampled(dbsession)
    evaluation = dbsession.query(Evaluation).one()
    qa_service(dbsession).score(evaluation, AccountFactory(username="qa1", roles=["qa"]),
                                {c: True for c in CRITERIA}, {})
    dbsession.commit()
    for username in ("nosy", "boss"):
        browser = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.2", "HTTP_HOST": "localhost"})
        login(browser, username)
        browser.get(f"/qa/evaluations/{evaluation.id}", status=403)


def test_incomplete_scorecard_is_refused_with_400(testapp, dbsession):
    AccountFactory(username="qa1", roles=["qa"])
    AccountFactory(username="li")
    sampled(dbsession)
    evaluation = dbsession.query(Evaluation).one()
    login(testapp, "qa1")
    form = testapp.get(f"/qa/evaluations/{evaluation.id}").forms["scorecard"]
    form["comment"] = "x" * 3000
    form.submit("submit", status=400)
    dbsession.commit()
    assert dbsession.get(Evaluation, evaluation.id).status == "draft"


def test_a_failed_criterion_adds_targeted_drill_items_for_the_agent(testapp, dbsession):
    from cs_handbook.models.accounts import Account

    AccountFactory(username="qa1", roles=["qa"])
    li = AccountFactory(username="li")
    greeting_item = DrillItemFactory(source_slug="scripts/greeting-and-closing", source_anchor="situation:greeting")
    DrillItemFactory(source_slug="handbook/x/y", source_anchor="a")
    sampled(dbsession, conversations=[("rude", False)])
    evaluation = dbsession.query(Evaluation).one()
    login(testapp, "qa1")
    submit_scorecard(testapp, evaluation.id, failing=("greeting",))
    dbsession.commit()
    cards = dbsession.query(DrillCard).filter_by(account_id=li.id).all()
    assert [card.item_id for card in cards] == [greeting_item.id]
    assert dbsession.query(DrillCard).filter(DrillCard.account_id != li.id).count() == 0
    assert dbsession.get(Account, li.id) is not None


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


def test_the_chat_reads_in_the_agent_s_time_with_system_lines_marked(testapp, dbsession):
    AccountFactory(username="qa1", roles=["qa"])
    AccountFactory(username="li")  # no team: Asia/Shanghai
    rows = [("li", "sys-1", "customer", "2026-03-02T10:00:00", "你好"),
            ("li", "sys-1", "system", "2026-03-02T10:00:01", "【自动回复】客服正在接入"),
            ("li", "sys-1", "agent", "2026-03-02T10:00:20", "您好，很高兴为您服务！感谢您的咨询，祝您生活愉快！")]
    service = qa_service(dbsession)
    service.import_file(conversation_csv(rows), "d.csv")
    dbsession.flush()
    service.draw_sample(date(2026, 3, 2))
    dbsession.commit()
    login(testapp, "qa1")
    turns = testapp.get(f"/qa/evaluations/{dbsession.query(Evaluation).one().id}").html.select("ol.transcript li")
    assert [(li.select_one(".who").text, li.select_one("time").text) for li in turns] == [
        ("客户", "10:00:00"), ("系统", "10:00:01"), ("客服", "10:00:20")]


def test_two_evaluators_drawing_the_same_day_at_once_make_one_sample(dbsession, registry):
    import threading

    import transaction
    import zope.sqlalchemy

    from cs_handbook.models import sqlite_write_intent

    AccountFactory(username="li")
    service = qa_service(dbsession)
    service.import_file(conversation_csv([r for i in range(30) for r in good_conversation("li", f"c-{i}")]), "d.csv")
    dbsession.commit()
    barrier, drawn, errors = threading.Barrier(4), [], []

    def draw():
        sqlite_write_intent.set(True)
        session = registry["dbsession_factory"]()
        try:
            barrier.wait()
            manager = transaction.TransactionManager(explicit=True)
            zope.sqlalchemy.register(session, transaction_manager=manager)
            with manager:
                drawn.append(qa_service(session).draw_sample(date(2026, 3, 2)))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            session.close()

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and sorted(drawn) == [0, 0, 0, 20]
    dbsession.rollback()
    assert dbsession.query(Evaluation).count() == 20
