"""Cells of every CSV the product writes. A cell that starts with = + - @ (or a tab or a
carriage return, which some spreadsheets skip before reading one of those) is a formula to
Excel or LibreOffice: text typed by anyone must not run when someone opens the file, so it
is written with a leading apostrophe. Numbers the product computes stay numbers."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
