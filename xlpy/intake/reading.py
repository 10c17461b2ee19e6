"""Reading the input sheets by the contract's reading rules (WORKBOOK.md) into InputData.

Works on any WorkbookSource (file, Excel, memory); imports no IO library. A cell that cannot be read
becomes a Problem for its row, never an exception; only a missing required sheet (or one without a
header row) raises WorkbookError. Cross-sheet checks live in xlpy.intake.validate.

Speed: a column is converted value by value only over its distinct values (pd.factorize), so 350 000
Närvaro rows with a few hundred distinct dates cost a few hundred conversions, not 350 000.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import fields
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from xlpy import spec
from xlpy.defaults import DEFAULT_GOALS
from xlpy.intake.privacy import mask_problems, search_frames
from xlpy.io.base import WorkbookError, WorkbookSource
from xlpy.model import InputData, Problem, Settings
from xlpy.spec import Column, SheetSpec

Converted = tuple[Any, str | None]

EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
     "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EPOCH_1904 = dt.date(1904, 1, 1)
# -- serials 1..2958465 are 1900-01-01..9999-12-31; real follow-up dates are far inside this --
_SERIAL_MIN, _SERIAL_MAX = 1, 2958465
# -- larger whole numbers do not fit the Int64 columns (and no count in a follow-up is near this) --
_INT_MAX = 2**53
# -- ISO date, optionally with a time as text dates exported from other systems carry --
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")

YES = frozenset({"ja", "j", "x", "1", "sant", "true", "yes", "y"})
NO = frozenset({"nej", "n", "0", "falskt", "false", "no", "-"})


def is_empty(value: Any) -> bool:
    """None, NaN and text of only spaces count as an empty cell."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def excel_error(value: Any) -> str | None:
    """The message for a cell holding an Excel error (#REF!, #N/A …), else None."""
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        return f"Cellen visar felet {value.strip().upper()}. Rätta formeln eller skriv in värdet."
    return None


