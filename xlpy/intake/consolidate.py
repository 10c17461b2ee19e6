"""Several workbooks as one (WORKBOOK.md and METRICS.md, "Several workbooks").

Each municipality may keep its own workbook; the evaluator reports on all of them together. This module
joins them at the level of the cells, before reading: `ConsolidatedSource` is an ordinary
WorkbookSource whose input sheets hold the rows of every workbook, with an extra column `Källa` (the
source file's name). Reading, validation and the core then run unchanged, so the figures of a
consolidation equal those of one workbook holding all the rows, to the krona and the participant.

What comes from where:
- Inställningar, Mål, Texter (and Kostnadsposter): from the first workbook that has the sheet; a
  differing value in another one is a warning.
- Statistik, Enkätfrågor, Skalor: equal rows once; the same key (Period and Kommun, FrågeID) with other
  values is an error that names both files and rows. A Skala is compared whole: the same scale with
  other alternatives, or an alternative with another Ordning, Positivt or Räknas, is an error.
- GruppID, DeltagarID and SvarID: the same code in two workbooks is an error naming both files and rows
  (an SvarID is one filled-in questionnaire; two workbooks' forms under one code would count as one).
- Every other input sheet: all rows, in the order the workbooks were named.

The source workbooks are only read. Imports no IO library: the sources are any WorkbookSource.
"""

from __future__ import annotations

import itertools
import operator
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from operator import itemgetter
from typing import Any

from xlpy import spec
from xlpy.intake.privacy import rows_text
from xlpy.intake.reading import (
    HEADER_SEARCH_ROWS,
    HeaderNotFound,
    _converter,
    find_header,
    is_empty,
    norm_name,
    parse_settings,
    show,
)
from xlpy.io.base import WorkbookError, WorkbookSource
from xlpy.model import OutCell, OutputSheet, Problem, Settings
from xlpy.spec import SheetSpec

SOURCE_HEADER = "Källa"
# -- sheets taken whole from the first workbook that has them (the project's settings and wording) --
FIRST_ONLY = ("settings", "goals", "texts", "cost_items")
# -- per sheet, the columns that identify a row when rows are compared between workbooks --
COMPARE_KEYS: dict[str, tuple[str, ...]] = {
    "goals": ("goal_id",),
    "texts": ("section",),
    "cost_items": ("item", "actor", "kind"),
    "statistics": ("period", "municipality"),
    "survey_questions": ("question_id",),
    "scales": ("scale",),
}
# -- sheets whose equal rows are kept once and whose conflicting rows are errors --
KEPT_ONCE = ("statistics", "survey_questions", "scales")
# -- sheets compared by all rows sharing a key, not row by row: a Skala is the set of its alternatives --
COMPARED_WHOLE = ("scales",)
# -- codes that must not occur in two workbooks --
UNIQUE_CODES = {"groups": "group_id", "participants": "participant_id", "survey_answers": "answer_id"}
_SETTING_NAMES = {s.key: s.name for s in spec.SETTING_DEFS}


@dataclass
class _Rows:
    """One input sheet of one workbook: the raw data rows (contract columns in spec order) and the Excel
    row number each came from."""

    source: str
    rows: list[tuple[Any, ...]]
    row_numbers: list[int]


