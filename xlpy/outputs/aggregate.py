"""Aggregates only, for the samordningsförbund (`xlpy export --aggregat`).

A förbund has no legal basis to hold participant data (shared/notes/domain.md), so what it gets is a
workbook of counts and shares per group, omgång, municipality, the whole project and start year, with
small-number suppression applied exactly as in the report, and a sheet saying what the file holds and
under which threshold. No row of any input sheet, no DeltagarID, no participant's date or comment is
written: every value comes from the results dict (docs/RESULTS.md), and only from its counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlpy.core.suppress import SHOWN, Decision, Ledger, cell_text, decide
from xlpy.model import OutCell, OutputSheet
from xlpy.outputs.sheets import fit_header_heights
from xlpy.spec import NO_OUTCOME, OUTCOME_CATEGORIES

ABOUT_SHEET = "Om exporten"
HIDDEN_NOTE = "dolt för att skydda små tal"
# -- the person counts of a unit that are shown, in order; outcomes add up to `started` --
OUTCOME_COLUMNS = (*OUTCOME_CATEGORIES, NO_OUTCOME)
LEVELS = (("group", "Per grupp"), ("omgang", "Per omgång"), ("municipality", "Per kommun"),
          ("project", "Hela projektet"))
HEADERS = ("Enhet", "Kommun", "Startdatum", "Slutdatum", "Startade", "Fullföljde", "Avbröt",
           *OUTCOME_COLUMNS, "Vidare (arbete, studier)", "Andel vidare", "Närvaro")


COUNT_COLUMNS = ("started", "completers", "early_leavers", *OUTCOME_COLUMNS, "moved_on")


def _unit_counts(u: dict[str, Any]) -> list[int]:
    """A unit's person counts in COUNT_COLUMNS order."""
    c = u["counts"]
    outcomes = c.get("outcomes", {})
    return [int(c.get("started") or 0), int(c.get("completers") or 0), int(c.get("early_leavers") or 0),
            *[int(outcomes.get(k) or 0) for k in OUTCOME_COLUMNS], int(c.get("moved_on") or 0)]


def _equations(rows: dict[str, dict[str, Any]], parents: dict[str, list[str]]) -> list[tuple[Any, list[Any]]]:
    """The sums a reader can form from the export: within a unit (completers + leavers = started, the
    outcomes = started, Arbete + Studier = moved on), and per column, a unit = the sum of its members
    (groups in an omgång, municipality or start year; municipalities in the project)."""
    eqs: list[tuple[Any, list[Any]]] = []
    for key in rows:
        eqs.append(((key, "started"), [(key, "completers"), (key, "early_leavers")]))
        eqs.append(((key, "started"), [(key, k) for k in OUTCOME_COLUMNS]))
        eqs.append(((key, "moved_on"), [(key, "Arbete"), (key, "Studier")]))
    for parent, members in parents.items():
        for col in COUNT_COLUMNS:
            eqs.append(((parent, col), [(m, col) for m in members]))
    return eqs


def _row_cells(key: str, u: dict[str, Any], d: Decision) -> list[OutCell]:
    """A unit's counts as the decision `d` prints them (`<N`, `–` or the number), its share moved on and its
    attendance."""
    out = []
    for col in COUNT_COLUMNS:
        cell = (key, col)
        state = d.state(cell)
        if state == SHOWN:
            out.append(OutCell(d.values[cell], "int"))
        else:
            out.append(OutCell(cell_text(d.values[cell], state, d.min_count), "text"))
    started, moved = (key, "started"), (key, "moved_on")
    if d.hidden(started, moved) or u.get("ongoing"):
        # -- an ongoing unit's outcomes are not all entered yet: no share rather than a false 0 % --
        share = OutCell("–", "text")
    else:
        share = (OutCell(d.values[moved] / d.values[started], "pct") if d.values[started]
                 else OutCell("–", "text"))
    attendance = (u.get("metrics") or {}).get("narvaro")
    return out + [share, OutCell(attendance, "pct1") if attendance is not None else OutCell("–", "text")]


