"""The benchmark data generator is seeded and repeatable, and its figures add up."""

from sqlalchemy import create_engine, text

from bench.generate_data import ANSWERS_PER_ATTEMPT, generate
from cs_handbook.scripts.progress import Progress

TABLES = ("accounts", "quiz_attempts", "quiz_attempt_questions", "quiz_grades", "drill_review_logs", "qa_evaluations")


def _fingerprint(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {t: conn.scalar(text(f"SELECT COUNT(*) FROM {t}")) for t in TABLES}
        scores = conn.execute(text("SELECT account_id, quiz_id, score_percent FROM quiz_attempts ORDER BY id")).all()
        days = conn.execute(text("SELECT account_id, day, correct FROM drill_review_logs ORDER BY id")).all()
    engine.dispose()
    return counts, scores, days


def test_same_seed_same_rows(tmp_path):
    quiet = Progress(quiet=True)
    first, second, other = (f"sqlite:///{tmp_path}/{n}.sqlite" for n in ("a", "b", "c"))
    summary = generate(first, scale=0.003, seed=5, progress=quiet)
    generate(second, scale=0.003, seed=5, progress=quiet)
    generate(other, scale=0.003, seed=6, progress=quiet)
    a, b, c = _fingerprint(first), _fingerprint(second), _fingerprint(other)
    assert a == b
    assert a[1] != c[1]
    counts = a[0]
    assert counts["quiz_attempt_questions"] == counts["quiz_attempts"] * ANSWERS_PER_ATTEMPT
    assert summary["staff"] == 30 and counts["accounts"] == 30 + summary["teams"] + 1
    # One grade per (quiz, person) that has attempts.
    engine = create_engine(first)
    with engine.connect() as conn:
        pairs = conn.scalar(text("SELECT COUNT(*) FROM (SELECT DISTINCT quiz_id, account_id FROM quiz_attempts) x"))
    engine.dispose()
    assert counts["quiz_grades"] == pairs
