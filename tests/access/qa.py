"""Access-matrix rows of transcript QA (cs_handbook/views/qa)."""

from webtest import Upload

from . import SIGNED_IN, Row, only, signed_in

CRITERIA = ("greeting", "closing", "attitude", "wording", "knowledge", "timeliness", "clarity")
EVALUATORS = ("qa", "admin")
LEDGER_READERS = ("manager", "qa", "admin")
# The organisation-wide rules: admins, and managers of every team (the matrix's manager has team A only).
RULE_MAKERS = ("admin",)


def _evaluation(dbsession, people, final=True, agent="staff"):
    from datetime import date

    from cs_handbook.models.qa import Evaluation
    from tests.factories_qa import conversation_csv, good_conversation, qa_service

    service = qa_service(dbsession)
    service.import_file(conversation_csv(good_conversation(people[agent].username, "matrix-1")), "m.csv")
    dbsession.flush()
    service.draw_sample(date(2026, 3, 2))
    evaluation = dbsession.query(Evaluation).one()
    if final:
        service.score(evaluation, people["qa"], {c: c != "knowledge" for c in CRITERIA}, {})
    dbsession.commit()
    return evaluation


def _final(dbsession, people):
    return {"evaluation_id": _evaluation(dbsession, people).id}


def _other_team(dbsession, people):
    """An evaluation of the other team's agent: the manager of team A may not open it."""
    return {"evaluation_id": _evaluation(dbsession, people, agent="outsider").id}


def _dispute(dbsession, people):
    from tests.factories_qa import qa_service

    evaluation = _evaluation(dbsession, people)
    dispute = qa_service(dbsession).open_dispute(evaluation, people["staff"], "请复核")
    dbsession.commit()
    return {"dispute_id": dispute.id}


def _scorecard(ctx):
    pairs = []
    for name in CRITERIA:
        pairs += [("__start__", f"{name}:mapping"), ("ok", "true"), ("note", ""), ("__end__", f"{name}:mapping")]
    return pairs + [("comment", "")]


def _rules(ctx):
    return {"working_days": "26", "failures_per_point": "4", "cut_below_1": "20", "cut_amount_1": "50",
            "cut_below_2": "15", "cut_amount_2": "100", "void_below": "12", "extra_bonus_at": "26",
            "sample_size": "20", "first_response_seconds": "60", "effective_from": "2099-12", "daily_cap": "1"}


def _upload(ctx):
    return [("__start__", "transcripts:mapping"),
            ("upload", Upload("t.csv", b"agent,conversation,speaker,timestamp,text\n", "text/csv")),
            ("__end__", "transcripts:mapping")]


ROWS = [
    Row("qa.index", "GET", "/qa/", only(200, *EVALUATORS)),
    Row("qa.index", "GET", "/qa/?day=2026-03-02&page=1", only(200, *EVALUATORS)),
    Row("qa.import", "GET", "/qa/import", only(200, *EVALUATORS)),
    Row("qa.import", "POST", "/qa/import", only(200, *EVALUATORS), data=_upload),
    Row("qa.sample", "POST", "/qa/sample", only(303, *EVALUATORS), data={"day": "2026-03-02"}),
    Row("qa.evaluation", "GET", "/qa/evaluations/{evaluation_id}",
        only(200, "staff", "manager", *EVALUATORS), setup=_final),
    Row("qa.evaluation", "GET", "/qa/evaluations/{evaluation_id}", only(200, *EVALUATORS), setup=_other_team),
    Row("qa.evaluation", "GET", "/qa/evaluations/99999999999999999999", only(404, *SIGNED_IN, anonymous=404)),
    Row("qa.evaluation", "POST", "/qa/evaluations/{evaluation_id}", only(303, *EVALUATORS), setup=_final,
        data=_scorecard),
    # Only the agent may dispute; the admin passes the ACL but the service
    # refuses a dispute of someone else's evaluation.
    Row("qa.dispute", "POST", "/qa/evaluations/{evaluation_id}/dispute", only(303, "staff"), setup=_final,
        data={"comment": "我认为这条是合格的"}),
    Row("qa.dispute_resolve", "POST", "/qa/disputes/{dispute_id}/resolve", only(303, *EVALUATORS),
        setup=_dispute, data={"decision": "reject", "resolution": "维持原判"}),
    Row("qa.mine", "GET", "/qa/mine", signed_in(200)),
    Row("qa.ledger", "GET", "/qa/ledger", only(200, *LEDGER_READERS)),
    Row("qa.ledger_export", "GET", "/qa/ledger.csv", only(200, *LEDGER_READERS)),
    Row("qa.ledger_export", "GET", "/qa/ledger.xlsx?month=2026-03", only(200, *LEDGER_READERS)),
    Row("qa.evaluations_export", "GET", "/qa/evaluations.csv", only(200, *LEDGER_READERS), setup=_final),
    Row("qa.evaluations_export", "GET", "/qa/evaluations.xlsx?month=2026-03", only(200, *LEDGER_READERS)),
    Row("qa.rules", "GET", "/qa/rules", only(200, *RULE_MAKERS)),
    Row("qa.rules", "POST", "/qa/rules", only(303, *RULE_MAKERS), data=_rules),
]
