"""CSV and XLSX downloads of a table, shared by every report."""

import csv
import io
from collections.abc import Iterable, Sequence

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _safe_cell(value):
    # A cell starting with = + - @ is a formula to Excel: neutralise it so a
    # name typed by a user cannot run in a manager's spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def table_bytes(fmt: str, headers: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "report") -> bytes:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_safe_cell(v) for v in row])
        # The BOM makes Excel read Chinese CSV as UTF-8.
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    # Imported here: openpyxl costs a large share of the start-up time and
    # only exports need it.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_response(
    fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "report"
) -> Response:
    if fmt not in FORMATS:
        raise HTTPNotFound()
    response = Response(body=table_bytes(fmt, headers, rows, sheet_title), content_type=FORMATS[fmt].split(";")[0])
    if fmt == "csv":
        response.charset = "utf-8"
    response.content_disposition = f'attachment; filename="{filename}.{fmt}"'
    return response