def show(value: Any) -> str:
    """A raw value as the user would recognise it in a Kontroll row: 17.0 -> 17, dates ISO, None -> ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "SANT" if value else "FALSKT"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def to_text(value: Any) -> Converted:
    """Any value as trimmed text; whole numbers lose their `.0` so a code typed as 17 reads "17"."""
    err = excel_error(value)
    return (None, err) if err else (show(value), None)


def _number_from_text(text: str) -> float | None:
    t = _SPACES.sub("", text).replace("−", "-")
    if t.lower().endswith("kr"):
        t = t[:-2]
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    try:
        x = float(t)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def to_number(value: Any) -> Converted:
    """A number: 1234.5, "1 234,5", "143 500 kr"; a trailing % divides by 100 ("80 %" -> 0.8)."""
    err = excel_error(value)
    if err:
        return None, err
    if isinstance(value, bool) or isinstance(value, dt.date):
        return None, f"{show(value)} är inget tal."
    if isinstance(value, (int, float)):
        # -- a numeric cell can hold 1e999 (read as infinity): no figure can come of it --
        if not math.isfinite(value):
            return None, f"{show(value)} är inget tal som går att räkna med. Skriv till exempel 1 234,5."
        return float(value), None
    text = str(value).strip()
    pct = text.endswith("%")
    x = _number_from_text(text.rstrip("%"))
    if x is None:
        return None, f"{text} är inget tal. Skriv till exempel 1 234,5."
    return (x / 100 if pct else x), None


def to_int(value: Any) -> Converted:
    """A whole number that is not negative (counts, weeks, periods): 17, 17.0, "17"."""
    x, err = to_number(value)
    if err or not float(x).is_integer():
        return None, excel_error(value) or f"{show(value)} är inget heltal. Skriv till exempel 17."
    if x < 0:
        return None, f"{show(value)} är negativt; här ska stå ett antal (0 eller mer)."
    if x > _INT_MAX:
        return None, f"{show(value)} är orimligt stort för ett antal."
    return int(x), None


def to_percent(value: Any) -> Converted:
    """A share as a fraction: 50, "50%", "50 %", "0,5", 0.5 -> 0.5. A number without % that is <= 1 is
    already a fraction, above 1 it is percent. Negative or over 100 % is an error."""
    err = excel_error(value)
    if err:
        return None, err
    if isinstance(value, bool) or isinstance(value, dt.date):
        return None, f"{show(value)} är ingen procentsats. Skriv till exempel 50 %."
    if isinstance(value, (int, float)):
        x = float(value)
        share = x if abs(x) <= 1 else x / 100
    else:
        text = str(value).strip()
        parsed = _number_from_text(text.rstrip("%"))
        if parsed is None:
            return None, f"{text} är ingen procentsats. Skriv till exempel 50 %."
        if text.endswith("%"):
            share = parsed / 100
        else:
            share = parsed if abs(parsed) <= 1 else parsed / 100
    if share < 0 or share > 1:
        return None, f"{show(value)} går inte som procentsats: den ska ligga mellan 0 och 100 %."
    return share, None


def to_yesno(value: Any) -> Converted:
    """ja/nej, j/n, x, 1/0, sant/falskt, TRUE/FALSE (and bool cells) -> True/False."""
    err = excel_error(value)
    if err:
        return None, err
    if isinstance(value, bool):
        return value, None
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value), None
    text = str(value).strip().lower()
    if text in YES:
        return True, None
    if text in NO:
        return False, None
    return None, f"{show(value)} går inte att läsa som ja/nej. Skriv ja eller nej."


def to_date(value: Any, date1904: bool = False) -> Converted:
    """A real date, ISO text "2019-09-02" (a time after it is ignored) or an Excel serial number -> date.

    date1904: the workbook counts serials from 1904-01-01 (older Mac files) instead of 1899-12-30.
    """
    err = excel_error(value)
    if err:
        return None, err
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if value == dt.time(0):
        # -- calamine turns a date-formatted 0 or negative whole number (-1, -366) into 00:00: Excel shows
        #    it as ##### or 1900-01-00; nobody types midnight alone into a date column --
        return None, ("Cellen innehåller talet 0 eller ett negativt tal formaterat som datum, vilket också är "
                      "vad ett datum före år 1900 blir (Excel visar ##### eller 1900-01-00); det är inget datum "
                      "Excel kan lagra. Skriv datum som 2019-09-02.")
    if isinstance(value, dt.time):
        # -- calamine turns a serial below 1 into a time: a date before 1900 (Excel cannot store one)
        #    or a bare clock time typed into a date column --
        return None, (f"Cellen har bara ett klockslag ({value.strftime('%H:%M')}), inget datum; datum före "
                      "år 1900 kan Excel inte lagra. Skriv datum som 2019-09-02.")
    bad = f"Datumet {show(value)} går inte att läsa. Skriv datum som 2019-09-02."
    if isinstance(value, bool):
        return None, bad
    if isinstance(value, (int, float)):
        if float(value).is_integer() and _SERIAL_MIN <= value <= _SERIAL_MAX:
            return (_EPOCH_1904 if date1904 else _EXCEL_EPOCH) + dt.timedelta(days=int(value)), None
        return None, bad
    m = _ISO_DATE.fullmatch(str(value).strip())
    if not m:
        return None, bad
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])), None
    except ValueError:
        return None, bad


def make_choice(aliases: dict[str, str], label: str) -> Any:
    """A converter for a choice column: `aliases` maps lower-case spellings to the canonical value;
    anything else gets a message listing the canonical values (`label` names the column)."""
    allowed = ", ".join(dict.fromkeys(aliases.values()))

    def convert(value: Any) -> Converted:
        err = excel_error(value)
        if err:
            return None, err
        key = _SPACES.sub(" ", show(value)).lower()
        if key in aliases:
            return aliases[key], None
        return None, f"{show(value)} är inget giltigt värde för {label}. Tillåtet: {allowed}."

    return convert


_POINT = re.compile(r"([0-9]+)(?:[.,]0+)?\s*(?:m|mån|mån\.|månad|månader)?")
# -- a follow-up point beyond ten years after exit is a typing error, not a plan --
POINT_MAX = 120


def to_point(value: Any) -> Converted:
    """A follow-up point in months after exit: `6`, `6 mån`, `6 månader` -> 6 (1..POINT_MAX)."""
    err = excel_error(value)
    if err:
        return None, err
    if isinstance(value, bool):
        return None, f"{show(value)} är inget antal månader."
    if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
        n = int(value) if float(value).is_integer() else None
    else:
        m = _POINT.fullmatch(_SPACES.sub(" ", show(value)).strip().lower())
        n = int(m[1]) if m else None
    if n is None or not 1 <= n <= POINT_MAX:
        return None, f"{show(value)} är inget antal månader (skriv t.ex. 6 eller 6 mån)."
    return n, None


def to_points(value: Any) -> Converted:
    """The setting `Uppföljning efter avslut (månader)`: `3; 6; 12` (also `,` or spaces, `mån` allowed)
    -> (3, 6, 12), ascending, each once."""
    err = excel_error(value)
    if err:
        return None, err
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        n, e = to_point(value)
        return (None, e) if e else ((n,), None)
    text = re.sub(r"\b(?:månader|månad|mån\.?|m)(?=\s|;|,|$)", " ", show(value).lower())
    parts = [p for p in re.split(r"[;,\s]+", text) if p]
    points: set[int] = set()
    for part in parts:
        n, e = to_point(part)
        if e:
            return None, f"{show(value)} är ingen lista med månader (skriv t.ex. 3; 6; 12)."
        points.add(int(n))
    if not points:
        return None, f"{show(value)} är ingen lista med månader (skriv t.ex. 3; 6; 12)."
    return tuple(sorted(points)), None


# -- how each column is read; everything not listed follows its spec.Column kind --
HEADER_SEARCH_ROWS = 30
STATUS_ALIASES = {
    "n": "N", "närvarande": "N", "närvaro": "N",
    "f": "F", "frånvarande": "F", "frånvaro": "F",
    "g": "G", "giltig frånvaro": "G", "giltig": "G", "giltigt frånvarande": "G",
}
CATEGORY_ALIASES = {c.lower(): c for c in spec.OUTCOME_CATEGORIES}
CONTACT_ALIASES = {"nådd": "Nådd", "ej nådd": "Ej nådd", "inte nådd": "Ej nådd", "avböjt": "Avböjt",
                   "avböjde": "Avböjt"}
COMPARISON_ALIASES = {">=": ">=", "=>": ">=", "≥": ">=", "<=": "<=", "=<": "<=", "≤": "<=", "mellan": "mellan"}
TERM_ALIASES = {"vår": "vår", "vt": "vår", "höst": "höst", "ht": "höst"}
SECTOR_ALIASES = {s: s for s in spec.SECTORS}
_CHOICES: dict[tuple[str, str], dict[str, str]] = {
    ("attendance", "status"): STATUS_ALIASES,
    ("outcomes", "category"): CATEGORY_ALIASES,
    ("goals", "comparison"): COMPARISON_ALIASES,
    ("groups", "term"): TERM_ALIASES,
    ("internships", "sector"): SECTOR_ALIASES,
    ("followup", "contact"): CONTACT_ALIASES,
    ("followup", "status"): CATEGORY_ALIASES,
}
# Choice columns where an unlisted value is only a warning and is kept as typed.
LENIENT_CHOICES = {("groups", "term"), ("internships", "sector")}
# Yes/no columns where an empty cell means ja ("empty = nej unless the column says otherwise").
EMPTY_MEANS_YES = {("goals", "active"), ("staff", "counts"), ("survey_questions", "active"), ("scales", "counted")}
# Columns whose header is required but whose cells may be empty.
# -- a group without Slutdatum is kept as ongoing, with a warning from validate (METRICS.md) --
OPTIONAL_VALUES = {("settings", "value"), ("texts", "text"), ("groups", "end")}
# Columns that may be empty, but whose unreadable value leaves the whole row out: an amount that is no
# number must not silently become "empty" (an empty Utfall means "use Budget", an empty Låg means Bas).
DROP_ON_ERROR = {("budget", "budget"), ("budget", "actual"), ("cost_items", "low"), ("cost_items", "high")}

_KIND_CONVERTERS: dict[str, Callable[[Any], Converted]] = {
    "text": to_text, "int": to_int, "number": to_number, "date": to_date, "yesno": to_yesno,
    "percent": to_percent,
}


def nfc(value: Any) -> Any:
    """Text in composed form (NFC): a Mac may store "å" as "a" plus a combining ring (NFD), which looks
    the same but compares unequal. Other values are returned as they are."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) and not value.isascii() else value


