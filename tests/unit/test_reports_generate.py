"""The benchmark data generator: seeded, repeatable, counts that follow the issue's figures, QA data that looks real."""

import json
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from bench.generate_data import ANSWERS_PER_ATTEMPT, FULL_SCALE, generate, planned
from bench.generate_transcripts import RESPONSE_LIMIT, SKELETONS, TranscriptMaker
from cs_handbook.models.qa import CRITERIA
from cs_handbook.scripts.progress import Progress
from cs_handbook.services.qa_etiquette import Turn, check_transcript

TABLES = ("accounts", "quiz_attempts", "quiz_attempt_questions", "quiz_grades", "drill_review_logs", "qa_evaluations")
SCALE = 0.003


def _fingerprint(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {t: conn.scalar(text(f"SELECT COUNT(*) FROM {t}")) for t in TABLES}
        scores = conn.execute(text("SELECT account_id, quiz_id, score_percent FROM quiz_attempts ORDER BY id")).all()
        days = conn.execute(text("SELECT account_id, day, correct FROM drill_review_logs ORDER BY id")).all()
        turns = conn.execute(text("SELECT text FROM qa_transcript_turns ORDER BY id")).scalars().all()
    engine.dispose()
    return counts, scores, days, turns


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    quiet = Progress(quiet=True)
    urls = {name: f"sqlite:///{folder}/{name}.sqlite" for name in ("a", "b", "c")}
    summary = generate(urls["a"], scale=SCALE, seed=5, progress=quiet)
    generate(urls["b"], scale=SCALE, seed=5, progress=quiet)
    generate(urls["c"], scale=SCALE, seed=6, progress=quiet)
    return urls, summary


def test_full_scale_figures_are_the_issues():
    # Issue 7: "10,000 staff, 100,000 attempts, 1,000,000 answers".
    assert planned(1.0)["staff"] == 10_000 and planned(1.0)["attempts"] == 100_000
    assert planned(1.0)["answers"] == 1_000_000 == FULL_SCALE["answers"]
    assert planned(1.0)["teams"] == 100


@pytest.mark.parametrize("scale", [0.003, 0.01, 0.07, 0.1, 0.29, 0.5])
def test_every_count_is_scale_times_the_full_figure(scale):
    counts = planned(scale)
    for key, full in FULL_SCALE.items():
        assert counts[key] == round(full * scale), key


def test_same_seed_same_rows(generated):
    urls, summary = generated
    a, b, c = (_fingerprint(urls[name]) for name in ("a", "b", "c"))
    assert a == b
    assert a[1] != c[1] and a[3] != c[3]
    counts = a[0]
    assert counts["quiz_attempt_questions"] == counts["quiz_attempts"] * ANSWERS_PER_ATTEMPT
    assert summary["staff"] == 30 and counts["accounts"] == 30 + summary["teams"] + 1
    # One grade per (quiz, person) that has attempts.
    engine = create_engine(urls["a"])
    with engine.connect() as conn:
        pairs = conn.scalar(text("SELECT COUNT(*) FROM (SELECT DISTINCT quiz_id, account_id FROM quiz_attempts) x"))
    engine.dispose()
    assert counts["quiz_grades"] == pairs


def test_the_database_holds_scale_times_the_issues_figures(generated):
    urls, summary = generated
    counts = _fingerprint(urls["a"])[0]
    written = {"staff": summary["staff"], "attempts": counts["quiz_attempts"],
               "answers": counts["quiz_attempt_questions"], "reviews": counts["drill_review_logs"],
               "transcripts": counts["qa_evaluations"]}
    assert written == {key: round(full * SCALE) for key, full in FULL_SCALE.items()}


def test_transcripts_are_varied_and_their_scorecards_filled(generated):
    urls, _summary = generated
    engine = create_engine(urls["a"])
    with engine.connect() as conn:
        agent_turns = conn.execute(text("SELECT text FROM qa_transcript_turns WHERE speaker = 'agent'")).scalars().all()
        evaluations = conn.execute(text("SELECT status, criteria, findings, passed FROM qa_evaluations")).all()
    engine.dispose()
    # Not one text copied everywhere: many wordings, none of them in more than a tenth of the agents' turns.
    assert len(set(agent_turns)) >= 50 and Counter(agent_turns).most_common(1)[0][1] < len(agent_turns) / 10
    statuses = Counter(status for status, *_ in evaluations)
    assert statuses["final"] > statuses["draft"] > 0  # today's are still in the evaluators' queue
    failed = Counter()
    for status, criteria, findings, passed in evaluations:
        criteria, findings = json.loads(criteria), json.loads(findings)
        assert set(criteria) == set(CRITERIA)
        checks = {finding["check"] for finding in findings}
        assert {"greeting", "closing", "apology", "forbidden", "first_response"} <= checks
        # The evidence the check quotes is a real turn of a real conversation.
        assert all(finding["evidence"] for finding in findings if not finding["ok"])
        if status == "final":
            assert passed == all(entry["ok"] for entry in criteria.values())
            failed.update(name for name, entry in criteria.items() if not entry["ok"])
        else:
            assert passed is None
    # Some fail, most pass, for more than one reason.
    share = sum(1 for status, *_rest, passed in evaluations if status == "final" and not passed) / statuses["final"]
    assert 0.03 < share < 0.4 and len(failed) >= 3


def test_a_skeletons_findings_hold_for_every_transcript_made_from_it():
    # The generator checks each wording once; the details, times and agents it fills in per transcript must not
    # change what the site's check would find.
    maker = TranscriptMaker("5")
    for number in range(0, SKELETONS, 10):
        skeleton = maker._skeleton(number)
        for _ in range(3):
            turns, findings = maker.conversation(datetime(2026, 2, 3, 4, tzinfo=UTC))
            found = check_transcript([Turn(*turn) for turn in turns], maker.phrases, RESPONSE_LIMIT)
            assert [finding.as_dict() for finding in found] == findings
        assert skeleton.findings