@dataclass
class ConsolidatedSource:
    """The input sheets of several workbooks as one WorkbookSource.

    `problems` holds what the consolidation itself found (conflicts are errors, differing settings
    warnings); `origin(sheet, row)` maps a row of a consolidated sheet back to (file name, row there).
    Each sheet has its header on row 1 and data from row 2.
    """

    sources: Sequence[WorkbookSource]
    name: str = ""
    problems: list[Problem] = field(default_factory=list)
    _sheets: dict[str, list[Sequence[Any]]] = field(default_factory=dict)
    _origins: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.sources:
            raise WorkbookError("Ange minst en arbetsbok att sammanställa.")
        names = [s.name for s in self.sources]
        if len({n.casefold() for n in names}) < len(names):
            raise WorkbookError("Samma arbetsbok är angiven två gånger: " + ", ".join(names) + ".")
        self.name = self.name or " + ".join(names)
        # -- each workbook's sheet names by their normalised form, once (the first of a form wins) --
        named = [_names_by_norm(s) for s in self.sources]
        for source, by_norm in zip(self.sources, named, strict=True):
            _prefetch_attendance(source, by_norm)
        for sheet in spec.INPUT_SHEETS:
            wanted = norm_name(sheet.name)
            parts = [p for p in (_sheet_rows(s, sheet, self.problems, by_norm.get(wanted))
                                 for s, by_norm in zip(self.sources, named, strict=True)) if p is not None]
            if not parts:
                continue
            if sheet.key in FIRST_ONLY:
                self._compare_with_first(sheet, parts)
                parts = parts[:1]
            elif sheet.key in KEPT_ONCE:
                parts = self._kept_once(sheet, parts)
            if sheet.key in UNIQUE_CODES:
                self._unique_codes(sheet, parts)
            header = (*(c.header for c in sheet.columns), SOURCE_HEADER)
            rows: list[Sequence[Any]] = [header]
            origins: list[tuple[str, int]] = [("", 0)]
            for part in parts:
                # -- map/zip with repeat run in C: these are 300 000 Närvaro rows for a förbund --
                rows.extend(map(operator.add, part.rows, itertools.repeat((part.source,))))
                origins.extend(zip(itertools.repeat(part.source), part.row_numbers))
            self._sheets[sheet.name] = rows
            self._origins[sheet.name] = origins

    # -- WorkbookSource --
    def sheet_names(self) -> list[str]:
        """The input sheets that at least one workbook has, in the contract's order."""
        return list(self._sheets)

    def read_values(self, sheet: str) -> list[list[Any]]:
        """The consolidated rows of `sheet`: header on row 1, then every workbook's rows with Källa
        (rows are tuples: reading only indexes them)."""
        return self._sheets[sheet]  # type: ignore[return-value]

    def origin(self, sheet: str, row: int | None) -> tuple[str, int | None]:
        """Where row `row` (Excel's number) of consolidated sheet `sheet` came from: (file, row there).
        ("", row) for a row the consolidation made itself, or an unknown sheet."""
        origins = self._origins.get(sheet)
        if row is None or origins is None or not 2 <= row <= len(origins):
            return "", row
        return origins[row - 1]

    def located(self, problems: list[Problem]) -> list[Problem]:
        """`problems` with each row-level problem pointed at its own workbook: sheet "Deltagare i
        perstorp.xlsx", row as it is there. For reports and messages of an in-memory consolidation."""
        out = []
        for p in problems:
            source, row = self.origin(p.sheet, p.row)
            if source:
                p = Problem(f"{p.sheet} i {source}", row, p.column, p.value, p.message, p.group_id,
                            p.severity, p.kind)
            out.append(p)
        return out

    # -- the three rules of combination --
    def _compare_with_first(self, sheet: SheetSpec, parts: list[_Rows]) -> None:
        first = parts[0]
        if sheet.key == "settings":
            base = _settings_of(first)
            for part in parts[1:]:
                other = _settings_of(part)
                for f in fields(Settings):
                    if getattr(base, f.name) != getattr(other, f.name):
                        label = _SETTING_NAMES.get(f.name, f.name)
                        self.problems.append(Problem(
                            sheet.name, None, "Värde", show(getattr(other, f.name)),
                            f"{label} är {show(getattr(other, f.name)) or 'tomt'} i {part.source} men "
                            f"{show(getattr(base, f.name)) or 'tomt'} i {first.source}; värdet från "
                            f"{first.source} används.", severity="varning"))
            return
        keys = COMPARE_KEYS.get(sheet.key, ())
        base_rows = _keyed(sheet, first, keys)
        for part in parts[1:]:
            other_rows = _keyed(sheet, part, keys)
            differing = sorted(k for k in set(base_rows) | set(other_rows)
                               if base_rows.get(k, (None, None))[0] != other_rows.get(k, (None, None))[0])
            if differing:
                shown = ", ".join(" / ".join(show(v) for v in k) for k in differing[:10])
                more = f" och {len(differing) - 10} till" if len(differing) > 10 else ""
                self.problems.append(Problem(
                    sheet.name, None, "", "",
                    f"Bladet {sheet.name} skiljer sig i {part.source} från {first.source} ({shown}{more}); "
                    f"bladet från {first.source} används.", severity="varning"))

    def _kept_once(self, sheet: SheetSpec, parts: list[_Rows]) -> list[_Rows]:
        keys = COMPARE_KEYS[sheet.key]
        idx = [sheet.columns.index(sheet.column(k)) for k in keys]
        whole = sheet.key in COMPARED_WHOLE
        # -- only rows of earlier workbooks are compared: two rows of one workbook are that workbook's
        #    own matter, checked by validation exactly as if it were read alone --
        seen: dict[tuple[Any, ...], tuple[Any, str, list[int]]] = {}
        kept: list[_Rows] = []
        for part in parts:
            # -- the units compared: one per row, or (COMPARED_WHOLE) one per key holding all its rows --
            units: dict[tuple[Any, ...], list[tuple[tuple[Any, ...], Any, int]]] = {}
            order: list[tuple[tuple[Any, ...], tuple[Any, ...], Any, int]] = []
            for raw, number in zip(part.rows, part.row_numbers, strict=True):
                typed = _typed_row(sheet, raw)
                key = tuple(typed[i] for i in idx)
                units.setdefault(key, []).append((typed, raw, number))
                order.append((key, typed, raw, number))
            values = {k: tuple(sorted((u[0] for u in v), key=repr)) for k, v in units.items()} if whole else {}
            rows, numbers = [], []
            mine: dict[tuple[Any, ...], tuple[Any, str, list[int]]] = {}
            reported: set[tuple[Any, ...]] = set()
            for key, typed, raw, number in order:
                value = values[key] if whole else typed
                if key not in seen:
                    mine.setdefault(key, (value, part.source, [u[2] for u in units[key]] if whole else [number]))
                    rows.append(raw)
                    numbers.append(number)
                    continue
                first_value, first_source, first_rows = seen[key]
                if first_value != value and key not in reported:
                    reported.add(key)
                    # -- the code as this workbook spells it (the key itself is folded) --
                    label = " / ".join(show(raw[i]).strip() for i in idx)
                    mine_rows = [u[2] for u in units[key]] if whole else [number]
                    self.problems.append(Problem(
                        sheet.name, None, "", label,
                        f"{label} finns med olika värden i {first_source} ({sheet.name} {rows_text(first_rows)}) "
                        f"och {part.source} ({sheet.name} {rows_text(mine_rows)}). Rätta den ena; "
                        f"{'raderna' if len(mine_rows) > 1 else 'raden'} från {part.source} har inte räknats med."))
            kept.append(_Rows(part.source, rows, numbers))
            seen.update(mine)
        return kept

    def _unique_codes(self, sheet: SheetSpec, parts: list[_Rows]) -> None:
        col = sheet.column(UNIQUE_CODES[sheet.key])
        j = sheet.columns.index(col)
        first_seen: dict[str, tuple[str, int]] = {}
        for part in parts:
            mine: dict[str, int] = {}
            for raw, number in zip(part.rows, part.row_numbers, strict=True):
                code = _fold(raw[j])
                if code:
                    mine.setdefault(code, number)
            for code, number in mine.items():
                if code in first_seen:
                    source, row = first_seen[code]
                    self.problems.append(Problem(
                        sheet.name, None, col.header, show(code),
                        f"{col.header} {code} finns både i {source} ({sheet.name} rad {row}) och i "
                        f"{part.source} ({sheet.name} rad {number}). Samma kod får bara finnas i en "
                        "arbetsbok; byt kod i den ena."))
                else:
                    first_seen[code] = (part.source, number)


