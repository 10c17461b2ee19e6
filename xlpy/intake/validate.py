"""Checks across rows and sheets (unknown codes, duplicates, dates outside a group's period, goals).

Works on the frames xlpy.intake.reading.read_table produces (typed columns, `row`, `_drop`), vectorised with
pandas so the Närvaro sheet's hundreds of thousands of rows cost merges, not Python loops; Problem
objects are built only for bad rows. A problem in one group never touches another group's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from xlpy import spec
from xlpy.defaults import COUNT_METRICS, is_metric_key
from xlpy.intake.entry_checks import check_entry
from xlpy.intake.privacy import row_ranges
from xlpy.intake.reading import show
from xlpy.intake.validate_followup import check_followup, check_goal_points
from xlpy.model import Problem

Frames = dict[str, pd.DataFrame]
_SHEET_ORDER = {s.name: i for i, s in enumerate(spec.INPUT_SHEETS)}


def validate(frames: Frames, problems: list[Problem],
             report_end: dt.date | None = None,
             followup_points: Sequence[int] = (6,)) -> tuple[Frames, list[Problem]]:
    """Run every cross-sheet check, drop the rows that cannot be used, give each problem the GruppID
    its row belongs to (None when the row belongs to no known group) and sort problems by sheet and row.

    report_end: Rapportperiod slut, which decides which groups have ended (xlpy.intake.entry_checks).
    Returns new frames without `_drop`, index 0..n-1, and the full problem list.
    """
    out = list(problems)
    f = {k: v.copy() for k, v in frames.items()}
    for frame in f.values():
        if "_drop" not in frame:
            frame["_drop"] = np.zeros(len(frame), dtype=bool)
    groups = _check_groups(f["groups"], out)
    group_spelling = _spelling(groups["group_id"])
    # -- a duplicate DeltagarID is its own problem on its own row, even when its group is unusable too --
    _duplicates(f["participants"], ["participant_id"], spec.PARTICIPANTS, "participant_id", "DeltagarID", out)
    for key in ("staff", "participants"):
        _link(f[key], "group_id", group_spelling, _dropped_rows(f["groups"], "group_id"),
              spec.SHEETS_BY_KEY[key], "GruppID", "Grupper", out)
    participants = _check_participants(f["participants"], groups, out)
    pid_spelling = _spelling(participants["participant_id"])
    linked = [k for k in ("attendance", "internships", "outcomes", "followup") if k in f]
    for key in linked:
        _link(f[key], "participant_id", pid_spelling, _dropped_rows(f["participants"], "participant_id"),
              spec.SHEETS_BY_KEY[key], "DeltagarID", "Deltagare", out)
    _check_attendance(f["attendance"], participants, groups, out)
    _check_internships(f["internships"], out)
    _check_outcomes(f["outcomes"], participants, groups, out)
    if "followup" in f:
        check_followup(f["followup"], f["participants"], groups, followup_points, out)
    _check_goals(f["goals"], out)
    if all(k in f for k in ("survey_questions", "scales", "survey_answers", "mailings")):
        from xlpy.intake.validate_surveys import check_surveys  # -- it builds on this module's helpers --

        check_surveys(f, groups, participants, out)
    check_goal_points(f["goals"], followup_points, out)
    if "cost_items" in f:
        _check_cost_items(f["cost_items"], out)
    if "budget" in f:
        _check_budget(f["budget"], out)
    check_entry(f, groups, report_end, out)
    out = _with_group_ids(out, f, groups, participants)
    cleaned = {k: _kept(v) for k, v in f.items()}
    return cleaned, sorted(out, key=lambda p: (_SHEET_ORDER.get(p.sheet, 99), p.row or 0))


# -- helpers ---------------------------------------------------------------------------------------

def _kept(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[~frame["_drop"]].drop(columns="_drop").reset_index(drop=True)


def _live(frame: pd.DataFrame) -> pd.Series:
    return ~frame["_drop"]


def _flag(frame: pd.DataFrame, mask: pd.Series, sheet: spec.SheetSpec, column: str,
          message: Callable[[Any], str], out: list[Problem], drop: bool, severity: str = "fel") -> None:
    """One Problem per row in `mask` (message gets the row as a namedtuple); drop them if asked."""
    col = sheet.column(column)
    if not mask.any():  # -- the usual case; selecting no rows of Närvaro still copies it --
        return
    sub = frame.loc[mask]
    for row_no, r in zip(sub["row"].tolist(), sub.itertuples(index=False), strict=True):
        out.append(Problem(sheet.name, int(row_no), col.header, _show(getattr(r, column)), message(r),
                           severity=severity))
    if drop:
        frame.loc[mask, "_drop"] = True


def _flag_grouped(frame: pd.DataFrame, mask: pd.Series, by: list[str], sheet: spec.SheetSpec, column: str,
                  message: Callable[[tuple[Hashable, ...], list[int]], str], out: list[Problem]) -> None:
    """Drop the rows in `mask` and report them once per value of `by` (row = first row; the message gets
    every row, so it can list them), so one mistyped code does not fill Kontroll with a row for each of
    its hundred Närvaro days."""
    if not mask.any():  # -- the usual case; selecting no rows of Närvaro still copies it --
        return
    bad = frame.loc[mask]
    if bad.empty:
        return
    header = sheet.column(column).header
    for key, part in bad.groupby(by, sort=False, dropna=False):
        key_t = key if isinstance(key, tuple) else (key,)
        first = part.iloc[0]
        out.append(Problem(sheet.name, int(first["row"]), header, _show(first[column]),
                           message(key_t, [int(r) for r in part["row"]])))
    frame.loc[mask, "_drop"] = True


def _show(value: Any) -> str:
    if value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, np.bool_):
        value = bool(value)
    return show(value)


def _dt(values: pd.Series) -> pd.Series:
    """Object dates (datetime.date or None) as datetime64, converting each distinct date once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.append(pd.to_datetime(pd.Series(uniques, dtype=object)).to_numpy(), np.datetime64("NaT"))
    return pd.Series(table[codes], index=values.index)


