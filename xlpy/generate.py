"""Realistic synthetic input workbooks of any size, for benchmarks and tests (issue #6).

A generated workbook looks like a whole förbund's follow-up: many groups of 5–12 participants across
several municipalities and terms (vår/höst), about 70 attendance rows per participant (Monday–Thursday
activity days), two internships each, outcomes (some participants with several rows), staffing, the
seed's goals, settings, Arbetsförmedlingen statistics and texts. About 0.5 % of the data rows carry the
messiness real sheets have: text dates (some readable ISO, some not), an unknown DeltagarID, a duplicate
attendance row, a status `x`, a blank row inside the data, and yes/no typed as `x`, `1` or `J`.

Participants are codes only (`KLI07A-03`), never names. Layout follows the real template: the sheet's
instruction in row 1, headers in row 2, data from row 3. Data are plain ranges, not Excel Tables:
XlsxWriter's constant_memory mode (needed to write 20 000 participants, ~1.4 M attendance rows, in
constant memory) cannot add Tables, and the reading rules accept both.

Excel holds at most 1 048 576 rows a sheet. At ~70 attendance rows a participant one Närvaro sheet is
full at about 15 000 participants; beyond that the generator fills Närvaro to the last row, leaves the
remaining participants without attendance rows (their groups get "Underlag saknas" for närvaro) and
warns. A real förbund at that scale could not keep its attendance in one workbook sheet either.

The same `seed` gives the same file, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xlsxwriter

from xlpy import spec
from xlpy.defaults import DEFAULT_GOALS

__all__ = ["EXCEL_MAX_ROWS", "MESSY_SHARE", "MUNICIPALITIES", "AttendanceOverflowWarning", "generate_workbook",
           "plan_groups"]

EXCEL_MAX_ROWS = 1_048_576


class AttendanceOverflowWarning(UserWarning):
    """Närvaro reached Excel's last row; later participants got no attendance rows."""

MUNICIPALITIES: tuple[tuple[str, str], ...] = (
    ("KLI", "Klippan"), ("PER", "Perstorp"), ("BÅS", "Båstad"), ("ÄNG", "Ängelholm"),
    ("ÖRK", "Örkelljunga"), ("HÖG", "Höganäs"), ("BJU", "Bjuv"), ("ÅST", "Åstorp"),
)
FIRST_YEAR = 2016
# Share of data rows (attendance, internship, outcome) that carry a problem or an odd spelling.
MESSY_SHARE = 0.005
GROUP_SIZE_MIN, GROUP_SIZE_MAX = 5, 12
WEEKS_CHOICES = (22, 23, 24)  # with 4 internship weeks 72–80 activity days; after leavers, ~70 rows a participant
INTERNSHIP_WEEKS = 4
# -- two 2-week internship periods inside the group period, as in the seed ("praktik 2x2 veckor") --
INTERNSHIP_WEEK_NUMBERS = ((8, 9), (15, 16))
ACTIVITY_WEEKDAYS = (0, 1, 2, 3)
FIXED_CREATED = dt.datetime(2019, 1, 1)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TITLE_ROW, _HEADER_ROW, _FIRST_DATA_ROW = 0, 1, 2  # zero-based, as XlsxWriter counts