def norm_name(text: Any) -> str:
    """A sheet name or header as compared: NFC, trimmed, inner spaces collapsed, lower case."""
    return _SPACES.sub(" ", nfc(show(text))).strip().lower()


class HeaderNotFound(Exception):
    """No row among the first HEADER_SEARCH_ROWS holds all required headers; `missing` are the required
    headers absent from the best candidate row."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


def find_header(rows: list[list[Any]], sheet: SheetSpec) -> tuple[int, dict[str, int]]:
    """The index of the header row in `rows` (0-based) and the column index of each header found there
    (by column key; the first occurrence wins). Raises HeaderNotFound."""
    required = {norm_name(h) for h in sheet.required_headers}
    best_missing = sorted(required)
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [norm_name(v) for v in row]
        missing = required.difference(cells)
        if not missing:
            index: dict[str, int] = {}
            for col in sheet.columns:
                h = norm_name(col.header)
                if h in cells:
                    index[col.key] = cells.index(h)
            return i, index
        if len(missing) < len(best_missing):
            best_missing = sorted(missing)
    by_norm = {norm_name(h): h for h in sheet.required_headers}
    raise HeaderNotFound([by_norm[m] for m in best_missing])


def _to_date_1904(value: Any) -> Converted:
    return to_date(value, date1904=True)


def _converter(sheet: SheetSpec, col: Column, date1904: bool = False) -> Callable[[Any], Converted]:
    if (sheet.key, col.key) == ("followup", "point"):
        return to_point
    aliases = _CHOICES.get((sheet.key, col.key))
    if aliases is not None:
        return make_choice(aliases, col.header)
    if col.kind == "choice":
        return make_choice({c.lower(): c for c in col.choices}, col.header)
    if col.kind == "date" and date1904:
        return _to_date_1904
    return _KIND_CONVERTERS[col.kind]


def convert_column(raw: Sequence[Any] | np.ndarray, convert: Callable[[Any], Converted]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Convert a column of raw cells: (values, empty, errors) as object/bool/object arrays of len(raw).

    values[i] is None where the cell is empty or bad; errors[i] is the Swedish message or None.
    Each distinct raw value is converted once.
    """
    codes, uniques = pd.factorize(np.asarray(raw, dtype=object), use_na_sentinel=True)
    k = len(uniques)
    # -- one extra slot at the end for pandas' NA code -1, so codes index the tables directly --
    u_val = np.empty(k + 1, dtype=object)
    u_err = np.empty(k + 1, dtype=object)
    u_empty = np.ones(k + 1, dtype=bool)
    for j, u in enumerate(uniques):
        if is_empty(u):
            continue
        u_empty[j] = False
        # -- NFC before converting, so a choice ("ho\u0308st") and a code match their composed spelling --
        u_val[j], u_err[j] = convert(nfc(u))
    return u_val[codes], u_empty[codes], u_err[codes]


