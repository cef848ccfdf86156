"""The automatic etiquette check against transcripts labelled by hand.

Two sets of realistic chats, each transcript carrying per check what a
careful human evaluator decided (true = fine, false = a violation):

- tests/data/qa_transcripts_labelled.json — the tuning set (logistics, car
  service, bank, insurance, software, and the auditor's 24 cases): the
  checker's rules were adjusted against it;
- tests/data/qa_transcripts_heldout.json — the held-out set, written before
  the checker was rewritten (six industries plus telecom, hard cases: words
  that contain a forbidden word but are innocent, colloquial displeasure,
  paraphrased forbidden wording, varied greetings and closings, late first
  replies, system lines and automatic replies), with a note per label.
  Nothing in the checker was tuned on it.

The checker runs with the phrases of the script sets in policies/scripts
(read straight from the front matter, no database). A check predicts a
violation when any of its findings has ok == False; precision and recall of
violation detection must each be above 0.9 for every check on both sets.

Run with -s to see the tables and the misclassified cases.
"""

import json
import pathlib
from datetime import datetime

import pytest
import yaml

from cs_handbook.services.qa import phrases_of
from cs_handbook.services.qa_etiquette import ScriptPhrase, Turn, check_transcript

ROOT = pathlib.Path(__file__).resolve().parents[2]
SETS = {
    "tuning": ROOT / "tests" / "data" / "qa_transcripts_labelled.json",
    "held-out": ROOT / "tests" / "data" / "qa_transcripts_heldout.json",
}
SCRIPTS = ROOT / "policies" / "scripts"
CHECKS = ("greeting", "closing", "apology", "forbidden", "first_response")
MIN_TOTAL = 60
MIN_HELD_OUT = 40
# With fewer violations of a check than this, one mistake would already
# decide whether "above 0.9" holds: the figure would say little.
MIN_VIOLATIONS = 7
THRESHOLD = 0.9


def front_matter(path: pathlib.Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---"), f"{path.name}: no front matter"
    return yaml.safe_load(text.split("---", 2)[1]) or {}


def load_phrases() -> list[ScriptPhrase]:
    sets = []
    for path in sorted(SCRIPTS.glob("*.md")):
        meta = front_matter(path)
        sets.append((f"scripts/{path.stem}", meta.get("title", ""), meta))
    return phrases_of(sets)


def load(name: str) -> list[dict]:
    return json.loads(SETS[name].read_text(encoding="utf-8"))


def predicted_violations(transcript: dict, phrases: list[ScriptPhrase]) -> dict[str, bool]:
    turns = [Turn(t["speaker"], datetime.fromisoformat(t["at"]), t["text"]) for t in transcript["turns"]]
    findings = check_transcript(turns, phrases, response_limit_seconds=60)
    return {check: any(f.check == check and not f.ok for f in findings) for check in CHECKS}


def ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


@pytest.fixture(scope="module")
def phrases():
    return load_phrases()


def score(transcripts: list[dict], phrases) -> tuple[dict, list]:
    """Counts per check (positive = violation), and the misclassified (id, check, kind, note)."""
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
                note = transcript.get("notes", {}).get(check) or transcript.get("note", "")
                errors.append((transcript["id"], check, kind, note))
    return counts, errors


def test_the_sets_are_well_formed_and_apart(phrases):
    tuning, held_out = load("tuning"), load("held-out")
    assert len(tuning) + len(held_out) >= MIN_TOTAL and len(held_out) >= MIN_HELD_OUT
    ids = [t["id"] for t in tuning + held_out]
    assert len(set(ids)) == len(ids)
    texts = lambda ts: {"".join(turn["text"] for turn in t["turns"]) for t in ts}  # noqa: E731
    assert not texts(tuning) & texts(held_out), "a conversation is in both sets"
    assert any(p.forbidden for p in phrases) and any(p.situation == "greeting" for p in phrases)
    for t in tuning + held_out:
        assert set(t["labels"]) == set(CHECKS), t["id"]
        assert all(isinstance(v, bool) for v in t["labels"].values()), t["id"]
        assert 3 <= len(t["turns"]) <= 12, t["id"]
        assert {turn["speaker"] for turn in t["turns"]} <= {"customer", "agent", "system"}, t["id"]
        times = [datetime.fromisoformat(turn["at"]) for turn in t["turns"]]
        assert all(at.tzinfo is not None for at in times) and times == sorted(times), t["id"]
    for t in held_out:
        # Every label of the held-out set says why, in a human's words.
        assert set(t["notes"]) == set(CHECKS) and all(t["notes"].values()), t["id"]
    assert len({t["industry"] for t in held_out}) >= 6
    for transcripts in (tuning, held_out):
        clean = sum(all(t["labels"].values()) for t in transcripts)
        assert 0.3 <= clean / len(transcripts) <= 0.65, "roughly half the transcripts should be clean"
        for check in CHECKS:
            assert sum(not t["labels"][check] for t in transcripts) >= MIN_VIOLATIONS, check


@pytest.mark.parametrize("name", list(SETS))
def test_precision_and_recall_of_every_check(name, phrases):
    transcripts = load(name)
    counts, errors = score(transcripts, phrases)
    print(f"\nEtiquette check on the {name} set, {len(transcripts)} transcripts (positive = violation)")
    print(f"{'check':<15}{'TP':>5}{'FP':>5}{'FN':>5}{'TN':>5}{'precision':>11}{'recall':>8}")
    failures = []
    for check, c in counts.items():
        precision, recall = ratio(c["TP"], c["TP"] + c["FP"]), ratio(c["TP"], c["TP"] + c["FN"])
        print(f"{check:<15}{c['TP']:>5}{c['FP']:>5}{c['FN']:>5}{c['TN']:>5}{precision:>11.2f}{recall:>8.2f}")
        if not (precision > THRESHOLD and recall > THRESHOLD):
            failures.append(f"{check}: precision {precision:.2f}, recall {recall:.2f}")
    for tid, check, kind, note in errors:
        print(f"  {tid:<6}{check:<15}{kind}  {note}")
    assert not failures, f"{name} set: " + "; ".join(failures)