WORKPLACES = (
    ("Förskola, {m}s kommun", "kommunal"), ("Skolkök, {m}s kommun", "kommunal"),
    ("Äldreboende, {m}s kommun", "kommunal"), ("Livsmedelsbutik i {m}", "privat"),
    ("Lokalvård, {m}s kommun", "kommunal"), ("Bibliotek, {m}s kommun", "kommunal"),
    ("Second hand-butik i {m} (ideell förening)", "ideell"), ("Café i {m}", "privat"),
    ("Industriföretag i {m}", "privat"), ("Hemtjänst, {m}s kommun", "kommunal"),
)
OUTCOME_MIX = (("Arbete", 0.30), ("Studier", 0.16), ("Planering", 0.40), ("Annat", 0.07))  # rest: no row
OUTCOME_TYPES = {
    "Arbete": ("extratjänst", "nystartsjobb", "ordinarie anställning"),
    "Studier": ("folkhögskola", "Komvux", "yrkes-SFI"),
    "Planering": ("",),
    "Annat": ("avslutad av Arbetsförmedlingen", ""),
}
TEXTS = {
    "Bakgrund och syfte": "Insatsen riktar sig till personer som står långt från arbetsmarknaden. "
                          "Syftet är att deltagarna ska ta ett första steg mot arbete eller studier.",
    "Omvärldsbevakning": "Arbetsförmedlingens förändrade uppdrag påverkar remitteringen av deltagare.",
    "Utmaningar": "Rekryteringen av deltagare och anskaffningen av praktikplatser är fortsatt utmaningar.",
    "Sammanfattning och rekommendationer": "Insatsen har nått goda resultat. Vi rekommenderar att "
                                           "dokumentationen av varje grupps process stärks.",
}


@dataclass(frozen=True)
class GroupPlan:
    """One generated group: its code, municipality, omgång (Gruppnummer), term and dates."""

    group_id: str
    municipality: str
    group_no: int
    term: str
    start: dt.date
    end: dt.date
    weeks: int
    size: int


def _term_start(index: int) -> tuple[str, dt.date]:
    """Term `index` (0 = vår FIRST_YEAR): vår starts the second Monday of January, höst of August."""
    year = FIRST_YEAR + index // 2
    term = "vår" if index % 2 == 0 else "höst"
    first = dt.date(year, 1 if term == "vår" else 8, 1)
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    return term, monday + dt.timedelta(weeks=1)


def plan_groups(participants: int, rng: np.random.Generator, prefix: str = "") -> list[GroupPlan]:
    """Split `participants` into groups of 5–12 and spread them over municipalities and terms.

    The number of terms grows with the data (at most 20, i.e. ten years), and a municipality runs
    parallel groups in a term once there are more groups than municipality-terms. `prefix` goes before
    every GruppID (and so every DeltagarID), so that several generated workbooks can be consolidated.
    """
    if participants < GROUP_SIZE_MIN:
        raise ValueError(f"at least {GROUP_SIZE_MIN} participants are needed for one group")
    sizes: list[int] = []
    left = participants
    while left > 0:
        size = int(rng.integers(GROUP_SIZE_MIN, GROUP_SIZE_MAX + 1))
        if left - size < GROUP_SIZE_MIN:
            size = left if left <= GROUP_SIZE_MAX else left - GROUP_SIZE_MIN
        sizes.append(size)
        left -= size
    n_munis = min(len(MUNICIPALITIES), max(2, math.ceil(len(sizes) / 4)))
    terms = min(20, max(2, math.ceil(len(sizes) / (2 * n_munis))))
    parallel = math.ceil(len(sizes) / (n_munis * terms))
    plans: list[GroupPlan] = []
    slot = 0
    for t in range(terms):
        term, start = _term_start(t)
        for code, name in MUNICIPALITIES[:n_munis]:
            for k in range(parallel):
                if slot == len(sizes):
                    return plans
                weeks = int(rng.choice(WEEKS_CHOICES))
                end = start + dt.timedelta(weeks=weeks - 1, days=4)
                suffix = chr(ord("A") + k) if parallel > 1 else ""
                plans.append(GroupPlan(f"{prefix}{code}{t + 1:02d}{suffix}", name, t + 1, term, start, end, weeks,
                                       sizes[slot]))
                slot += 1
    return plans


def _activity_dates(g: GroupPlan) -> list[dt.date]:
    """Monday–Thursday of every planned week except the internship weeks and Christmas (24 Dec–1 Jan)."""
    skip = {w for pair in INTERNSHIP_WEEK_NUMBERS for w in pair}
    dates = []
    for week in range(1, g.weeks + 1):
        if week in skip:
            continue
        monday = g.start + dt.timedelta(weeks=week - 1)
        for d in ACTIVITY_WEEKDAYS:
            day = monday + dt.timedelta(days=d)
            if not ((day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)):
                dates.append(day)
    return dates


