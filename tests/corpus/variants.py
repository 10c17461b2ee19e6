"""Content variants for the corpus: the example workbook's input sheets, bent the ways users bend them.

Each variant takes the sheets ({name: rows from A1}) and a seeded Random and returns new sheets; the
input is never modified.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

Sheets = dict[str, list[list[Any]]]

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "workbook" / "forsta_steget_exempel.xlsx"
INPUT_SHEETS = ("Inställningar", "Mål", "Grupper", "Personal", "Deltagare", "Närvaro", "Praktik", "Utfall",
                "Statistik", "Texter", "Enkätfrågor", "Skalor", "Enkätsvar", "Utskick", "Kostnadsposter", "Budget", "Uppföljning")


@cache
def _example() -> Sheets:
    import python_calamine as pc

    book = pc.CalamineWorkbook.from_path(str(EXAMPLE))
    try:
        return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False)
                for n in book.sheet_names if n in INPUT_SHEETS}
    finally:
        book.close()


def example_sheets() -> Sheets:
    """The example workbook's input sheets (a deep copy: callers may change it)."""
    return copy.deepcopy(_example())


def _header(rows: list[list[Any]]) -> int:
    return 1 if len(rows) > 1 and rows[0] and len([v for v in rows[0] if v != ""]) == 1 else 0


def intact(s: Sheets, rng: random.Random) -> Sheets:
    return copy.deepcopy(s)


def no_title_rows(s: Sheets, rng: random.Random) -> Sheets:
    return {n: copy.deepcopy(r[_header(r):]) for n, r in s.items()}


def extra_title_rows(s: Sheets, rng: random.Random) -> Sheets:
    return {n: [["Första Steget – uppföljning"], [], ["Exporterad 2020-01-31"]] + copy.deepcopy(r)
            for n, r in s.items()}


def swapped_columns(s: Sheets, rng: random.Random) -> Sheets:
    out = {}
    for n, rows in s.items():
        width = max((len(r) for r in rows), default=0)
        order = list(range(width))
        rng.shuffle(order)
        out[n] = [[(r[j] if j < len(r) else "") for j in order] for r in rows]
    return out


def wrong_headers(s: Sheets, rng: random.Random) -> Sheets:
    out = copy.deepcopy(s)
    for n, bad in (("Deltagare", "Deltagar-ID"), ("Grupper", "Grupp")):
        rows = out[n]
        h = _header(rows)
        rows[h] = [bad if v in ("DeltagarID", "GruppID") else v for v in rows[h]]
    return out


def missing_participants(s: Sheets, rng: random.Random) -> Sheets:
    return {n: copy.deepcopy(r) for n, r in s.items() if n != "Deltagare"}


def odd_sheet_names(s: Sheets, rng: random.Random) -> Sheets:
    return {(f" {n.upper()} " if i % 2 else n.lower()): copy.deepcopy(r) for i, (n, r) in enumerate(s.items())}


def text_in_numbers(s: Sheets, rng: random.Random) -> Sheets:
    out = copy.deepcopy(s)
    words = ["sexton", "halvtid", "ca 4", "?", "17 v", "N/A", "1,5,2", "—"]
    for n in ("Grupper", "Personal", "Praktik", "Statistik"):
        rows = out[n]
        h = _header(rows)
        for r in rows[h + 1:]:
            for j, v in enumerate(r):
                if isinstance(v, (int, float)) and not isinstance(v, bool) and rng.random() < 0.4:
                    r[j] = rng.choice(words)
    return out


def old_dates(s: Sheets, rng: random.Random) -> Sheets:
    out = copy.deepcopy(s)
    for n in ("Grupper", "Deltagare", "Närvaro", "Utfall"):
        for r in out[n][2:]:
            for j, v in enumerate(r):
                if isinstance(v, dt.date) and rng.random() < 0.1:
                    r[j] = rng.choice([dt.date(1850, 1, 1), dt.date(1899, 12, 31), dt.date(1900, 1, 1),
                                       dt.date(9999, 12, 31), "2019-02-30", "31/12/2019", "igår"])
    return out


def blank_rows_inside(s: Sheets, rng: random.Random) -> Sheets:
    out = {}
    for n, rows in s.items():
        new: list[list[Any]] = []
        for i, r in enumerate(rows):
            new.append(copy.deepcopy(r))
            if i > 2 and rng.random() < 0.1:
                new.append(["", "  ", None])
        out[n] = new
    return out


def unknown_codes(s: Sheets, rng: random.Random) -> Sheets:
    out = copy.deepcopy(s)
    for r in out["Närvaro"][2:]:
        if rng.random() < 0.05:
            r[2] = rng.choice(["X", "närvarande", "n ", "", 1])
        if rng.random() < 0.02:
            r[0] = "OKÄND-99"
    for r in out["Deltagare"][2:6]:
        r[1] = "Z9"
    for r in out["Utfall"][2:5]:
        r[2] = rng.choice(["Jobb", "arbete", "Pension"])
    return out


