"""Generate the worksheet XML of one output sheet: inline strings, numbers, dates as serials, widths, panes.

Strings are written inline (`t="inlineStr"`) so the workbook's shared strings part is never touched.
The XML is built as text with escaping rather than as a tree because it is write-only, flat and can be
large (Kontroll may hold thousands of rows); the result is checked to parse before the package is replaced.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from xlpy.fmt import FORMULA_START
from xlpy.model import STYLES, OutputSheet

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAX_CELL_CHARS = 32767  # Excel's limit for the text of one cell
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# -- the 1904 date system (older Mac workbooks, <workbookPr date1904="1">) counts from 1904-01-01:
#    the same date's serial is 1 462 days smaller --
DAYS_1904 = 1462
# -- characters XML 1.0 cannot hold; Excel stores them as _xHHHH_, and a literal "_xHHHH_" must be escaped --
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LITERAL_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")
# -- value types whose style never depends on the value (dates get a date format) --
_PLAIN_TYPES = (str, int, float, type(None))


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA (1-based column index)."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def excel_serial(value: dt.date | dt.datetime, date1904: bool = False) -> float:
    """Days since 1899-12-30 (Excel's 1900 date system), or since 1904-01-01 when `date1904`, with the
    time of day as a fraction."""
    offset = DAYS_1904 if date1904 else 0
    if isinstance(value, dt.datetime):
        naive = value.replace(tzinfo=None)
        delta = naive - _EXCEL_EPOCH
        return delta.days - offset + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    return float((value - _EXCEL_EPOCH.date()).days - offset)


def cell_style(style_key: str, value: Any) -> dict[str, Any]:
    """The STYLES entry for `style_key`, with a date format added for a date value that has none, and
    Excel's quote prefix for a text that would turn into a formula when the user edits the cell."""
    try:
        style = dict(STYLES[style_key])
    except KeyError:
        raise ValueError(f"unknown output style {style_key!r}; known: {sorted(STYLES)}") from None
    if isinstance(value, str) and value.startswith(FORMULA_START):
        style["quote_prefix"] = True
    if isinstance(value, dt.date) and not style.get("num_format"):
        has_time = isinstance(value, dt.datetime) and value.time() != dt.time(0)
        style["num_format"] = DATETIME_FORMAT if has_time else DATE_FORMAT
    return style


def worksheet_xml(sheet: OutputSheet, xf_index: Callable[[dict[str, Any]], int],
                  code_name: str | None = None, tab_color_xml: str = "", date1904: bool = False,
                  proof: list[bytes] | None = None) -> bytes:
    """The worksheet part for `sheet`.

    xf_index maps a resolved style dict to a cellXfs index of the workbook's styles part.
    code_name: the VBA codeName of a replaced sheet, kept so the VBA project's document module still
    matches (None for a new sheet). tab_color_xml: a replaced sheet's <tabColor .../> element, or "".
    date1904: the workbook counts dates in the 1904 system, so date serials are written in it.
    proof: receives a document that is well-formed exactly when the part is, for the writer's parse check:
    the part with, in place of its rows, one row holding each distinct cell once (and each distinct row
    height and hyperlink once; bulk rows as in _bulk_xml). Every cell is `<c r="` + its reference (letters
    and digits) + `"` + its tail, every row a fixed wrapper around its cells, and element content
    concatenates, so the proof parses exactly when the part does: Kontroll's 6 000 rows of four texts are
    checked as a few hundred cells (the check was a tenth of a recalc's writing).
    """
    n_rows = len(sheet.rows) + len(sheet.bulk_rows)
    n_cols = max(max((len(r) for r in sheet.rows), default=0), len(sheet.bulk_styles))
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        f'<worksheet xmlns="{NS}" xmlns:r="{NS_R}">',
        f"<sheetPr{_code_name_attr(code_name)}>{tab_color_xml}<pageSetUpPr fitToPage=\"1\"/></sheetPr>",
        f'<dimension ref="{_dimension(n_rows, n_cols)}"/>',
        _sheet_views(sheet.freeze_rows),
        '<sheetFormatPr defaultRowHeight="15"/>',
        _cols(sheet.col_widths),
        "<sheetData>",
    ]
    letters = [column_letter(i) for i in range(1, n_cols + 1)]
    # -- one style lookup per (style, kind of value) instead of per cell: output sheets hold ~100 000
    #    cells at the scale of a whole förbund, so this loop is the writer's hot spot --
    xf_cache: dict[tuple[str, int], int] = {}

    def xf(style_key: str, value: Any) -> int:
        # -- cell_style depends on the value only through this: not a date, a date, a date with a time,
        #    a formula-like text (quote prefix) --
        kind = (3 if isinstance(value, str) and value.startswith(FORMULA_START)
                else 0 if not isinstance(value, dt.date)
                else 2 if isinstance(value, dt.datetime) and value.time() != dt.time(0) else 1)
        key = (style_key, kind)
        if key not in xf_cache:
            xf_cache[key] = xf_index(cell_style(style_key, value))
        return xf_cache[key]

    # -- the same texts recur thousands of times (statuses, levels, goal ids): each text cell's tail is
    #    made once per style (escaping included) --
    inline: dict[str, str] = {}
    str_tails: dict[tuple[str, str], str] = {}  # -- (style, text) -> tail --
    tails: dict[str, None] = {}  # -- every distinct tail of a cell not a text (texts: str_tails) --
    heights: dict[str, None] = {}
    links: list[str] = []
    link_tails: dict[str, None] = {}
    first_row = len(parts)
    for r, row in enumerate(sheet.rows, start=1):
        cells = []
        rn = str(r)
        for ci, cell in enumerate(row):
            value = cell.value
            if cell.link is not None:
                # -- an internal hyperlink needs no relationship: location names the sheet and cell --
                link = f" location={quoteattr(cell.link)} display={quoteattr(str(value))}/>"
                links.append(f'<hyperlink ref="{letters[ci]}{r}"{link}')
                link_tails[link] = None
            # -- exact types first (the common str/float/int cells skip the isinstance chain); a text's
            #    style index depends on the text only through its formula-like start, so (style, text)
            #    settles its tail: made at its first cell, when the style is looked up as before --
            kind = type(value)
            if kind is str:
                tail = str_tails.get((cell.style, value))
                if tail is None:
                    tail = str_tails[(cell.style, value)] = _cell_tail(value, xf(cell.style, value), inline,
                                                                      date1904)
                if tail:
                    cells.append(f'<c r="{letters[ci]}{rn}"{tail}')
                continue
            s = xf_cache.get((cell.style, 0)) if kind in _PLAIN_TYPES else None
            if s is None:
                s = xf(cell.style, value)
            tail = _cell_tail(value, s, inline, date1904)
            if tail:
                cells.append(f'<c r="{letters[ci]}{rn}"{tail}')
                tails[tail] = None
        height = sheet.row_heights.get(r - 1)
        # -- wrapped headers: neither Excel nor LibreOffice grows a row written without a height --
        ht = f' ht="{_number_text(float(height))}" customHeight="1"' if height else ""
        if cells:
            heights[ht] = None
        parts.append(f'<row r="{r}"{ht}>' + "".join(cells) + "</row>" if cells else "")
    after_rows = len(parts)
    bulk_at, sample = -1, ""
    if sheet.bulk_rows:
        bulk, sample = _bulk_xml(sheet, len(sheet.rows) + 1, xf, inline, date1904)
        bulk_at = len(parts)
        parts.append(bulk)
    parts.append("</sheetData>")
    links_at = -1
    if links:  # -- after sheetData and before pageMargins, as CT_Worksheet orders them --
        links_at = len(parts)
        parts.append("<hyperlinks>" + "".join(links) + "</hyperlinks>")
    parts.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
    # -- A4 landscape, one page wide: the tables are wide and users print them for meetings --
    orientation = "landscape" if sheet.landscape else "portrait"
    parts.append(f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" fitToHeight="0"/>')
    parts.append("</worksheet>")
    xml = "".join(parts).encode("utf-8")
    if proof is not None:
        # -- the part with its rows replaced: one row of every distinct cell tail, one row per distinct
        #    height, every distinct hyperlink, the bulk rows' sample --
        rows_proof = "".join(f'<row r="1"{ht}></row>' for ht in heights)
        tails.update(dict.fromkeys(t for t in str_tails.values() if t))
        if tails:
            rows_proof += '<row r="1">' + "".join(f'<c r="A1"{t}' for t in tails) + "</row>"
        if bulk_at >= 0:
            parts[bulk_at] = sample
        if links_at >= 0:
            parts[links_at] = "<hyperlinks>" + "".join(f'<hyperlink ref="A1"{t}' for t in link_tails) + "</hyperlinks>"
        parts[first_row:after_rows] = [rows_proof]
        proof.append("".join(parts).encode("utf-8"))
    return xml


def _bulk_xml(sheet: OutputSheet, first_row: int, xf: Callable[[str, Any], int], inline: dict[str, str],
              date1904: bool = False) -> tuple[str, str]:
    """The rows of `sheet.bulk_rows` from `first_row` on, built column by column: each distinct value of a
    column becomes its cell's XML once (a consolidated Närvaro of 300 000 rows has a few thousand codes,
    a few hundred dates and three statuses), then every row is one `str.format` of those pieces. The
    cells are exactly what `_cell` writes for the same values (an empty one is written as `<c r=".."/>`).

    Returns (the rows, a sample): the sample is rows of the same template in which every piece of every
    column appears at least once. Each row is the template (markup and digits) filled with pieces, and
    element content concatenates: the sheet with the sample in place of the rows is well-formed exactly
    when the sheet itself is (every text, escape and attribute the rows hold is in the sample)."""
    rows: list[Any] = sheet.bulk_rows
    width = len(sheet.bulk_styles)
    columns = []
    # -- one transpose in C; a short row is padded (bulk rows are normally all of one width) --
    if min(map(len, rows)) < width:
        rows = [tuple(r) + (None,) * (width - len(r)) for r in rows]
    transposed = list(zip(*rows, strict=False))
    distinct: list[list[str]] = []
    for j, style in enumerate(sheet.bulk_styles):
        values = np.empty(len(rows), dtype=object)
        values[:] = transposed[j]
        types = set(map(type, values))
        if bool in types and types & {int, float}:
            # -- True == 1 == 1.0 for hashing: keep them apart by type (rare: a yes/no column with numbers) --
            keys = np.empty(len(rows), dtype=object)
            keys[:] = [(type(v), v) for v in values]
            codes, uniques = pd.factorize(keys)
            uniques = np.array([k[1] for k in uniques], dtype=object)
        else:
            codes, uniques = pd.factorize(values)
        pieces = []
        for value in uniques:
            text = _cell("\x00", value, xf(style, value), inline, date1904)
            pieces.append(text.replace('<c r="\x00"', "", 1) if text else "/>")
        # -- pandas' code -1 (None/NaN) takes the last slot: an empty cell --
        empty = _cell("\x00", None, xf(style, None), inline, date1904)
        pieces.append(empty.replace('<c r="\x00"', "", 1) if empty else "/>")
        distinct.append(pieces)
        columns.append(np.array(pieces, dtype=object)[codes].tolist())
    letters = [column_letter(i) for i in range(1, width + 1)]
    template = '<row r="{0}">' + "".join(f'<c r="{letters[j]}{{0}}"{{{j + 1}}}' for j in range(width)) + "</row>"
    full = "".join(map(template.format, range(first_row, first_row + len(rows)), *columns))
    n = max(map(len, distinct), default=0)
    sample = "".join(template.format(first_row + i, *(d[min(i, len(d) - 1)] for d in distinct)) for i in range(n))
    return full, sample


def _cell(ref: str, value: Any, s: int, inline: dict[str, str], date1904: bool = False) -> str:
    """One cell's XML ("" for an empty unstyled cell); `inline` caches the text part of each distinct text."""
    tail = _cell_tail(value, s, inline, date1904)
    return f'<c r="{ref}"{tail}' if tail else ""


def _cell_tail(value: Any, s: int, inline: dict[str, str], date1904: bool = False) -> str:
    """One cell's XML after `<c r="A1"` (its style, type, value and `</c>` or `/>`); "" for an empty
    unstyled cell, which is not written. The tail never depends on the cell's reference."""
    s_attr = f' s="{s}"' if s else ""
    kind = type(value)
    if kind is str:  # -- the common cases first, by exact type --
        body = inline.get(value)
        if body is None:
            body = inline[value] = _inline_text(value)
        return f"{s_attr}{body}" if body else (f"{s_attr}/>" if s else "")
    if kind is int:
        return f"{s_attr}><v>{value}</v></c>"
    if kind is float and math.isfinite(value):
        return f"{s_attr}><v>{_number_text(value)}</v></c>"
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        # -- an empty cell still shows its fill or border (a status cell without value) --
        return f"{s_attr}/>" if s else ""
    if isinstance(value, bool):
        return f'{s_attr} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.date):
        serial = excel_serial(value, date1904)
        if serial < 0:
            # -- a date before 1904 has no serial in the 1904 system: shown as text, never as a wrong date --
            return f"{s_attr}{_inline_text(value.isoformat())}"
        return f"{s_attr}><v>{_number_text(serial)}</v></c>"
    if isinstance(value, numbers.Number) and not isinstance(value, complex):
        number = float(value)  # type: ignore[arg-type]
        if not math.isfinite(number):
            return f"{s_attr}/>" if s else ""
        text = str(int(value)) if isinstance(value, numbers.Integral) else _number_text(number)  # type: ignore[call-overload]
        return f"{s_attr}><v>{text}</v></c>"
    body = _inline_text(str(value))
    return f"{s_attr}{body}" if body else (f"{s_attr}/>" if s else "")


def _inline_text(value: str) -> str:
    """The end of a text cell after `<c r=".." s=".."`: type, inline string and `</c>`; "" for empty text."""
    text = _excel_text(value)
    if not text:
        return ""
    return f' t="inlineStr"><is><t xml:space="preserve">{_escape(text)}</t></is></c>'


def escape(text: str) -> str:
    """`&`, `<` and `>` as entities: xml.sax.saxutils.escape, which imports urllib.request, http.client,
    ssl and email with it (~25 ms of every command's start)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """`text` as a quoted XML attribute value, exactly as xml.sax.saxutils.quoteattr makes it."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' in text:
        return f"'{text}'" if "'" not in text else '"' + text.replace('"', "&quot;") + '"'
    return f'"{text}"'


def _escape(text: str) -> str:
    # -- xml.sax.saxutils.escape, skipped when there is nothing to escape (most cells) --
    if "&" in text or "<" in text or ">" in text:
        return escape(text)
    return text


def _code_name_attr(code_name: str | None) -> str:
    return f" codeName={quoteattr(code_name)}" if code_name else ""


def _number_text(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _excel_text(text: str) -> str:
    if "_x" not in text and text.isprintable() and len(text) <= MAX_CELL_CHARS:
        return text  # -- the common case: nothing to escape --
    text = _LITERAL_ESCAPE.sub(r"_x005F_\1", text)
    text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text[:MAX_CELL_CHARS]


def _dimension(n_rows: int, n_cols: int) -> str:
    if not n_rows or not n_cols:
        return "A1"
    return f"A1:{column_letter(n_cols)}{n_rows}"


def _sheet_views(freeze_rows: int) -> str:
    if freeze_rows <= 0:
        return '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
    top = f"A{freeze_rows + 1}"
    return (
        '<sheetViews><sheetView workbookViewId="0">'
        f'<pane ySplit="{freeze_rows}" topLeftCell="{top}" activePane="bottomLeft" state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
        "</sheetView></sheetViews>"
    )


def _cols(widths: list[float]) -> str:
    if not widths:
        return ""
    cols = "".join(
        f'<col min="{i}" max="{i}" width={quoteattr(_number_text(float(w)))} customWidth="1"/>'
        for i, w in enumerate(widths, start=1) if w and w > 0
    )
    return f"<cols>{cols}</cols>" if cols else ""