def _serial(d: dt.date) -> int:
    return (d - _EXCEL_EPOCH).days


class _Sheet:
    """One input sheet being written row by row (constant_memory: rows strictly in order)."""

    def __init__(self, book: Any, sheet: spec.SheetSpec, formats: dict[str, Any]) -> None:
        self.ws = book.add_worksheet(sheet.name)
        self.spec = sheet
        self.kinds = [c.kind for c in sheet.columns]
        self.formats = formats
        self.row = _FIRST_DATA_ROW
        for i, col in enumerate(sheet.columns):
            self.ws.set_column(i, i, max(col.width, len(col.header) + 4))
        self.ws.write_string(_TITLE_ROW, 0, sheet.instruction, formats["note"])
        for i, col in enumerate(sheet.columns):
            self.ws.write_string(_HEADER_ROW, i, col.header, formats["header"])
        self.ws.freeze_panes(_FIRST_DATA_ROW, 0)

    @property
    def full(self) -> bool:
        """Whether the sheet has reached Excel's last row (1 048 576)."""
        return self.row >= EXCEL_MAX_ROWS

    def put(self, values: tuple[Any, ...] | list[Any]) -> None:
        """Write one data row; None leaves a cell empty, a date becomes a formatted serial number.
        Beyond Excel's last row nothing is written (the caller checks `full`)."""
        ws, r = self.ws, self.row
        if self.full:
            return
        for i, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r, i, v)
            elif isinstance(v, dt.date):
                ws.write_number(r, i, _serial(v), self.formats["date"])
            elif isinstance(v, bool):
                ws.write_boolean(r, i, v)
            elif self.kinds[i] == "percent":
                ws.write_number(r, i, v, self.formats["pct"])
            else:
                ws.write_number(r, i, v)
        self.row += 1

    def blank(self) -> None:
        """Leave an empty row inside the data (users do)."""
        self.row = min(self.row + 1, EXCEL_MAX_ROWS)