def empty_frame(sheet: SheetSpec) -> pd.DataFrame:
    """A DataFrame with the sheet's columns (right dtypes), `row` and no rows."""
    return _typed_frame(sheet, {c.key: np.empty(0, dtype=object) for c in sheet.columns}, np.empty(0, dtype=int))


def _typed_frame(sheet: SheetSpec, values: dict[str, np.ndarray], rows: np.ndarray) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for col in sheet.columns:
        v = values[col.key]
        if col.kind == "int":
            data[col.key] = pd.array(v, dtype="Int64")
        elif col.kind in ("number", "percent"):
            data[col.key] = pd.Series(v, dtype=object).astype(float).to_numpy()
        elif col.kind == "yesno":
            default = (sheet.key, col.key) in EMPTY_MEANS_YES
            data[col.key] = np.array([default if x is None else bool(x) for x in v], dtype=bool)
        else:
            # -- object, not pandas 3's inferred str dtype: empty cells stay None, dates stay dates --
            data[col.key] = pd.Series(v, dtype=object)
    data["row"] = np.asarray(rows, dtype=int)
    return pd.DataFrame(data)


def read_table(rows: list[list[Any]], sheet: SheetSpec, problems: list[Problem],
               date1904: bool = False) -> pd.DataFrame:
    """Read one input sheet's rows (from A1) into a typed DataFrame with `row` (Excel's row number) and
    `_drop` (True for rows that must be left out). Cell problems are appended to `problems`.
    date1904: bare serial numbers in date columns count from 1904 (the workbook's date system).
    Raises HeaderNotFound."""
    h, index = find_header(rows, sheet)
    data = rows[h + 1:]
    row_numbers = np.arange(h + 2, h + 2 + len(data))
    values: dict[str, np.ndarray] = {}
    empties: dict[str, np.ndarray] = {}
    errors: dict[str, np.ndarray] = {}
    shortest = min(map(len, data), default=0)
    for col in sheet.columns:
        j = index.get(col.key)
        if j is None:
            raw: Any = [None] * len(data)
        elif j < shortest:
            raw = np.fromiter(map(itemgetter(j), data), dtype=object, count=len(data))
        else:
            raw = [r[j] if len(r) > j else None for r in data]
        values[col.key], empties[col.key], errors[col.key] = convert_column(raw, _converter(sheet, col, date1904))
    # -- a row with nothing in any contract column is blank (a note in an extra column alone is too) --
    keep = ~np.logical_and.reduce([empties[c.key] for c in sheet.columns])
    drop = np.zeros(len(data), dtype=bool)
    for col in sheet.columns:
        must = col.required and (sheet.key, col.key) not in OPTIONAL_VALUES
        lenient = (sheet.key, col.key) in LENIENT_CHOICES
        bad = keep & (errors[col.key] != None)  # noqa: E711 -- elementwise test on an object array
        for i in np.flatnonzero(bad):
            raw_value = _raw_at(data[i], index.get(col.key))
            if lenient:
                values[col.key][i] = nfc(show(raw_value))
                problems.append(Problem(sheet.name, int(row_numbers[i]), col.header, show(raw_value),
                                        f"{errors[col.key][i]} Värdet används ändå.", severity="varning"))
                continue
            drops = must or (sheet.key, col.key) in DROP_ON_ERROR
            outcome = "Raden har inte räknats med." if drops else _left_empty(sheet, col)
            problems.append(Problem(sheet.name, int(row_numbers[i]), col.header, show(raw_value),
                                    f"{errors[col.key][i]} {outcome}"))
        if (sheet.key, col.key) in DROP_ON_ERROR:
            drop |= bad
        if must:
            drop |= bad
            missing = keep & empties[col.key]
            for i in np.flatnonzero(missing):
                problems.append(Problem(sheet.name, int(row_numbers[i]), col.header, "",
                                        f"{col.header} saknas. Raden har inte räknats med."))
            drop |= missing
    frame = _typed_frame(sheet, {k: v[keep] for k, v in values.items()}, row_numbers[keep])
    frame["_drop"] = drop[keep]
    return frame


