"""Cells of every CSV the product writes. A cell that starts with = + - @ (or a tab or a
carriage return, which some spreadsheets skip before reading one of those) is a formula to
Excel or LibreOffice: text typed by anyone must not run when someone opens the file, so it
is written with a leading apostrophe. Numbers the product computes stay numbers."""

import csv
import io
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


# Every CSV the product serves starts with this: without it Excel reads UTF-8 as the
# system's code page and "Secretaría" comes out as "SecretarÃ­a". LibreOffice, Python's
# "utf-8-sig" and R's readr skip it.
BOM = "\ufeff"


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    """A whole (small) CSV file: the BOM, the header, each cell through safe_cell."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()