class _Messer:
    """Draws which rows get which kind of mess, from its own random stream so the data stay the same."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng([seed, 7])

    def pick(self, kinds: tuple[str, ...]) -> str | None:
        """None for a clean row (1 - MESSY_SHARE of them), else one of `kinds`, equally likely."""
        if self.rng.random() >= MESSY_SHARE:
            return None
        return kinds[int(self.rng.integers(len(kinds)))]

    def yesno(self, value: bool) -> str:
        """ja/nej, now and then spelled x, 1 or J (all valid by the contract)."""
        if value and self.rng.random() < 0.03:
            return ("x", "1", "J")[int(self.rng.integers(3))]
        return "ja" if value else "nej"


def _bad_text_date(d: dt.date) -> str:
    return f"{d.day}/{d.month} {d.year}"


def _people(g: GroupPlan, dates: list[dt.date], report_end: dt.date, rng: np.random.Generator
            ) -> Iterator[dict[str, Any]]:
    ongoing = g.end > report_end
    for n in range(1, g.size + 1):
        p: dict[str, Any] = {"id": f"{g.group_id}-{n:02d}", "start": g.start, "end": None}
        draw = rng.random(9)
        if draw[0] < 0.08 and len(dates) > 20:
            p["start"] = dates[int(rng.integers(5, 15))]
        if draw[1] < 0.10 and len(dates) > 30:
            p["end"] = dates[int(rng.integers(15, len(dates) - 10))]
        done = not ongoing and p["end"] is None
        p["cv"] = draw[2] < (0.93 if done else 0.5)
        p["letter"] = p["cv"] and draw[3] < (0.9 if done else 0.3)
        p["guidance"] = draw[4] < (0.92 if done else 0.2)
        p["ill_health"] = draw[5] < 0.12
        p["action_plan"] = not p["ill_health"] and draw[6] < (0.72 if done else 0.1)
        p["survey"] = not ongoing and draw[7] < 0.8
        p["presence"] = float(np.clip(rng.beta(8, 1.7), 0.3, 1.0))
        yield p


def generate_workbook(path: str | Path, participants: int, seed: int = 1, prefix: str = "") -> Path:
    """Write a synthetic input workbook with `participants` participants (at least 5) to `path` (.xlsx).

    Deterministic for a given `seed`. Time grows linearly and memory stays small (rows are streamed to
    disk); 20 000 participants take about a minute. Past ~15 000 participants Närvaro reaches Excel's
    row limit: it is filled to the last row and AttendanceOverflowWarning is issued (module docstring).
    Returns the path written.
    """
    path = Path(path)
    rng = np.random.default_rng(seed)
    mess = _Messer(seed)
    plans = plan_groups(participants, rng, prefix)
    # -- the report date falls three weeks into the last term, so its groups are ongoing (as in the seed) --
    report_end = plans[-1].start + dt.timedelta(weeks=3)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    book.set_properties({"title": "Första Steget – syntetisk uppföljning", "author": "xlpy.generate",
                         "created": FIXED_CREATED})
    formats = {
        "note": book.add_format({"italic": True, "font_color": "#595959"}),
        "header": book.add_format({"bold": True}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "pct": book.add_format({"num_format": "0%"}),
    }
    sheets = {s.key: _Sheet(book, s, formats) for s in spec.INPUT_SHEETS}
    _write_settings(sheets["settings"], plans, report_end)
    for goal in DEFAULT_GOALS:
        sheets["goals"].put([goal["goal_id"], goal["description"], goal["metric"], goal["comparison"],
                             goal["target"], goal["target_max"], "ja" if goal["active"] else "nej"])
    for g in plans:
        sheets["groups"].put([g.group_id, g.municipality, g.group_no, g.term, g.start, g.end, g.weeks,
                              INTERNSHIP_WEEKS, len(ACTIVITY_WEEKDAYS),
                              "ja" if g.end <= report_end else "nej", None])
        _write_staff(sheets["staff"], g, rng)
    for g in plans:
        _write_group_rows(sheets, g, report_end, rng, mess)
    if sheets["attendance"].full:
        warnings.warn(
            f"Närvaro rymmer högst {EXCEL_MAX_ROWS - _FIRST_DATA_ROW:,} rader i Excel; de sista deltagarna i "
            f"{path.name} fick inga närvarorader.".replace(",", " "), AttendanceOverflowWarning, stacklevel=2)
    _write_statistics(sheets["statistics"], plans, rng)
    for section, text in TEXTS.items():
        sheets["texts"].put([section, text])
    book.close()
    return path


def _write_settings(sheet: _Sheet, plans: list[GroupPlan], report_end: dt.date) -> None:
    overrides = {
        "owner": "Samordningsförbundet (syntetiska data)",
        "evaluator": "Syntetisk utvärdering",
        "project_start": plans[0].start, "project_end": plans[-1].end,
        "report_start": plans[0].start, "report_end": report_end,
    }
    for s in spec.SETTING_DEFS:
        value = overrides.get(s.key, s.default)
        sheet.put([s.name, None if value in ("", None) else value, s.help])


def _write_staff(sheet: _Sheet, g: GroupPlan, rng: np.random.Generator) -> None:
    sheet.put([g.group_id, "processledare", 0.5, "ja", None])
    sheet.put([g.group_id, "processmedarbetare", float(rng.choice((0.5, 0.8, 1.0))), "ja", None])
    if rng.random() < 0.6:
        sheet.put([g.group_id, "språkstöd", 0.5, "ja", None])
    if rng.random() < 0.1:
        sheet.put([g.group_id, "SYV", 0.25, "nej", "ej tillämpat"])


def _write_group_rows(sheets: dict[str, _Sheet], g: GroupPlan, report_end: dt.date, rng: np.random.Generator,
                      mess: _Messer) -> None:
    dates = _activity_dates(g)
    recorded = [d for d in dates if d < report_end]
    places = WORKPLACES
    for p in _people(g, dates, report_end, rng):
        pid = p["id"]
        sheets["participants"].put([
            pid, g.group_id, p["start"], p["end"], mess.yesno(p["cv"]), mess.yesno(p["letter"]),
            mess.yesno(p["guidance"]), mess.yesno(p["action_plan"]), mess.yesno(p["ill_health"]),
            mess.yesno(p["survey"]), "Slutade i förtid." if p["end"] else None,
        ])
        last = p["end"] or dates[-1]
        mine = [d for d in recorded if p["start"] <= d <= last]
        present = rng.random(len(mine)) < p["presence"]
        excused = rng.random(len(mine)) < 0.3
        att = sheets["attendance"]
        for d, here, ok in zip(mine, present, excused, strict=True):
            if att.full:
                break
            status = "N" if here else ("G" if ok else "F")
            kind = mess.pick(("iso_text", "bad_text", "unknown_id", "duplicate", "status_x", "blank"))
            if kind is None:
                att.put((pid, d, status))
            elif kind == "iso_text":
                att.put((pid, d.isoformat(), status))
            elif kind == "bad_text":
                att.put((pid, _bad_text_date(d), status))
            elif kind == "unknown_id":
                att.put((pid.replace("-", "-9"), d, status))
            elif kind == "duplicate":
                att.put((pid, d, status))
                att.put((pid, d, status))
            elif kind == "status_x":
                att.put((pid, d, "x"))
            else:
                att.blank()
                att.put((pid, d, status))
        _write_internships(sheets["internships"], g, p, report_end, places, rng, mess)
        _write_outcomes(sheets["outcomes"], g, p, report_end, rng, mess)


def _write_internships(sheet: _Sheet, g: GroupPlan, p: dict[str, Any], report_end: dt.date,
                       places: tuple[tuple[str, str], ...], rng: np.random.Generator, mess: _Messer) -> None:
    for period, (first_week, _) in enumerate(INTERNSHIP_WEEK_NUMBERS, start=1):
        start = g.start + dt.timedelta(weeks=first_week - 1)
        end = start + dt.timedelta(days=11)
        workplace, sector = places[int(rng.integers(len(places)))]
        offered = rng.random() < 0.97
        took = offered and start <= report_end and (p["end"] is None or p["end"] >= end) and rng.random() < 0.8
        row: list[Any] = [p["id"], period, workplace.format(m=g.municipality), sector,
                          mess.yesno(offered), mess.yesno(took), start, end]
        if mess.pick(("bad_text",)):
            row[6] = _bad_text_date(start)
        sheet.put(row)


def _write_outcomes(sheet: _Sheet, g: GroupPlan, p: dict[str, Any], report_end: dt.date,
                    rng: np.random.Generator, mess: _Messer) -> None:
    if g.end > report_end:
        return
    x = rng.random()
    category = None
    for name, share in OUTCOME_MIX:
        if x < share:
            category = name
            break
        x -= share
    if category is None:
        return
    date = (p["end"] or g.end) + dt.timedelta(days=int(rng.integers(0, 45)))
    if rng.random() < 0.15:
        # -- an earlier row that the later one replaces ("latest wins") --
        sheet.put([p["id"], date - dt.timedelta(days=30), "Planering", None, "handlingsplan mot arbete"])
    types = OUTCOME_TYPES[category]
    kind = mess.pick(("iso_text",))
    sheet.put([p["id"], date.isoformat() if kind else date, category,
               types[int(rng.integers(len(types)))] or None, None])


def _write_statistics(sheet: _Sheet, plans: list[GroupPlan], rng: np.random.Generator) -> None:
    municipalities = sorted({g.municipality for g in plans})
    years = sorted({g.start.year for g in plans})
    for year in years:
        for month in (1, 5, 9):
            for m in municipalities:
                sheet.put([dt.date(year, month, 1), m, int(rng.integers(30, 130)), int(rng.integers(40, 180))])