def _raw_at(row: list[Any], j: int | None) -> Any:
    return row[j] if j is not None and j < len(row) else None


def _left_empty(sheet: SheetSpec, col: Column) -> str:
    if col.kind == "yesno":
        return "Räknas som ja." if (sheet.key, col.key) in EMPTY_MEANS_YES else "Räknas som nej."
    return "Värdet har lämnats tomt."


# -- settings whose value is a share: "3 %", "0,03" and 0.03 all mean 0.03 --
_SHARE_SETTINGS = {"payroll_tax", "discount_rate", "persistence"}


def parse_settings(rows: list[list[Any]], problems: list[Problem], date1904: bool = False,
                   where: dict[str, int] | None = None) -> Settings:
    """The Inställningar sheet (Nyckel/Värde) as Settings. Empty values keep the default; an unknown key
    is a warning; a value that cannot be read is an error and keeps the default. where, when given,
    receives the Excel row of each setting whose value was used (Settings attribute -> row)."""
    settings = Settings()
    sheet = spec.SETTINGS
    frame = read_table(rows, sheet, problems)
    h, index = find_header(rows, sheet)
    allowed = {f.name for f in fields(Settings)}
    seen: dict[str, int] = {}
    for row_no, key_text in zip(frame["row"], frame["key"], strict=True):
        if key_text is None:
            continue
        raw = nfc(_raw_at(rows[row_no - 1], index.get("value")))
        definition = spec.SETTINGS_BY_NAME.get(norm_name(key_text))
        if definition is None or definition.key not in allowed:
            problems.append(Problem(sheet.name, int(row_no), "Nyckel", key_text,
                                    f"Inställningen {key_text} är okänd och används inte.", severity="varning"))
            continue
        if definition.key in seen:
            problems.append(Problem(sheet.name, int(row_no), "Nyckel", key_text,
                                    f"{definition.name} står redan på rad {seen[definition.key]}; "
                                    "värdet här används.", severity="varning"))
        seen[definition.key] = int(row_no)
        # -- an Excel error cell was already reported by read_table --
        if is_empty(raw) or excel_error(raw):
            continue
        value, err = _setting_value(definition, raw, date1904)
        if err is not None:
            problems.append(Problem(sheet.name, int(row_no), "Värde", show(raw),
                                    f"{definition.name}: {err} Standardvärdet {show(definition.default)} används."))
            continue
        setattr(settings, definition.key, value)
        if where is not None:
            where[definition.key] = int(row_no)
    return settings


