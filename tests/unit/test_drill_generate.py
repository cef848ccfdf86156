"""The drill generator on the real `policies/` files: every kind of item, deterministic, answers right."""

from collections import Counter
from pathlib import Path

from cs_handbook.services.drill_generate import SourceDoc, generate, load_folder

POLICIES = Path(__file__).resolve().parents[2] / "policies"


def items_by_key():
    return {i.key: i for i in generate(load_folder(POLICIES))}


def test_every_kind_is_generated_from_the_real_content():
    items = items_by_key()
    kinds = Counter(i.kind for i in items.values())
    assert set(kinds) == {"order-steps", "recall-number", "match-duty-role", "match-duties", "pick-phrase",
                          "spot-forbidden"}
    first = items["policies/response-and-standard-scripts#fact:first-response:recall-number"]
    assert first.answer == {"value": 60} and first.payload == {"unit": "秒"}
    duty = items["roles/cs-agent#duty:1:match-duty-role"]
    assert duty.answer == {"value": "客户服务人员"} and "客户服务人员" in duty.payload["choices"]
    assert len(set(duty.payload["choices"])) == 4 and duty.payload["number"] == 1


def test_items_hold_content_not_page_wording():
    # "正确顺序：", "这是…的第 N 项职责", "其余选项是禁用语" are the page's words (translated), not the item's.
    for item in items_by_key().values():
        if item.kind == "spot-forbidden":
            assert item.explanation  # the phrase's own note from the script set
        else:
            assert item.explanation == "", item.key


def test_matching_items_pair_four_duties_with_their_four_positions():
    docs = {d.slug: d for d in load_folder(POLICIES)}
    owner = {str(x): str(d.data.get("position_name") or d.title) for d in docs.values() if d.kind == "role"
             for x in d.data.get("duties") or ()}
    matching = [i for i in items_by_key().values() if i.kind == "match-duties"]
    assert len(matching) == sum(1 for d in docs.values() if d.kind == "role")
    for item in matching:
        duties, positions = item.payload["duties"], item.answer["match"]
        assert len(duties) == len(set(positions)) == 4 and sorted(item.payload["choices"]) == sorted(positions)
        assert [owner[d] for d in duties] == positions  # each duty goes with the position that has it
        own = docs[item.source_slug]
        number = int(item.source_anchor.removeprefix("duty:"))
        assert str(own.data["duties"][number - 1]) in duties  # its paragraph is one of its own duties


def test_choices_hold_the_answer_and_orders_are_shuffled():
    for item in items_by_key().values():
        if item.kind == "order-steps":
            assert sorted(item.payload["choices"]) == sorted(item.answer["order"])
            assert item.payload["choices"] != item.answer["order"]
        elif item.kind == "match-duties":
            assert set(item.answer["match"]) == set(item.payload["choices"])
        elif "choices" in item.payload:
            assert item.answer["value"] in item.payload["choices"]


def test_right_phrases_are_told_apart_from_forbidden_ones_and_other_situations():
    docs = load_folder(POLICIES)
    forbidden = {p["text"] for d in docs for s in d.data.get("situations") or () for p in s["phrases"]
                 if p.get("forbidden")}
    allowed_in = {}
    for d in docs:
        for s in d.data.get("situations") or ():
            for p in s["phrases"]:
                if not p.get("forbidden"):
                    allowed_in.setdefault(p["text"], set()).add(f"{d.slug}#situation:{s['key']}")
    picks = [i for i in items_by_key().values() if i.kind == "pick-phrase"]
    assert picks
    for item in picks:
        here = f"{item.source_slug}#{item.source_anchor}"
        assert item.answer["value"] not in forbidden and here in allowed_in[item.answer["value"]]
        wrong = [c for c in item.payload["choices"] if c != item.answer["value"]]
        assert len(wrong) == 3
        assert sum(c in forbidden for c in wrong) == 1  # one banned phrase ...
        assert all(here not in allowed_in.get(c, ()) for c in wrong)  # ... the rest fine elsewhere, not here
    for item in items_by_key().values():
        if item.kind == "spot-forbidden":
            assert item.answer["value"] in forbidden
            assert not forbidden & (set(item.payload["choices"]) - {item.answer["value"]})


def test_generation_is_deterministic_and_hashes_follow_content():
    assert {k: v.content_hash for k, v in items_by_key().items()} == \
        {k: v.content_hash for k, v in items_by_key().items()}
    procedure = {"key": "p", "title": "流程", "steps": ["甲", "乙", "丙"]}
    doc = SourceDoc("handbook/x/y", "handbook", "T", {"procedures": [procedure]})
    before = generate([doc])[0]
    doc.data["procedures"][0]["steps"].append("丁")
    after = generate([doc])[0]
    assert before.key == after.key and before.content_hash != after.content_hash
    assert before.source_anchor == "procedure:p"


def test_malformed_entries_are_skipped():
    doc = SourceDoc("handbook/x/z", "handbook", "T", {
        "procedures": [{"key": "one", "steps": ["只有一步"]}, {"key": "dup", "steps": ["甲", "甲"]}],
        "facts": [{"key": "text", "label": "不是数字", "value": "很多"}, {"key": "flag", "value": True}],
    })
    assert generate([doc]) == []


def test_every_qa_criterion_targets_paragraphs_that_exist():
    from cs_handbook.models.qa import CRITERIA
    from cs_handbook.services.drill_targets import criterion_targets

    items = list(items_by_key().values())
    for criterion in CRITERIA:
        targets = criterion_targets(criterion, "cs-agent")
        assert targets, criterion
        for target in targets:
            slug, _, anchor = target.partition("#")
            matched = [i for i in items if i.source_slug == slug and (not anchor or i.source_anchor == anchor)]
            assert matched, f"{criterion}: {target} names no item"
    # Each criterion brings its own paragraphs, not the whole of scripts/.
    greeting = set(criterion_targets("greeting", None))
    assert greeting.isdisjoint(criterion_targets("closing", None))
    assert "roles/order-agent" in criterion_targets("knowledge", "order-agent")
    assert criterion_targets("no-such-criterion", "cs-agent") == []
