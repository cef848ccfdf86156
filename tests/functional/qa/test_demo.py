"""The demo builder: a fresh demo site has transcripts to score, scored days in the ledger, and a dispute."""

import json
from datetime import date

import pytest
from pyramid.scripting import prepare
from sqlalchemy import func, select

from cs_handbook.models.qa import Dispute, Evaluation, Transcript
from cs_handbook.scripts.progress import Progress
from cs_handbook.services.qa import QAService
from cs_handbook.views.qa.demo import DEMO_FILE
from tests.functional.qa.test_published_scripts import load_script_sets


@pytest.fixture
def env(registry, dbsession):
    env = prepare(registry=registry)
    yield env
    env["closer"]()


def test_the_demo_file_holds_realistic_chats_for_the_demo_agents():
    chats = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["conversations"]
    assert len(chats) >= 30 and {c["agent"] for c in chats} == {"newhire1", "newhire2", "mentor"}
    assert {c["day"] for c in chats} == {-3, -2, -1}
    assert all(c["turns"][0][0] == "customer" and any(t[0] == "agent" for t in c["turns"]) for c in chats)


def test_a_fresh_demo_site_has_qa_to_show_and_a_second_build_adds_nothing(env, dbsession, clock, tmp_path):
    from cs_handbook.demo import create_demo_accounts

    load_script_sets(dbsession, tmp_path)  # first run loads the default content before the demo data
    request = env["request"]
    for _build in range(2):
        with request.tm:
            create_demo_accounts(request, Progress(quiet=True))
        dbsession.commit()
        count = lambda model, *where: dbsession.scalar(select(func.count()).select_from(model).where(*where))  # noqa: E731
        assert count(Transcript) == 36
        assert count(Evaluation, Evaluation.status == "final") == 24  # the two older days, scored
        assert count(Evaluation, Evaluation.status == "draft") == 12  # yesterday's sample waits
        assert count(Dispute) == 1
    # The clock says 2 March: the scored days are 27 and 28 February.
    with request.tm:
        ledger = {agent.username: line for agent, line in request.find_service(QAService).ledger(date(2026, 2, 1))}
    # newhire2's 28 February: four chats that break the script, so that day's point is lost.
    assert ledger["newhire2"].points_lost == 1 and ledger["mentor"].points_lost == 0