def _setting_value(definition: spec.Setting, raw: Any, date1904: bool = False) -> Converted:
    value, err = _setting_conversion(definition, raw, date1904)
    if err is None and definition.limits is not None and isinstance(value, int | float):
        low, high = definition.limits
        if not low <= value <= high:  # -- also false for NaN --
            return None, f"{show(raw)} ligger utanför det rimliga intervallet {_limit(low)}–{_limit(high)}."
    return value, err


def _limit(x: float) -> str:
    return f"{int(x):,}".replace(",", " ") if float(x).is_integer() else str(x).replace(".", ",")


def _setting_conversion(definition: spec.Setting, raw: Any, date1904: bool = False) -> Converted:
    if definition.key in _SHARE_SETTINGS:
        return to_percent(raw)
    if definition.kind == "months":
        return to_points(raw)
    if definition.kind == "choice":
        return make_choice({c: c for c in definition.choices}, definition.name)(raw)
    if definition.kind == "number":
        value, err = to_number(raw)
        if err is None and value < 0:
            return None, f"{show(raw)} är negativt."
        return value, err
    if definition.kind == "date":
        return to_date(raw, date1904)
    return {"text": to_text, "int": to_int}[definition.kind](raw)


def goals_frame(goals: list[dict[str, Any]]) -> pd.DataFrame:
    """A Mål DataFrame (same columns and dtypes as a read sheet, row None) from a list of goal dicts."""
    sheet = spec.GOALS
    values = {c.key: np.array([g.get(c.key) for g in goals], dtype=object) for c in sheet.columns}
    frame = _typed_frame(sheet, values, np.zeros(len(goals), dtype=int))
    frame["row"] = pd.array([None] * len(goals), dtype="Int64")
    return frame