def _names_by_norm(source: WorkbookSource) -> dict[str, str]:
    """The workbook's sheet names keyed by norm_name; the first sheet of each normalised name."""
    out: dict[str, str] = {}
    for n in source.sheet_names():
        out.setdefault(norm_name(n), n)
    return out


def _prefetch_attendance(source: WorkbookSource, names: dict[str, str]) -> None:
    # -- Närvaro is the large sheet: a source that can parse it in the background starts now, so ten
    #    workbooks' Närvaro sheets are parsed two at a time on a two-core machine --
    prefetch = getattr(source, "prefetch", None)
    if not callable(prefetch):
        return
    actual = names.get(norm_name(spec.ATTENDANCE.name))
    if actual is not None:
        prefetch(actual)


def _sheet_rows(source: WorkbookSource, sheet: SheetSpec, problems: list[Problem], actual: str | None) -> _Rows | None:
    """One workbook's rows of `sheet` (named `actual` there, None when it has none), in the contract's
    column order; None when the sheet is missing or has no header row (a required sheet without a header
    stops everything, as for one workbook)."""
    if actual is None:
        return None
    rows = source.read_values(actual)
    try:
        h, index = find_header(rows, sheet)
    except HeaderNotFound as exc:
        message = (f"Bladet {sheet.name} i {source.name} saknar rubrikrad: kolumnerna {', '.join(exc.missing)} "
                   f"finns inte på någon av de {HEADER_SEARCH_ROWS} första raderna.")
        if sheet.key in spec.REQUIRED_SHEETS:
            raise WorkbookError(message) from None
        problems.append(Problem(sheet.name, None, ", ".join(exc.missing), "", message + " Bladet har inte lästs."))
        return None
    positions = [index.get(c.key) for c in sheet.columns]
    data = rows[h + 1:]
    first = h + 2
    shortest = min(map(len, data), default=0)
    if data and all(j is not None and j < shortest for j in positions):
        # -- the common case (calamine's rows are all as wide as the sheet): pick the columns in C --
        pick = itemgetter(*positions) if len(positions) > 1 else (lambda r, j=positions[0]: (r[j],))
        picked = list(map(pick, data))
    else:
        picked = [tuple(r[j] if j is not None and j < len(r) else None for j in positions) for r in data]
    # -- blank rows (or notes in extra columns only) carry nothing over; calamine writes "" for an empty
    #    cell, other sources None: rows of either are dropped here, and any other blank row is skipped
    #    by reading, as in one workbook --
    blanks = (("",) * len(positions), (None,) * len(positions))
    if not any(map(picked.count, blanks)):
        # -- the common case, none: counting compares in C, where the filter below hashes every row --
        return _Rows(source.name, picked, list(range(first, first + len(picked))))
    # -- a few blank rows among many: found by list.index (compares in C), the rest kept in slices --
    dropped = sorted(i for blank in blanks for i in _positions(picked, blank))
    out: list[tuple[Any, ...]] = []
    numbers: list[int] = []
    start = 0
    for i in [*dropped, len(picked)]:
        out += picked[start:i]
        numbers += range(first + start, first + i)
        start = i + 1
    return _Rows(source.name, out, numbers)


