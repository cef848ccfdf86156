"""CSV and XLSX tables: what a user typed comes back as text, never as a formula; odd input never fails."""

import csv
import io

import openpyxl
import pytest

from cs_handbook.exports import table_bytes, table_response

NAMES = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "普通名字"]


def _xlsx(body):
    return openpyxl.load_workbook(io.BytesIO(body)).active


def test_xlsx_formula_like_text_comes_back_as_text():
    sheet = _xlsx(table_bytes("xlsx", ["名字", "分数"], [(name, 5) for name in NAMES]))
    cells = [row for row in sheet.iter_rows(min_row=2)]
    # Exactly as typed, stored as text (type "s"), not as a formula (type "f").
    assert [row[0].value for row in cells] == NAMES
    assert {row[0].data_type for row in cells} == {"s"}
    assert [row[1].value for row in cells] == [5] * len(NAMES)


def test_csv_formula_like_text_is_quoted():
    body = table_bytes("csv", ["名字", "分数"], [(name, -5) for name in NAMES])
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:]
    assert [row[0] for row in rows] == ["'" + name for name in NAMES[:-1]] + ["普通名字"]
    assert {row[1] for row in rows} == {"-5"}  # numbers are numbers, not text to neutralise


def test_characters_xml_cannot_hold_are_dropped_not_a_failure():
    sheet = _xlsx(table_bytes("xlsx", ["名字"], [("张\x00三\x07",)], sheet_title="a/b:c[1]*?"))
    assert sheet.cell(2, 1).value == "张三" and sheet.title == "a b c 1"


def test_filename_stays_ascii():
    response = table_response("csv", "测验-quiz 1", ["a"], [])
    assert response.content_disposition == 'attachment; filename="--quiz-1.csv"'


def test_unknown_format():
    from pyramid.httpexceptions import HTTPNotFound

    with pytest.raises(HTTPNotFound):
        table_response("pdf", "x", ["a"], [])
