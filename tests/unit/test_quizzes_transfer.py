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


# -- fidelity: what Moodle files hold, and texts that look like GIFT's own marks ----------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cs_handbook.services.quizzes_bank import check_fields  # noqa: E402
from cs_handbook.services.quizzes_gift import export_gift  # noqa: E402
from cs_handbook.services.quizzes_grading import AnswerError  # noqa: E402
from cs_handbook.services.quizzes_moodlexml import export_moodle_xml, html_to_text  # noqa: E402


def _record(qtype, data, text="题目", key="k"):
    return {"category": "c", "category_title": "分类", "key": key, "tags": [],
            "fields": {"type": qtype, "text": text, "source": "", "points": 1.0, "explanation": "", "data": data}}


def test_moodle_html_texts_become_plain_text():
    xml = ('<quiz><question type="multichoice"><name><text>Q 1</text></name>'
           '<questiontext format="html"><text><![CDATA[<p>客户<b>满意度</b>取决于</p><p>什么？&nbsp;&lt;请选&gt;'
           '<script>alert(1)</script></p>]]></text></questiontext>'
           '<generalfeedback format="html"><text><![CDATA[见<a href="x">手册</a><br>第二行]]></text></generalfeedback>'
           '<single>true</single>'
           '<answer fraction="100" format="html"><text><![CDATA[<p>差距</p>]]></text>'
           '<feedback format="html"><text><![CDATA[<i>对</i>]]></text></feedback></answer>'
           '<answer fraction="0" format="plain_text"><text>价格 &lt;b&gt;不是&lt;/b&gt;</text></answer>'
           '</question></quiz>')
    [record], errors = parse_moodle_xml(xml)
    assert errors == []
    fields = record["fields"]
    assert fields["text"] == "客户满意度取决于\n什么？ <请选>"
    assert fields["explanation"] == "见手册\n第二行"
    # Plain text stays as written, angle brackets and all.
    assert fields["data"]["options"] == [{"text": "差距", "correct": True, "feedback": "对"},
                                         {"text": "价格 <b>不是</b>"}]
    assert html_to_text("<ul><li>一</li><li>二</li></ul>") == "一\n二"


def test_matching_distractors_are_kept_both_ways():
    xml = ('<quiz><question type="matching"><name><text>M</text></name><questiontext><text>配对</text></questiontext>'
           '<subquestion><text>a</text><answer><text>1</text></answer></subquestion>'
           '<subquestion><text>b</text><answer><text>2</text></answer></subquestion>'
           '<subquestion><text></text><answer><text>干扰项</text></answer></subquestion></question></quiz>')
    [record], errors = parse_moodle_xml(xml)
    assert errors == []
    assert record["fields"]["data"] == {"pairs": [{"left": "a", "right": "1"}, {"left": "b", "right": "2"}],
                                        "distractors": ["干扰项"]}
    for fmt in ("gift", "xml"):
        parse, export = FORMATS[fmt]
        [again], errors = parse(export([record]))
        assert errors == [] and again["fields"]["data"] == record["fields"]["data"]
    assert "= -> 干扰项" in export_gift([record])


def test_partially_weighted_short_answers_are_left_out_with_a_note():
    [record], errors = parse_gift("::s::首次响应时限？ {=%100%60秒 =%50%一分钟 =%0%两分钟 =六十秒}\n")
    assert errors == []
    assert record["fields"]["data"] == {"answers": ["60秒", "六十秒"]}
    assert record["notes"] == ["Answers with partial credit were left out: a short answer earns full marks or none."]
    xml = ('<quiz><question type="shortanswer"><name><text>s</text></name><questiontext><text>t</text></questiontext>'
           '<answer fraction="100"><text>60秒</text></answer><answer fraction="50"><text>一分钟</text></answer>'
           '</question></quiz>')
    [record], _ = parse_moodle_xml(xml)
    assert record["fields"]["data"] == {"answers": ["60秒"]} and record["notes"]


@pytest.mark.parametrize("fmt", ["gift", "xml"])
@pytest.mark.parametrize("qtype,data", [
    ("matching", {"pairs": [{"left": "A->B 流程", "right": "甲"}, {"left": "C", "right": "乙 -> 丙"}]}),
    ("short", {"answers": ["A->B", "%50%x", "T"]}),
    ("single", {"options": [{"text": "%50%x", "correct": True}, {"text": "100%"}, {"text": "T"}]}),
    ("multiple", {"options": [{"text": "%-100%甲", "correct": True}, {"text": "乙", "correct": True}, {"text": "丙"}]}),
    ("ordering", {"items": ["a -> b", "%1%c", "d"]}),
])
def test_texts_that_look_like_gift_marks_round_trip(fmt, qtype, data):
    parse, export = FORMATS[fmt]
    [record], errors = parse(export([_record(qtype, data)]))
    assert errors == []
    assert (record["fields"]["type"], record["fields"]["data"]) == (qtype, data)


def test_control_characters_are_refused_and_never_break_the_xml_export():
    record = _record("truefalse", {"answer": True}, text="控制\x0b字符")
    text = export_moodle_xml([record])
    [again], errors = parse_moodle_xml(text)
    assert errors == [] and again["fields"]["text"] == "控制字符"
    with pytest.raises(AnswerError):
        check_fields(record["fields"])
    with pytest.raises(AnswerError):
        check_fields(_record("single", {"options": [{"text": "a\x1b", "correct": True}, {"text": "b"}]})["fields"])
    check_fields(_record("essay", {"rubric": "第一行\n\t第二行\r\n"})["fields"])  # tab and line breaks are text


# Texts made of GIFT's marks, Chinese, spaces and line breaks (stripped at both ends, as the parsers do).
_tricky = st.text(alphabet=st.sampled_from(list("~=#{}:\\%->T F中文 \n")), min_size=1, max_size=12).map(
    lambda t: "\n".join(line.strip() for line in t.strip().split("\n"))).filter(lambda t: t.strip())


@settings(max_examples=60, deadline=None)
@given(st.lists(_tricky, min_size=2, max_size=4, unique=True), st.lists(_tricky, min_size=2, max_size=4),
       st.lists(_tricky, min_size=0, max_size=2))
def test_special_characters_inside_options_pairs_and_answers_round_trip(texts, rights, distractors):
    records = [
        _record("single", {"options": [{"text": t, **({"correct": True} if i == 0 else {}),
                                        **({"feedback": rights[0]} if i == 1 else {})} for i, t in enumerate(texts)]},
                key="single"),
        _record("multiple", {"options": [{"text": t, **({"correct": True} if i < 2 else {})}
                                         for i, t in enumerate(texts)]}, key="multiple"),
        _record("short", {"answers": texts}, key="short"),
        _record("ordering", {"items": texts}, key="ordering"),
        _record("matching", {"pairs": [{"left": left, "right": right} for left, right in zip(texts, rights,
                                                                                            strict=False)],
                             **({"distractors": distractors} if distractors else {})}, key="matching"),
    ]
    for fmt in ("gift", "xml"):
        parse, export = FORMATS[fmt]
        parsed, errors = parse(export(records))
        assert errors == [], fmt
        assert [(r["key"], r["fields"]["data"]) for r in parsed] == [(r["key"], r["fields"]["data"]) for r in records]
