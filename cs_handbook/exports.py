"""CSV and XLSX downloads of a table, shared by every report."""

import csv
import io
import re
from collections.abc import Iterable, Sequence

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# A CSV cell starting with one of these is a formula (or DDE) to Excel and
# LibreOffice: a leading apostrophe makes it text, so a name typed by a user
# cannot run in a manager's spreadsheet (OWASP's "CSV injection" advice).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold: openpyxl refuses them (a 500) instead of writing them.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_IN_SHEET_TITLE = re.compile(r"[\\/*?:\[\]]")
_NOT_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def _csv_cell(value):
    if isinstance(value, str) and value[:1] in _FORMULA_START:
        return "'" + value
    return value


def _xlsx_cell(sheet, value):
    # XLSX cells have types: openpyxl makes any string starting with "=" a
    # formula, so such a string is written as a text cell instead (it reads
    # back, and shows in Excel, exactly as typed).
    if not isinstance(value, str):
        return value
    value = _NOT_IN_XML.sub("", value)
    if value[:1] != "=":
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def table_bytes(fmt: str, headers: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "report") -> bytes:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
        # The BOM makes Excel read Chinese CSV as UTF-8.
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    # Imported here: openpyxl costs a large share of the start-up time and
    # only exports need it.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    title = _NOT_IN_SHEET_TITLE.sub(" ", _NOT_IN_XML.sub("", sheet_title)).strip()[:31]
    sheet = workbook.create_sheet(title or "report")
    sheet.append([_xlsx_cell(sheet, h) for h in headers])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    return xlsx.getvalue()


def table_response(
    fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "report"
) -> Response:
    if fmt not in FORMATS:
        raise HTTPNotFound()
    response = Response(body=table_bytes(fmt, headers, rows, sheet_title), content_type=FORMATS[fmt].split(";")[0])
    if fmt == "csv":
        response.charset = "utf-8"
    # Plain ASCII: the header cannot carry other characters as they are.
    response.content_disposition = f'attachment; filename="{_NOT_IN_FILENAME.sub("-", filename) or "report"}.{fmt}"'
    return response
