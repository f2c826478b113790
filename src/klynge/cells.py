"""Cells of the spreadsheets Klynge writes, made safe to open in Excel, LibreOffice or Sheets.

A spreadsheet program reads a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or a carriage return) as a formula, so a name or note typed as
``=HYPERLINK("http://evil.example", "Open")`` would become a live link or worse in a
facilitator's spreadsheet. Following OWASP's advice on formula injection, such text is written
with a leading ``'``, which every spreadsheet program shows as text. Every CSV writer passes its
text cells through :func:`spreadsheet_text`; an XLSX writer would write the same string as a
text cell (never as a formula).

A carriage return inside a cell is written as a line feed: Python's ``csv`` module, writing
``\n`` line endings, quotes a field that holds a line feed but not one that holds only a
carriage return, and a spreadsheet program starts a new row at it, so text could add rows.
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "spreadsheet_text"]

#: The first characters that make a spreadsheet program read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """``text`` as a cell a spreadsheet program shows as text, never runs as a formula.

    Text that begins with one of :data:`FORMULA_STARTS` gets a leading ``'``, and carriage
    returns become line feeds; anything else is returned unchanged. Pass only text here: a
    number Klynge writes itself, such as an impact of ``-2``, is a number and stays one.

    >>> spreadsheet_text("=1+1"), spreadsheet_text("Fjellguidene"), spreadsheet_text("a\\r\\nb\\rc")
    ("'=1+1", 'Fjellguidene', 'a\\nb\\nc')
    """
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n")
