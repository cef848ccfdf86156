"""Disputes: the agent contests criteria, the evaluator upholds (amending the card) or rejects; the card stays
consistent, is locked once decided, and every step is in the audit log."""

import pytest
import webtest

from cs_handbook.models.audit import AuditEvent
from cs_handbook.models.qa import Dispute, Evaluation
from cs_handbook.services.qa import QAError
from tests.conftest import login
from tests.factories import AccountFactory
from tests.factories_qa import qa_service, sampled, score_all


@pytest.fixture
def scored(dbsession, clock):
    """li's transcript, failed by qa1 on greeting and knowledge."""
    qa1 = AccountFactory(username="qa1", roles=["qa"])
    li = AccountFactory(username="li")
    sampled(dbsession)
    score_all(dbsession, qa1, failing=("greeting", "knowledge"))
    return {"qa1": qa1, "li": li, "evaluation": dbsession.query(Evaluation).one()}


def browser(app, username, address):
    client = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": address, "HTTP_HOST": "localhost"})
    login(client, username)
    return client


def dispute_through_the_page(agent_app, evaluation_id, criteria, comment="问候语我说了您好"):
    form = agent_app.get(f"/qa/evaluations/{evaluation_id}").forms["dispute"]
    for field in form.fields.get("checkbox", []):
        field.checked = field._value in criteria  # noqa: SLF001 - webtest's checkbox value
    form["comment"] = comment
    return form.submit("submit")


def test_an_upheld_dispute_amends_the_card_and_the_agent_sees_a_consistent_result(app, dbsession, scored):
    evaluation = scored["evaluation"]
    agent_app = browser(app, "li", "10.0.0.3")
    assert "合格" not in agent_app.get("/qa/mine").text.replace("不合格", "")
    dispute_through_the_page(agent_app, evaluation.id, {"greeting"}).follow()
    dbsession.commit()
    dispute = dbsession.query(Dispute).one()
    assert dispute.criteria == ["greeting"] and dispute.status == "open"

    evaluator = browser(app, "qa1", "10.0.0.4")
    assert "问候语我说了您好" in evaluator.get("/qa/").text
    page = evaluator.get(f"/qa/evaluations/{evaluation.id}")
    assert "scorecard" not in page.forms  # the card waits for the decision
    form = page.forms["resolve"]
    form["decision"] = "accept"
    form["resolution"] = "录音里有问候，已更正"
    form.submit("submit", status=303)
    dbsession.commit()
    evaluation = dbsession.get(Evaluation, evaluation.id)
    # Only the disputed criterion changed: knowledge still fails, so the transcript still fails.
    assert evaluation.criteria["greeting"]["ok"] is True and evaluation.criteria["greeting"]["amended"] is True
    assert evaluation.criteria["knowledge"]["ok"] is False and evaluation.passed is False

    text = agent_app.get(f"/qa/evaluations/{evaluation.id}").text
    assert "已支持：评分卡已更正" in text and "不合格" in text and "(accepted)" not in text
    assert "✓ 问候语" in text and "✗ 产品知识" in text
    assert "dispute" not in agent_app.get(f"/qa/evaluations/{evaluation.id}").forms  # decided once
    actions = [e.action for e in dbsession.query(AuditEvent).filter(AuditEvent.action.like("qa.%"))
               .order_by(AuditEvent.id)]
    assert actions == ["qa.scored", "qa.disputed", "qa.dispute.decided"]
    decided = dbsession.query(AuditEvent).filter_by(action="qa.dispute.decided").one()
    assert decided.detail == {"decision": "accepted", "amended": ["greeting"], "passed": [False, False]}


def test_upholding_every_disputed_criterion_makes_the_transcript_pass(dbsession, scored):
    service = qa_service(dbsession)
    dispute = service.open_dispute(scored["evaluation"], scored["li"], "都做到了")
    service.resolve_dispute(dispute, scored["qa1"], True, "同意")
    assert scored["evaluation"].passed is True
    assert all(entry["ok"] for entry in scored["evaluation"].criteria.values())