def _less(a: pd.Series, b: pd.Series, mask: pd.Series) -> pd.Series:
    """a < b for the rows in `mask` where both are dates; False elsewhere."""
    return mask & (_dt(a) < _dt(b))


def _rows(rows: list[int]) -> str:
    return f"rad {rows[0]}" if len(rows) == 1 else f"{len(rows)} rader: {row_ranges(rows)}"


def _spelling(codes: pd.Series) -> dict[str, str]:
    """Codes compare case-insensitively (k2 = K2); map each lower-case code to its spelling in the master."""
    return {str(c).lower(): str(c) for c in codes.dropna()[::-1]}


def _dropped_rows(master: pd.DataFrame, column: str) -> dict[str, int]:
    """Lower-case code -> Excel row of master rows left out, so a dependent row can point at the cause."""
    gone = master.loc[master["_drop"] & master[column].notna()]
    return {str(c).lower(): int(r) for c, r in zip(gone[column][::-1], gone["row"][::-1], strict=True)}


def _link(frame: pd.DataFrame, column: str, spelling: dict[str, str], dropped: dict[str, int],
          sheet: spec.SheetSpec, header: str, master: str, out: list[Problem]) -> None:
    """Rewrite `column` to the master sheet's spelling; rows whose code is unknown are dropped and
    reported once per code (pointing at the master row when that row was left out for an error)."""
    # -- each distinct code is looked up once: Närvaro repeats every DeltagarID ~70 times --
    values = frame[column].to_numpy(dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([spelling.get(str(c).lower()) for c in uniques] + [None], dtype=object)
    found = table[codes]
    live = _live(frame).to_numpy() & (codes >= 0)
    known = found != None  # noqa: E711 -- elementwise test on an object array
    frame[column] = pd.Series(np.where(live & known, found, values), index=frame.index, dtype=object)
    unknown = pd.Series(live & ~known, index=frame.index)

    def message(key: tuple[Hashable, ...], rows: list[int]) -> str:
        where = "" if len(rows) == 1 else f" ({len(rows)} rader: {row_ranges(rows)})"
        master_row = dropped.get(str(key[0]).lower())
        if master_row is not None:
            return (f"{header} {key[0]} har ett fel på rad {master_row} i bladet {master}{where}. "
                    "Raden har inte räknats med.")
        return f"{header} {key[0]} finns inte i bladet {master}{where}. Raden har inte räknats med."

    _flag_grouped(frame, unknown, [column], sheet, column, message, out)


def _duplicates(frame: pd.DataFrame, keys: list[str], sheet: spec.SheetSpec, column: str, what: str,
                out: list[Problem], key_codes: np.ndarray | None = None) -> None:
    """Drop and report every live row whose `keys` repeat an earlier live row's ("finns redan på rad N").

    key_codes: the rows' keys already as one integer per row (see _key_codes), when the caller has them.
    """
    live = _live(frame).to_numpy()
    key = _key_codes(frame, keys) if key_codes is None else key_codes
    live_at = np.flatnonzero(live)
    dup = pd.Series(key[live_at]).duplicated(keep="first").to_numpy()
    if not dup.any():
        return
    rows = frame["row"].to_numpy()
    first_at = live_at[~dup]
    dup_at = live_at[dup]
    first_at = first_at[np.isin(key[first_at], key[dup_at])]  # -- only keys that repeat need their first row --
    first_row = dict(zip(key[first_at].tolist(), rows[first_at].tolist(), strict=True))
    header = sheet.column(column).header
    shown = frame[column].to_numpy(dtype=object)
    for i in dup_at.tolist():
        out.append(Problem(sheet.name, int(rows[i]), header, _show(shown[i]),
                           f"{what} finns redan på rad {first_row[int(key[i])]}; bara den första raden räknas."))
    drop = frame["_drop"].to_numpy(dtype=bool, copy=True)
    drop[dup_at] = True
    frame["_drop"] = drop


def _key_codes(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """One int64 per row, equal exactly where the rows' `keys` are equal (an empty value equals itself)."""
    parts = []
    for k in keys:
        codes, uniques = pd.factorize(frame[k].to_numpy(dtype=object), use_na_sentinel=True)
        parts.append((codes, len(uniques)))
    return _combined_codes(parts, len(frame))


def _combined_codes(parts: list[tuple[np.ndarray, int]], n_rows: int) -> np.ndarray:
    """Factorize codes of several columns (each with its number of distinct values; -1 = empty) folded into
    one int64 per row that is equal exactly where every column's code is."""
    combined = np.zeros(n_rows, dtype=np.int64)
    for codes, n_distinct in parts:
        combined = combined * (n_distinct + 1) + (codes + 1)
    return combined


# -- the checks ------------------------------------------------------------------------------------

def _check_groups(groups: pd.DataFrame, out: list[Problem]) -> pd.DataFrame:
    """Returns the usable groups (id, municipality, start, end, period_ok) after dropping duplicates."""
    sheet = spec.GROUPS
    groups["group_id"] = groups["group_id"].astype(object)
    _duplicates(groups, ["group_id"], sheet, "group_id", "GruppID", out)
    live = _live(groups)
    inverted = _less(groups["end"], groups["start"], live)
    _flag(groups, inverted, sheet, "end",
          lambda r: f"Slutdatum {r.end.isoformat()} ligger före Startdatum {r.start.isoformat()}. "
                    "Gruppens datumkontroller hoppas över tills det är rättat.",
          out, drop=False, severity="varning")
    no_end = _live(groups) & groups["end"].isna()
    _flag(groups, no_end, sheet, "end",
          lambda r: f"Slutdatum saknas för grupp {r.group_id}. Gruppen räknas som pågående tills "
                    "ett slutdatum fylls i.",
          out, drop=False, severity="varning")
    usable = groups.loc[_live(groups), ["group_id", "start", "end"]].copy()
    usable["period_ok"] = ~inverted.loc[usable.index].to_numpy()
    return usable.reset_index(drop=True)


def _check_participants(frame: pd.DataFrame, groups: pd.DataFrame, out: list[Problem]) -> pd.DataFrame:
    """Duplicates and dates outside the group's period; returns usable participants with their group's
    start/end (g_start, g_end, period_ok)."""
    sheet = spec.PARTICIPANTS
    merged = _with_group(frame, groups)
    live = _live(frame) & merged["period_ok"].fillna(False).astype(bool)
    with_period = frame.assign(g_start=merged["g_start"], g_end=merged["g_end"])
    for col, label in (("start", "Startdatum"), ("end", "Slutdatum")):
        before = _less(frame[col], merged["g_start"], live)
        after = _less(merged["g_end"], frame[col], live)

        def outside(r: Any, label: str = label, col: str = col) -> str:
            return (f"{label} {_show(getattr(r, col))} ligger utanför gruppens period "
                    f"{_show(r.g_start)}–{_show(r.g_end)}.")

        _flag(with_period, before | after, sheet, col, outside, out, drop=False, severity="varning")
    inverted = _less(frame["end"], frame["start"], _live(frame))
    _flag(frame, inverted, sheet, "end", lambda r: f"Slutdatum {_show(r.end)} ligger före Startdatum "
          f"{_show(r.start)}.", out, drop=False, severity="varning")
    usable = merged.loc[_live(frame), ["participant_id", "group_id", "start", "g_start", "g_end", "period_ok"]]
    return usable.reset_index(drop=True)


def _with_group(frame: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    g = groups.rename(columns={"start": "g_start", "end": "g_end"})
    merged = frame.merge(g, on="group_id", how="left")
    merged.index = frame.index
    return merged


def _check_attendance(frame: pd.DataFrame, participants: pd.DataFrame, groups: pd.DataFrame,
                      out: list[Problem]) -> None:
    """Dates outside the participant's group's period, then the same participant twice on one date.

    Närvaro holds ~70 rows per participant (350 000 for a förbund), so participant and date become
    integer codes once and both checks work on those instead of merging object columns.
    """
    sheet = spec.ATTENDANCE
    live = _live(frame).to_numpy()
    pcodes, pids = pd.factorize(frame["participant_id"].to_numpy(dtype=object), use_na_sentinel=True)
    dcodes, days = pd.factorize(frame["date"].to_numpy(dtype=object), use_na_sentinel=True)
    # -- index -1 (an empty cell) lands on the appended NaT / -1 --
    date = np.append(_dt(pd.Series(days, dtype=object)).to_numpy(), np.datetime64("NaT"))[dcodes]
    first: dict[Any, int] = {}
    for i, pid in enumerate(participants["participant_id"].tolist()):
        first.setdefault(pid, i)
    at = np.array([first.get(pid, -1) for pid in pids] + [-1], dtype=np.int64)[pcodes]
    has = at >= 0
    pos = np.where(has, at, 0)
    if len(participants):
        ok = live & has & participants["period_ok"].fillna(False).astype(bool).to_numpy()[pos]
        g_start = _dt(participants["g_start"]).to_numpy()[pos]
        g_end = _dt(participants["g_end"]).to_numpy()[pos]
        # -- NaT compares False, so a missing date or period never counts as outside --
        outside = ok & ((date < g_start) | (g_end < date))
        group = participants["group_id"].to_numpy(dtype=object)[pos]
        group[~has] = None
    else:
        outside = np.zeros(len(frame), dtype=bool)
        group = np.full(len(frame), None, dtype=object)
    periods = {g: (a, b) for g, a, b in zip(groups["group_id"], groups["start"], groups["end"], strict=True)}

    def message(key: tuple[Hashable, ...], rows: list[int]) -> str:
        start, end = periods[str(key[0])]
        return (f"Datum {_show(key[1])} ligger utanför grupp {key[0]}:s period {_show(start)}–"
                f"{_show(end)} ({_rows(rows)}). Raden har inte räknats med.")

    outside_s = pd.Series(outside, index=frame.index)
    if outside.any():
        frame_g = frame.assign(_group=pd.Series(group, index=frame.index, dtype=object))
        _flag_grouped(frame_g, outside_s, ["_group", "date"], sheet, "date", message, out)
        frame.loc[outside_s, "_drop"] = True
    key = _combined_codes([(pcodes, len(pids)), (dcodes, len(days))], len(frame))
    _duplicates(frame, ["participant_id", "date"], sheet, "date", "Samma deltagare och datum", out, key_codes=key)


def _check_internships(frame: pd.DataFrame, out: list[Problem]) -> None:
    sheet = spec.INTERNSHIPS
    _duplicates(frame, ["participant_id", "period"], sheet, "period", "Samma deltagare och period", out)
    odd = _live(frame) & frame["participated"] & ~frame["offered"]
    _flag(frame, odd, sheet, "participated",
          lambda r: "Deltog = ja men Erbjuden = nej. Kontrollera raden; den räknas som den står.",
          out, drop=False, severity="varning")


def _check_outcomes(frame: pd.DataFrame, participants: pd.DataFrame, groups: pd.DataFrame,
                    out: list[Problem]) -> None:
    sheet = spec.OUTCOMES
    p = participants[["participant_id", "start", "g_start"]].rename(columns={"start": "p_start"})
    merged = frame[["participant_id"]].merge(p, on="participant_id", how="left")
    merged.index = frame.index
    begin = merged["p_start"].where(merged["p_start"].notna(), merged["g_start"])
    early = _less(frame["date"], begin, _live(frame))
    _flag(frame.assign(begin_date=begin), early, sheet, "date",
          lambda r: f"Datum {_show(r.date)} ligger före deltagarens start {_show(r.begin_date)}. "
                    "Kontrollera datumet; raden räknas.",
          out, drop=False, severity="varning")


def _check_goals(frame: pd.DataFrame, out: list[Problem]) -> None:
    sheet = spec.GOALS
    if frame.empty:
        return
    # -- pandas 3 turns None into NaN in a text column, so test for str, not for None --
    frame["metric"] = frame["metric"].map(lambda m: m.strip().lower() if isinstance(m, str) else None).astype(object)
    live = _live(frame)
    bad_metric = live & ~frame["metric"].map(lambda m: isinstance(m, str) and is_metric_key(m))
    _flag(frame, bad_metric, sheet, "metric",
          lambda r: f"Måttet {r.metric} finns inte. Använd ett mått ur listan, t.ex. narvaro eller "
                    "praktik_deltagande_1. Målet har inte räknats med.", out, drop=True)
    live = _live(frame)
    between = live & (frame["comparison"] == "mellan")
    _flag(frame, between & frame["target_max"].isna(), sheet, "target_max",
          lambda r: "Jämförelse mellan behöver både Målvärde och Målvärde max. Målet har inte räknats med.",
          out, drop=True)
    live = _live(frame)
    flipped = live & between & (frame["target_max"] < frame["target"])
    _flag(frame, flipped, sheet, "target_max",
          lambda r: f"Målvärde max {_show(r.target_max)} är mindre än Målvärde {_show(r.target)}. "
                    "Målet har inte räknats med.", out, drop=True)
    _duplicates(frame, ["goal_id"], sheet, "goal_id", "MålID", out)
    # -- a share above 100 % (typed as percent: above 100) can never be met and means a typo; refuse it --
    live = _live(frame)
    for col, label in (("target", "Målvärde"), ("target_max", "Målvärde max")):
        too_big = live & ~frame["metric"].isin(COUNT_METRICS) & (frame[col] > 100)

        def message(r: Any, col: str = col, label: str = label) -> str:
            return (f"{label} {_show(getattr(r, col))} är en andel över 100 %; skriv t.ex. 0,8 eller 80 för "
                    "80 %. Målet har inte räknats med.")

        _flag(frame, too_big, sheet, col, message, out, drop=True)
        live = _live(frame)
    # -- a share typed as percent (80 for 80 %) is read as a share, with a note --
    share = live & ~frame["metric"].isin(COUNT_METRICS) & (frame["target"] > 1)
    _flag(frame, share, sheet, "target",
          lambda r: f"Målvärdet {_show(r.target)} tolkas som {_show(r.target)} % "
                    f"({f'{r.target / 100:g}'.replace('.', ',')}).",
          out, drop=False, severity="varning")
    for col in ("target", "target_max"):
        frame.loc[share, col] = frame.loc[share, col] / 100


def _check_cost_items(frame: pd.DataFrame, out: list[Problem]) -> None:
    """Kostnadsposter: amounts not negative, an empty Låg or Hög is Bas, and Låg ≤ Bas ≤ Hög; a bad row is
    left out. Unknown actors and missing sources are already left out by reading (required columns)."""
    sheet = spec.COST_ITEMS
    if frame.empty:
        return
    for col, label in (("low", "Låg"), ("base", "Bas"), ("high", "Hög")):
        negative = _live(frame) & (frame[col] < 0)

        def message(r: Any, label: str = label, col: str = col) -> str:
            return (f"{label} {_show(getattr(r, col))} är negativt; en kostnad per person och år är 0 kr eller "
                    "mer. Raden har inte räknats med.")

        _flag(frame, negative, sheet, col, message, out, drop=True)
    # -- an empty Låg or Hög means the item has no range: it is Bas in every scenario --
    frame["low"] = frame["low"].where(frame["low"].notna(), frame["base"])
    frame["high"] = frame["high"].where(frame["high"].notna(), frame["base"])
    live = _live(frame)
    unordered = live & ((frame["low"] > frame["base"]) | (frame["base"] > frame["high"]))
    _flag(frame, unordered, sheet, "base",
          lambda r: f"Låg {_show(r.low)}, Bas {_show(r.base)} och Hög {_show(r.high)} ska uppfylla Låg ≤ Bas ≤ Hög. "
                    "Raden har inte räknats med.", out, drop=True)
    if len(frame) and not _live(frame).any():
        out.append(Problem(sheet.name, None, "", "", "Ingen rad i Kostnadsposter kunde användas; kostnaden per "
                           "person och år tas i stället från Inställningar (reala och finansiella kostnader). "
                           "Rätta raderna och beräkna igen."))


# -- a Budget year outside these is a typing mistake (a förbund's insatser run in this century) --
_YEAR_MIN, _YEAR_MAX = 1900, 2100


def _check_budget(frame: pd.DataFrame, out: list[Problem]) -> None:
    """Budget: År must be a calendar year; amounts that are no numbers were already left out by reading."""
    sheet = spec.BUDGET
    if frame.empty:
        return
    year = pd.to_numeric(frame["year"], errors="coerce")
    bad = _live(frame) & ((year < _YEAR_MIN) | (year > _YEAR_MAX))
    _flag(frame, bad, sheet, "year",
          lambda r: f"År {_show(r.year)} är inget årtal. Skriv året med fyra siffror, t.ex. 2019. "
                    "Raden har inte räknats med.", out, drop=True)


def _with_group_ids(problems: list[Problem], frames: Frames, groups: pd.DataFrame,
                    participants: pd.DataFrame) -> list[Problem]:
    """Give each problem the GruppID of its row when that group is known (looked up only for bad rows)."""
    known = set(groups["group_id"])
    pid_group = dict(zip(participants["participant_id"], participants["group_id"], strict=True))
    wanted: dict[str, set[int]] = {}
    for p in problems:
        if p.group_id is None and p.row is not None:
            wanted.setdefault(p.sheet, set()).add(p.row)
    lookup: dict[tuple[str, int], str] = {}
    for key, frame in frames.items():
        sheet = spec.SHEETS_BY_KEY[key]
        rows = wanted.get(sheet.name)
        if not rows or frame.empty:
            continue
        sub = frame.loc[frame["row"].isin(rows)]
        if "group_id" in sub and key != "settings":
            ids = sub["group_id"]
        elif "participant_id" in sub:
            ids = sub["participant_id"].map(lambda c: pid_group.get(c))
        else:
            continue
        for row, gid in zip(sub["row"], ids, strict=True):
            if gid in known:
                lookup[(sheet.name, int(row))] = gid
    return [replace(p, group_id=lookup.get((p.sheet, p.row or -1))) if p.group_id is None else p
            for p in problems]