def duplicates(s: Sheets, rng: random.Random) -> Sheets:
    out = copy.deepcopy(s)
    for n in ("Deltagare", "Grupper", "Mål"):
        rows = out[n]
        rows += copy.deepcopy(rows[2:4])
    return out


def extra_columns(s: Sheets, rng: random.Random) -> Sheets:
    out = copy.deepcopy(s)
    for _n, rows in out.items():
        h = _header(rows)
        rows[h].append("Anteckning")
        for r in rows[h + 1:]:
            r.append(rng.choice(["", "se mejl", 42, dt.date(2020, 1, 1), True]))
    return out


def output_sheets_present(s: Sheets, rng: random.Random) -> Sheets:
    # -- output sheets a user renamed (case, spaces) and moved to the front, with junk in them --
    junk = [["gammalt resultat"], [1, 2, 3]]
    out: Sheets = {" resultat": copy.deepcopy(junk), "KONTROLL ": copy.deepcopy(junk)}
    out.update(copy.deepcopy(s))
    out["Måluppfyllelse"] = copy.deepcopy(junk)
    return out


def foreign_only(s: Sheets, rng: random.Random) -> Sheets:
    return {"Sheet1": [["Namn", "Belopp", "Datum"]] + [[f"post {i}", rng.random() * 1e6, dt.date(2020, 1, 1 + i % 28)]
                                                        for i in range(30)],
            "Data": [[rng.randint(-5, 5) for _ in range(8)] for _ in range(20)]}


def only_required(s: Sheets, rng: random.Random) -> Sheets:
    return {n: copy.deepcopy(r) for n, r in s.items() if n in ("Grupper", "Deltagare")}


def extreme_values(s: Sheets, rng: random.Random) -> Sheets:
    out = copy.deepcopy(s)
    rows = out["Deltagare"]
    specials = ["x" * 32000, "rad1\nrad2", "🙂 emoji", "=SUMMA(A1)", "'0123", 1e308, -0.0, float("inf"),
                "\u00a0K1-01\u00a0", "<b>html</b>", "NULL"]
    for i, r in enumerate(rows[2:2 + len(specials)]):
        r[10 if len(r) > 10 else -1] = specials[i]
    out["Grupper"][2][6] = 1e308
    out["Personal"][2][2] = -50
    return out


def yes_no_spellings(s: Sheets, rng: random.Random) -> Sheets:
    out = copy.deepcopy(s)
    spell = {"ja": [True, 1, "JA", "x", "sant", " j "], "nej": [False, 0, "Nej", "", "falskt", "n"]}
    for n in ("Deltagare", "Praktik", "Personal"):
        for r in out[n][2:]:
            for j, v in enumerate(r):
                if v in spell:
                    r[j] = rng.choice(spell[v])
    return out


def text_dates(s: Sheets, rng: random.Random) -> Sheets:
    out = copy.deepcopy(s)
    for n in ("Närvaro", "Utfall", "Grupper"):
        for r in out[n][2:]:
            for j, v in enumerate(r):
                if isinstance(v, dt.date) and rng.random() < 0.5:
                    r[j] = v.isoformat() if rng.random() < 0.8 else f"{v.isoformat()} 00:00:00"
    return out


def tiny(s: Sheets, rng: random.Random) -> Sheets:
    out = {}
    for n, rows in s.items():
        h = _header(rows)
        out[n] = copy.deepcopy(rows[: h + 1 + (2 if n != "Närvaro" else 5)])
    return out


def empty_sheets(s: Sheets, rng: random.Random) -> Sheets:
    return {n: [] for n in s}


CONTENT_VARIANTS: dict[str, Callable[[Sheets, random.Random], Sheets]] = {
    "intact": intact, "no_title_rows": no_title_rows, "extra_title_rows": extra_title_rows,
    "swapped_columns": swapped_columns, "wrong_headers": wrong_headers,
    "missing_participants": missing_participants, "odd_sheet_names": odd_sheet_names,
    "text_in_numbers": text_in_numbers, "old_dates": old_dates, "blank_rows_inside": blank_rows_inside,
    "unknown_codes": unknown_codes, "duplicates": duplicates, "extra_columns": extra_columns,
    "output_sheets_present": output_sheets_present, "foreign_only": foreign_only,
    "only_required": only_required, "extreme_values": extreme_values, "yes_no_spellings": yes_no_spellings,
    "text_dates": text_dates, "tiny": tiny, "empty_sheets": empty_sheets,
}