def test_a_decided_dispute_locks_the_card(app, dbsession, scored):
    evaluation = scored["evaluation"]
    service = qa_service(dbsession)
    dispute = service.open_dispute(evaluation, scored["li"], "请复核")
    service.resolve_dispute(dispute, scored["qa1"], False, "维持原判")
    dbsession.commit()
    evaluator = browser(app, "qa1", "10.0.0.4")
    page = evaluator.get(f"/qa/evaluations/{evaluation.id}")
    assert "scorecard" not in page.forms and "已驳回：评分卡维持不变" in page.text
    token = page.html.find("input", attrs={"name": "csrf_token"})
    token = token["value"] if token else evaluator.get("/qa/").html.find("input", attrs={"name": "csrf_token"})["value"]
    refused = evaluator.post(f"/qa/evaluations/{evaluation.id}", [
        ("csrf_token", token), *sum(([("__start__", f"{c}:mapping"), ("ok", "true"), ("note", ""),
                                      ("__end__", f"{c}:mapping")] for c in
                                     ("greeting", "closing", "attitude", "wording", "knowledge", "timeliness",
                                      "clarity")), []), ("comment", "")], status=409)
    assert "已锁定" in refused.text
    dbsession.commit()
    assert dbsession.get(Evaluation, evaluation.id).passed is False
    with pytest.raises(QAError):
        service.open_dispute(dbsession.get(Evaluation, evaluation.id), scored["li"], "再申诉一次")


def test_dispute_rules(dbsession, scored):
    service = qa_service(dbsession)
    evaluation = scored["evaluation"]
    with pytest.raises(QAError, match="own evaluations"):
        service.open_dispute(evaluation, scored["qa1"], "x")
    with pytest.raises(QAError, match="not met"):
        service.open_dispute(evaluation, scored["li"], "x", criteria=["closing"])
    dispute = service.open_dispute(evaluation, scored["li"], "x", criteria=["knowledge"])
    with pytest.raises(QAError, match="open dispute"):
        service.open_dispute(evaluation, scored["li"], "y")
    with pytest.raises(QAError, match="own transcript"):
        service.resolve_dispute(dispute, scored["li"], True, "")
    with pytest.raises(QAError, match="at least one"):
        service.resolve_dispute(dispute, scored["qa1"], True, "", amend=["closing"])
    service.resolve_dispute(dispute, scored["qa1"], True, "")
    assert evaluation.criteria["knowledge"]["ok"] is True and evaluation.criteria["greeting"]["ok"] is False
    with pytest.raises(QAError, match="already resolved"):
        service.resolve_dispute(dispute, scored["qa1"], False, "")


def test_bad_decisions_are_a_400_and_change_nothing(app, dbsession, scored):
    evaluation = scored["evaluation"]
    qa_service(dbsession).open_dispute(evaluation, scored["li"], "请复核")
    dbsession.commit()
    evaluator = browser(app, "qa1", "10.0.0.4")
    form = evaluator.get(f"/qa/evaluations/{evaluation.id}").forms["resolve"]
    form["resolution"] = "x" * 2001
    form.submit("submit", status=400)
    token = evaluator.get("/qa/").html.find("input", attrs={"name": "csrf_token"})["value"]
    dispute_id = dbsession.query(Dispute).one().id
    evaluator.post(f"/qa/disputes/{dispute_id}/resolve", {"csrf_token": token, "decision": "maybe"}, status=400)
    dbsession.commit()
    assert dbsession.query(Dispute).one().status == "open"


def test_the_evaluators_home_panel_counts_open_disputes(app, dbsession, scored):
    """The panel's counts come from one statement: a dispute shows there until it is decided."""
    evaluator = browser(app, "qa1", "10.0.0.4")
    assert "条申诉待处理" not in evaluator.get("/").text
    agent_app = browser(app, "li", "10.0.0.3")
    dispute_through_the_page(agent_app, scored["evaluation"].id, {"greeting"}).follow()
    assert "1 条申诉待处理" in evaluator.get("/").text
    form = evaluator.get(f"/qa/evaluations/{scored['evaluation'].id}").forms["resolve"]
    form["decision"] = "reject"
    form["resolution"] = "录音里没有问候"
    form.submit("submit", status=303)
    assert "条申诉待处理" not in evaluator.get("/").text
