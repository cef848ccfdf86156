"""The side-by-side diff stays exact for ordinary edits and bounded for huge ones."""

import random
import re

from cs_handbook.services.documents_diff import diff_lines, diff_versions


def _marks(markup, tag) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", str(markup), re.S)


def test_changed_characters_inside_a_chinese_line_are_marked():
    (row,) = diff_lines("首问负责，限时答复。", "首问负责，两小时内答复。")
    assert row.kind == "replace"
    assert _marks(row.left, "del") == ["限"] and _marks(row.right, "ins") == ["两小", "内"]


def _body(length, seed):
    rng = random.Random(seed)
    words = ["客户", "服务", "投诉", "处理", "回访", "记录", "满意", "反馈", "时限", "负责"]
    return "".join(rng.choice(words) + rng.choice(["，", "。", "", ""]) for _ in range(length // 2))[:length]


def test_a_200k_character_single_line_body_diffs_and_marks_the_change():
    old = _body(200_000, 1)
    new = old[:100_000] + "【新增的一句话】" + old[100_010:]
    rows = diff_versions([("标题", "标题"), ("", ""), (old, new)])
    (changed,) = [r for r in rows if r.kind != "equal"]
    assert _marks(changed.right, "ins") == ["【新增的一句话】"]
    assert "".join(_marks(changed.left, "del")) == old[100_000:100_010]


def test_two_unrelated_200k_lines_are_marked_replaced():
    old, new = _body(200_000, 2), _body(200_000, 3)
    (row,) = diff_lines(old, new)
    assert row.kind == "replace" and _marks(row.left, "del") and _marks(row.right, "ins")
    # What is marked, plus what is left unmarked, is the whole text: nothing dropped.
    assert re.sub(r"</?del>", "", str(row.left)) == str(row.left.__class__.escape(old))


def test_many_long_changed_lines_stay_within_the_budget_and_are_still_marked():
    old = "\n".join(_body(1_900, i) for i in range(60))
    new = "\n".join(_body(1_900, i)[:900] + "改" + _body(1_900, i)[901:] for i in range(60))
    rows = diff_lines(old, new)
    changed = [r for r in rows if r.kind == "replace"]
    assert len(changed) == 60 and all(_marks(r.right, "ins") for r in changed)


def test_a_long_changed_stretch_is_compared_by_phrase():
    old = _body(6_000, 4)
    new = old[:1_000] + "【甲】" + old[1_000:5_000] + "【乙】" + old[5_000:]
    (row,) = diff_lines(old, new)
    inserted = "".join(_marks(row.right, "ins"))
    # Two short insertions 4,000 characters apart: marked by the phrases around them, not the whole stretch.
    assert "【甲】" in inserted and "【乙】" in inserted and len(inserted) < 200