def parse_workbook(source: WorkbookSource) -> InputData:
    """Read every input sheet of `source` into InputData, every data problem becoming a Problem.

    Raises WorkbookError (Swedish message) when Grupper or Deltagare is missing or has no header row.
    A missing Mål sheet gives the seed's goals (xlpy.defaults.DEFAULT_GOALS); other missing sheets are
    empty, with a warning.
    """
    from xlpy.intake.validate import validate  # -- validate imports helpers from here --

    problems: list[Problem] = []
    by_norm: dict[str, str] = {}
    for name in source.sheet_names():
        by_norm.setdefault(norm_name(name), name)
    settings = Settings()
    settings_rows: dict[str, int] = {}
    frames: dict[str, pd.DataFrame] = {}
    # -- the workbook's date system, for bare serials in date columns (sources that cannot tell: 1900) --
    date1904 = bool(getattr(source, "date1904", False))
    # -- Närvaro is by far the largest sheet: a source that can parse a sheet in the background
    #    (CalamineSource.prefetch) starts on it now, and it is read last, after the small sheets --
    attendance = by_norm.get(norm_name(spec.ATTENDANCE.name))
    prefetch = getattr(source, "prefetch", None)
    if attendance is not None and callable(prefetch):
        prefetch(attendance)
    for sheet in sorted(spec.INPUT_SHEETS, key=lambda s: s.key == "attendance"):
        actual = by_norm.get(norm_name(sheet.name))
        required = sheet.key in spec.REQUIRED_SHEETS
        if actual is None:
            if required:
                raise WorkbookError(
                    f"Bladet {sheet.name} saknas i arbetsboken {source.name}; det behövs för att något ska "
                    f"kunna räknas ut (rubriker: {', '.join(sheet.required_headers)})."
                )
            if sheet.key not in spec.OPTIONAL_SHEETS:
                problems.append(_missing_sheet_problem(sheet))
            if sheet.key != "settings":
                frames[sheet.key] = goals_frame(DEFAULT_GOALS) if sheet.key == "goals" else empty_frame(sheet)
            continue
        rows = source.read_values(actual)
        try:
            if sheet.key == "settings":
                settings = parse_settings(rows, problems, date1904, settings_rows)
            else:
                frames[sheet.key] = read_table(rows, sheet, problems, date1904)
        except HeaderNotFound as exc:
            message = (f"Bladet {sheet.name} saknar rubrikrad: kolumnerna {', '.join(exc.missing)} finns inte "
                       f"på någon av de {HEADER_SEARCH_ROWS} första raderna.")
            if required:
                raise WorkbookError(message) from None
            problems.append(Problem(sheet.name, None, ", ".join(exc.missing), "", message + " Bladet har inte lästs."))
            if sheet.key != "settings":
                frames[sheet.key] = empty_frame(sheet)
    # -- personal data is searched on every row, before validation leaves any out: a name typed as an
    #    unknown DeltagarID is a dropped row, and its value must be masked in that problem too --
    masks: dict[str, str] = {}
    personal = search_frames(frames, settings, settings_rows, masks)
    frames, problems = validate(frames, problems, settings.report_end, settings.followup_months)
    order = {s.name: i for i, s in enumerate(spec.INPUT_SHEETS)}
    problems = sorted(personal + mask_problems(problems, masks), key=lambda p: (order.get(p.sheet, 99), p.row or 0))
    return InputData(settings=settings, problems=problems, source_name=source.name,
                     settings_rows=settings_rows, sources=[], **frames)


def _missing_sheet_problem(sheet: SheetSpec) -> Problem:
    if sheet.key == "goals":
        message = "Bladet Mål saknas; projektets standardmål (M1–M9) används."
    elif sheet.key == "settings":
        message = "Bladet Inställningar saknas; standardvärdena används."
    else:
        message = f"Bladet {sheet.name} saknas och räknas som tomt."
    return Problem(sheet.name, None, "", "", message, severity="varning")