def export_ledger(results: dict[str, Any]) -> Ledger:
    """Every count of the export and every sum a reader can form from it (`_equations`): the ledger of
    the one suppression decision (xlpy.core.suppress), as the report's is."""
    units, parents, _ = _units(results)
    led = Ledger()
    for k, u in units.items():
        for col, v in zip(COUNT_COLUMNS, _unit_counts(u), strict=True):
            led.add((k, col), v)
    # -- the project equals the sum of its municipalities too: tie that equation to the project's cells --
    eq_parents = {("project:all" if p == "project:all:mun" else p): m for p, m in parents.items()
                  if p != "project:all:mun"}
    equations = _equations(units, eq_parents)
    if "project:all:mun" in parents:
        equations += [(("project:all", col), [(m, col) for m in parents["project:all:mun"]]) for col in COUNT_COLUMNS]
    for total, parts in equations:
        # -- a sum that does not hold (a hand-made results dict) is no help to a reader either --
        led.line(total, parts, strict=False)
    return led


def _units(results: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]], list[tuple[str, str, list[str]]]]:
    """Every unit of the export by a key of its own, which units sum up to which, and the tables
    (title, level, keys in order)."""
    levels = results["levels"]
    rows: dict[str, dict[str, Any]] = {}
    tables: list[tuple[str, str, list[str]]] = []
    for level, title in LEVELS:
        units = sorted(levels.get(level, {}).values(), key=lambda u: (u.get("start") or "", u["key"]))
        keys = []
        for u in units:
            rows[f"{level}:{u['key']}"] = u
            keys.append(f"{level}:{u['key']}")
        if keys:
            tables.append((title, level, keys))
    parents: dict[str, list[str]] = {}
    for level in ("omgang", "municipality", "project"):
        for u in levels.get(level, {}).values():
            parents[f"{level}:{u['key']}"] = [f"group:{g}" for g in u["group_ids"]]
    if levels.get("project"):
        parents["project:all:mun"] = [f"municipality:{k}" for k in levels.get("municipality", {})]
    years = _by_start_year(results)
    if years:
        keys = []
        for y, u in years:
            rows[f"year:{y}"] = u
            keys.append(f"year:{y}")
            parents[f"year:{y}"] = [f"group:{g}" for g in u["group_ids"]]
        tables.append(("Per startår (grupper som startade det året)", "year", keys))
    return rows, parents, tables


def aggregate_sheets(results: dict[str, Any]) -> list[OutputSheet]:
    """The export's sheets: `Om exporten` and `Sammanräknat` with a table per level, every count through
    the one suppression decision over every sum a reader can form (xlpy.core.suppress)."""
    min_count = int(results["parameters"].get("min_count") or 0)
    meta = results["meta"]
    units, _, tables = _units(results)
    d = decide(export_ledger(results), min_count)
    rows: list[list[OutCell]] = [[OutCell(f"{meta.get('project_name') or 'Första Steget'} – sammanräknade tal",
                                          "title")]]
    for title, level, keys in tables:
        head = ("År", "", "", "", *HEADERS[4:]) if level == "year" else HEADERS
        rows += [[], [OutCell(title, "section")], [OutCell(h, "header") for h in head]]
        for key in keys:
            u = units[key]
            first = ([OutCell(key.split(":", 1)[1]), OutCell(""), OutCell(None), OutCell(None)] if level == "year" else
                     [OutCell(u["label"]), OutCell(u.get("municipality") or ""), OutCell(_date(u.get("start")), "date"),
                      OutCell(_date(u.get("end")), "date")])
            rows.append(first + _row_cells(key, u, d))
    widths = [26.0, 14, 12, 12, 10, 11, 9, 9, 9, 11, 9, 15, 11, 9, 10]
    sheet = fit_header_heights(OutputSheet("Sammanräknat", rows, widths, freeze_rows=0))
    return [_about(results, min_count), sheet]


def _date(iso: str | None) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(iso) if iso else None