def _positions(items: list[Any], wanted: Any) -> list[int]:
    """Every index of `wanted` in `items`."""
    found: list[int] = []
    try:
        while True:
            found.append(items.index(wanted, found[-1] + 1 if found else 0))
    except ValueError:
        return found


def _fold(value: Any) -> str:
    """A code as the contract compares codes: NFC, trimmed, case-insensitive."""
    if type(value) is str:  # -- the common case: is_empty and show of a text are its strip --
        text = value.strip()
        return unicodedata.normalize("NFC", text).strip().casefold() if text else ""
    if is_empty(value):
        return ""
    return unicodedata.normalize("NFC", show(value)).strip().casefold()


def _typed_row(sheet: SheetSpec, raw: Sequence[Any]) -> tuple[Any, ...]:
    """The row's values as reading converts them (so "2019-05-01" equals a real date), texts folded."""
    out: list[Any] = []
    for col, value in zip(sheet.columns, raw, strict=True):
        if is_empty(value):
            out.append(None)
            continue
        typed, err = _converter(sheet, col)(value)
        out.append(_fold(value) if err is not None or isinstance(typed, str) else typed)
    return tuple(out)


def _keyed(sheet: SheetSpec, part: _Rows, keys: tuple[str, ...]) -> dict[tuple[Any, ...], tuple[Any, int]]:
    idx = [sheet.columns.index(sheet.column(k)) for k in keys] if keys else []
    out: dict[tuple[Any, ...], tuple[Any, int]] = {}
    for n, raw in zip(part.row_numbers, part.rows, strict=True):
        typed = _typed_row(sheet, raw)
        key = tuple(typed[i] for i in idx) if idx else (n,)
        out.setdefault(key, (typed, n))
    return out


def _settings_of(part: _Rows) -> Settings:
    header = [c.header for c in spec.SETTINGS.columns]
    return parse_settings([header, *map(list, part.rows)], [])


def consolidated_sheets(source: ConsolidatedSource) -> list[OutputSheet]:
    """The consolidated input sheets as sheets of a new workbook: a note on row 1 naming the workbooks,
    the contract's headers and Källa on row 2, the rows from row 3. Plain ranges (no Excel Tables): the
    reading rules find the header row, so `check`, `recalc` and `report` read it like any workbook."""
    names = [s.name for s in source.sources]
    note = (f"Sammanställd av Första Steget-verktyget från {len(names)} arbetsböcker: {', '.join(names)}. "
            "Kolumnen Källa visar varifrån varje rad kommer.")
    out: list[OutputSheet] = []
    for sheet in spec.INPUT_SHEETS:
        rows = source._sheets.get(sheet.name)
        if rows is None:
            continue
        styles = ["date" if c.kind == "date" else "text" for c in sheet.columns] + ["text"]
        head = [[OutCell(note, "note")], [OutCell(h, "header") for h in rows[0]]]
        widths = [c.width for c in sheet.columns] + [24.0]
        out.append(OutputSheet(sheet.name, head, widths, freeze_rows=2, landscape=False,
                               bulk_rows=rows[1:], bulk_styles=styles))  # type: ignore[arg-type]
    return out
