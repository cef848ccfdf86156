"""The automatic etiquette check against transcripts labelled by hand.

tests/data/qa_transcripts_labelled.json holds realistic chat transcripts
(logistics, car service, bank, insurance, software); each carries, per check,
what a careful human evaluator would decide: true = fine, false = a violation.
The checker runs with the phrases of the script sets in policies/scripts
(read straight from the front matter, no database), and its violation
detection is scored over all (transcript, check) pairs: a check predicts a
violation when any of its findings has ok == False.

Run with -s to see the per-check table and the misclassified cases.
"""

import json
import pathlib
from datetime import datetime

import pytest
import yaml

from cs_handbook.services.qa_etiquette import ScriptPhrase, Turn, check_transcript

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "qa_transcripts_labelled.json"
SCRIPTS = ROOT / "policies" / "scripts"
CHECKS = ("greeting", "closing", "apology", "forbidden", "first_response")
MIN_TRANSCRIPTS = 60
MIN_PRECISION = 0.9
MIN_RECALL = 0.9


def front_matter(path: pathlib.Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---"), f"{path.name}: no front matter"
    return yaml.safe_load(text.split("---", 2)[1]) or {}


def load_phrases() -> list[ScriptPhrase]:
    phrases = []
    for path in sorted(SCRIPTS.glob("*.md")):
        slug = f"scripts/{path.stem}"
        for situation in front_matter(path).get("situations", []):
            for phrase in situation.get("phrases", []):
                phrases.append(ScriptPhrase(situation.get("key", ""), phrase.get("text", ""),
                                            bool(phrase.get("forbidden")), slug))
    return phrases


def load_transcripts() -> list[dict]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def predicted_violations(transcript: dict, phrases: list[ScriptPhrase]) -> dict[str, bool]:
    turns = [Turn(t["speaker"], datetime.fromisoformat(t["at"]), t["text"]) for t in transcript["turns"]]
    findings = check_transcript(turns, phrases, response_limit_seconds=60)
    return {check: any(f.check == check and not f.ok for f in findings) for check in CHECKS}


def ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


@pytest.fixture(scope="module")
def phrases():
    return load_phrases()


@pytest.fixture(scope="module")
def transcripts():
    return load_transcripts()


@pytest.fixture(scope="module")
def scores(phrases, transcripts):
    """Counts per check, and the misclassified (id, check, kind) cases."""
    counts = {check: {"TP": 0, "FP": 0, "FN": 0, "TN": 0} for check in CHECKS}
    errors = []
    for transcript in transcripts:
        predicted = predicted_violations(transcript, phrases)
        for check in CHECKS:
            actual = not transcript["labels"][check]
            kind = {(True, True): "TP", (False, True): "FP", (True, False): "FN", (False, False): "TN"}[
                (actual, predicted[check])]
            counts[check][kind] += 1
            if kind in ("FP", "FN"):
                errors.append((transcript["id"], check, kind, transcript.get("note", "")))
    overall = {k: sum(c[k] for c in counts.values()) for k in ("TP", "FP", "FN", "TN")}
    return counts, overall, errors


def test_the_data_is_well_formed(transcripts, phrases):
    assert len(transcripts) >= MIN_TRANSCRIPTS
    assert len({t["id"] for t in transcripts}) == len(transcripts)
    assert any(p.forbidden for p in phrases) and any(p.situation == "greeting" for p in phrases)
    for t in transcripts:
        assert set(t["labels"]) == set(CHECKS), t["id"]
        assert all(isinstance(v, bool) for v in t["labels"].values()), t["id"]
        assert 3 <= len(t["turns"]) <= 12, t["id"]
        assert {turn["speaker"] for turn in t["turns"]} <= {"customer", "agent"}, t["id"]
        times = [datetime.fromisoformat(turn["at"]) for turn in t["turns"]]
        assert all(at.tzinfo is not None for at in times) and times == sorted(times), t["id"]
    clean = sum(all(t["labels"].values()) for t in transcripts)
    assert 0.35 <= clean / len(transcripts) <= 0.65, "roughly half the transcripts should be clean"


def test_violation_detection_precision_and_recall(scores, transcripts):
    counts, overall, errors = scores
    print(f"\nEtiquette check on {len(transcripts)} labelled transcripts (positive = violation)")
    print(f"{'check':<15}{'TP':>5}{'FP':>5}{'FN':>5}{'TN':>5}{'precision':>11}{'recall':>8}")
    for name, c in [*counts.items(), ("overall", overall)]:
        print(f"{name:<15}{c['TP']:>5}{c['FP']:>5}{c['FN']:>5}{c['TN']:>5}"
              f"{ratio(c['TP'], c['TP'] + c['FP']):>11.2f}{ratio(c['TP'], c['TP'] + c['FN']):>8.2f}")
    if errors:
        print("misclassified:")
        for tid, check, kind, note in errors:
            print(f"  {tid:<5}{check:<15}{kind}  {note}")
    precision = ratio(overall["TP"], overall["TP"] + overall["FP"])
    recall = ratio(overall["TP"], overall["TP"] + overall["FN"])
    assert precision >= MIN_PRECISION, f"precision {precision:.2f} < {MIN_PRECISION}"
    assert recall >= MIN_RECALL, f"recall {recall:.2f} < {MIN_RECALL}"