def _by_start_year(results: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """Per calendar year in which groups started: the sums of those groups' person counts (counts add
    up over groups; no share is averaged). Attendance is left out here (it is a share of days)."""
    years: dict[int, dict[str, Any]] = {}
    for g in results["levels"].get("group", {}).values():
        if not g.get("start"):
            continue
        y = int(g["start"][:4])
        unit = years.setdefault(y, {"counts": {"started": 0, "completers": 0, "early_leavers": 0, "moved_on": 0,
                                               "outcomes": {k: 0 for k in OUTCOME_COLUMNS}}, "metrics": {},
                                    "group_ids": []})
        unit["group_ids"].append(g["key"])
        c, gc = unit["counts"], g["counts"]
        for k in ("started", "completers", "early_leavers", "moved_on"):
            c[k] += int(gc.get(k) or 0)
        for k in OUTCOME_COLUMNS:
            c["outcomes"][k] += int((gc.get("outcomes") or {}).get(k) or 0)
    return sorted(years.items())


def _about(results: dict[str, Any], min_count: int) -> OutputSheet:
    meta = results["meta"]
    sources = meta.get("sources") or [meta.get("source") or "–"]
    threshold = (f"Antal under {min_count} visas som <{min_count}; ett antal som döljs bara för att ett annat "
                 f"inte ska kunna räknas ut visas som – ({HIDDEN_NOTE}); .. = dolt, eftersom även <{min_count} skulle "
                 "avslöja antalet. Andelar som bygger på ett dolt antal visas inte." if min_count > 1 else
                 "Minsta redovisade antal är inte satt (0): alla antal visas. Sätt Minsta redovisade antal i "
                 "bladet Inställningar (t.ex. 5) innan filen lämnar kommunen.")
    lines = [
        ("Innehåll", "Bara sammanräknade tal per grupp, omgång, kommun, hela projektet och startår: antal "
                     "deltagare, fullföljda, avbrott, senaste utfall per kategori, andel vidare och närvaro."),
        ("Inga personuppgifter", "Filen innehåller inga rader ur arbetsboken: inga DeltagarID, inga datum för "
                                 "enskilda deltagare, inga kommentarer eller fritexter."),
        ("Små tal", threshold),
        ("Källor", ", ".join(sources)),
        ("Rapportdatum", meta.get("report_end") or "–"),
        ("Skapad med", f"xlpy {meta.get('version') or '–'}"),
    ]
    rows = [[OutCell("Om exporten", "title")], []]
    rows += [[OutCell(k, "bold"), OutCell(v)] for k, v in lines]
    if len(sources) > 1:
        rows.append([OutCell("Flera arbetsböcker", "bold"),
                     OutCell("Samma person i två kommuner kan inte kännas igen utan personnummer; den som deltagit "
                             "i flera kommuners grupper räknas en gång i varje.")])
    return OutputSheet(ABOUT_SHEET, rows, [22, 110], landscape=False)


class ThresholdMissing(ValueError):
    """The export was refused: no small-number threshold of at least 2 (message in Swedish)."""


def write_aggregate(results: dict[str, Any], out: Path, min_count: int | None = None) -> Path:
    """Write the aggregate export to a new workbook `out` (.xlsx, atomic). Returns the path.

    `min_count` overrides Minsta redovisade antal. The export is refused (ThresholdMissing) when the
    threshold is below 2: what leaves the municipality must have small counts hidden."""
    from xlpy.io import xlsx_package

    if min_count is not None:
        results = {**results, "parameters": {**results["parameters"], "min_count": int(min_count)}}
    if int(results["parameters"].get("min_count") or 0) < 2:
        raise ThresholdMissing(
            "Exporten skrevs inte: Minsta redovisade antal är inte satt (eller under 2), så små tal skulle "
            "synas. Sätt det i bladet Inställningar (t.ex. 5) eller ange --minsta 5.")
    xlsx_package.write_copy(None, Path(out), aggregate_sheets(results))
    return Path(out)


