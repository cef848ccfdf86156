"""GIFT and Moodle XML: round trips with every type, Chinese text and escaped special characters."""

import pytest

from cs_handbook.services.quizzes_gift import escape, parse_gift, unescape
from cs_handbook.services.quizzes_moodlexml import parse_moodle_xml
from cs_handbook.services.quizzes_transfer import FORMATS
from tests.factories_quizzes import SAMPLE_QUESTIONS

TRICKY = "特殊字符 ~ = # { } : \\ 与 -> 以及 %50% 和\n第二行"


def sample_records():
    records = []
    for n, (key, spec) in enumerate(SAMPLE_QUESTIONS.items()):
        fields = {"type": spec["type"], "text": f"{spec['text']} {TRICKY}", "source": spec["source"],
                  "points": 2.0 if n % 2 else 1.0, "explanation": f"解释：{TRICKY}", "data": spec["data"]}
        records.append({"category": "basics" if n < 4 else "roles", "category_title": "服务基础" if n < 4 else "岗位",
                        "key": key, "tags": ["标签", "a:b"] if n % 3 == 0 else [], "fields": fields})
    records[0]["fields"]["data"] = {"options": [{"text": "对 {=}", "correct": True, "feedback": "好 #1"},
                                                {"text": "错 ~x"}]}
    return records


@pytest.mark.parametrize("fmt", ["gift", "xml"])
def test_round_trip_every_type(fmt):
    parse, export = FORMATS[fmt]
    records = sample_records()
    text = export(records)
    parsed, errors = parse(text)
    assert errors == []
    assert [{k: v for k, v in r.items() if k != "position"} for r in parsed] == records
    assert export(parsed) == text


def test_gift_escape_round_trip():
    assert unescape(escape(TRICKY)) == TRICKY.strip()


def test_gift_bad_question_reported_by_position_others_kept():
    text = "::a::好 {=对 ~错}\n\n::b::没有答案块\n\n::c::对吗 {T}\n"
    records, errors = parse_gift(text)
    assert [r["key"] for r in records] == ["a", "c"]
    assert errors == [(2, "The question has no answer block in braces.")]


def test_moodle_xml_refuses_doctype_and_bad_xml():
    assert parse_moodle_xml('<!DOCTYPE x [<!ENTITY a "b">]><quiz/>')[1][0][0] == 0
    assert parse_moodle_xml("<quiz>")[1] == [(0, "The file is not well-formed XML.")]
    records, errors = parse_moodle_xml(
        '<quiz><question type="multichoice"><name><text>x</text></name></question>'
        '<question type="truefalse"><name><text>y</text></name><questiontext><text>对吗</text></questiontext>'
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
        '</question><question type="cloze"><questiontext><text>t</text></questiontext></question></quiz>')
    assert [r["key"] for r in records] == ["y"]
    assert errors == [(1, "A question needs its text."), (3, "Unknown question type.")]
