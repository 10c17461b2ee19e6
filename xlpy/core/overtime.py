"""Results over time (METRICS.md, "Results over time"; seed Figure 3 "Resultatuppföljning").

One row per group since the project started, in start order, with a subtotal after each omgång of more
than one group, a subtotal per municipality and a last row `Sedan projektstart`. Rows are the units of the
results dict (project scope: every group started by P's end), so the sheet `Över tid` and the report's
chapter "Resultat över tid" show the same figures. The columns are data (COLUMNS, and per follow-up point
the columns of `followup_columns`), so a new figure is one more entry, not a new layout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xlpy.spec import NO_OUTCOME, OUTCOME_CATEGORIES


@dataclass(frozen=True)
class OverTimeColumn:
    """A column of `Över tid`: key, Swedish header, kind (date, text, int, pct, pct1) and how a unit gives
    its value; `count` marks a number of people (suppressed in the report)."""

    key: str
    header: str
    kind: str
    value: Callable[[dict[str, Any]], Any]
    count: bool = False


def share_moved_on(u: dict[str, Any]) -> float | None:
    """Share moved on; none (`–`, not 0 %) for an ongoing unit without any outcome entered yet (METRICS.md,
    "Terms": an ongoing group's metric whose rows are not yet entered has no basis)."""
    c = u["counts"]
    if u.get("ongoing") and int(c.get("outcomes", {}).get(NO_OUTCOME, 0)) == int(c.get("started", 0)):
        return None
    return u["metrics"].get("sysselsattning")  # type: ignore[no-any-return]


def _outcome(cat: str) -> Callable[[dict[str, Any]], Any]:
    return lambda u: int(u["counts"].get("outcomes", {}).get(cat, 0))


COLUMNS: tuple[OverTimeColumn, ...] = (
    OverTimeColumn("start", "Startdatum", "date", lambda u: u.get("start")),
    OverTimeColumn("end", "Slutdatum", "date", lambda u: u.get("end")),
    OverTimeColumn("period_status", "Status i perioden", "text", lambda u: u.get("period_status")),
    OverTimeColumn("started", "Startade", "int", lambda u: int(u["counts"]["started"]), count=True),
    OverTimeColumn("completers", "Fullföljde", "int", lambda u: int(u["counts"]["completers"]), count=True),
    OverTimeColumn("narvaro", "Närvaro", "pct1", lambda u: u["metrics"].get("narvaro")),
    *(OverTimeColumn(c.lower().replace(" ", "_"), c, "int", _outcome(c), count=True)
      for c in (*OUTCOME_CATEGORIES, NO_OUTCOME)),
    OverTimeColumn("sysselsattning", "Andel vidare", "pct", lambda u: share_moved_on(u)),
)
OUTCOME_KEYS = tuple(c.lower().replace(" ", "_") for c in (*OUTCOME_CATEGORIES, NO_OUTCOME))


def _point(u: dict[str, Any], point: str) -> dict[str, Any]:
    return (u.get("followup") or {}).get(point) or {}


def followup_columns(results: dict[str, Any]) -> list[OverTimeColumn]:
    """Per follow-up point M in the units' `followup` (issue #13): eligible, reached and vidare_efter_M.
    None while no unit has follow-up figures."""
    points: set[str] = set()
    for u in results["levels"].get("group", {}).values():
        points |= set((u.get("followup") or {}).keys())
    out: list[OverTimeColumn] = []
    for m in sorted(points, key=lambda p: int(p) if str(p).isdigit() else 0):
        def share(u: dict[str, Any], m: str = m) -> float | None:
            f = _point(u, m)
            return f["moved_on"] / f["eligible"] if f.get("eligible") else None

        def eligible(u: dict[str, Any], m: str = m) -> Any:
            return _point(u, m).get("eligible")

        def reached(u: dict[str, Any], m: str = m) -> Any:
            return _point(u, m).get("reached")

        out += [
            OverTimeColumn(f"eligible_{m}", f"Aktuella efter {m} mån", "int", eligible, count=True),
            OverTimeColumn(f"reached_{m}", f"Nådda efter {m} mån", "int", reached, count=True),
            OverTimeColumn(f"vidare_efter_{m}", f"Vidare efter {m} mån", "pct", share),
        ]
    return out


def columns(results: dict[str, Any]) -> list[OverTimeColumn]:
    """Every column of `Över tid` for these results."""
    return [*COLUMNS, *followup_columns(results)]


@dataclass(frozen=True)
class OverTimeRow:
    """A row: kind `group`, `omgang`, `municipality` or `project`, its label and its unit."""

    kind: str
    label: str
    unit: dict[str, Any]


def _start_key(u: dict[str, Any]) -> tuple[str, str, str]:
    return (u.get("start") or "9999", u.get("municipality") or "", u["key"])


def rows(results: dict[str, Any]) -> list[OverTimeRow]:
    """The rows of `Över tid`: groups in start order, a subtotal after each omgång of several groups,
    then one row per municipality (in name order) and `Sedan projektstart`. Empty without groups."""
    lv = results["levels"]
    groups = lv.get("group", {})
    if not groups:
        return []
    out: list[OverTimeRow] = []
    omgangar = sorted((o for o in lv.get("omgang", {}).values() if any(g in groups for g in o["group_ids"])),
                      key=lambda o: min(_start_key(groups[g]) for g in o["group_ids"] if g in groups))
    seen: set[str] = set()
    for o in omgangar:
        members = sorted((groups[g] for g in o["group_ids"] if g in groups), key=_start_key)
        out += [OverTimeRow("group", m["label"], m) for m in members]
        seen |= {m["key"] for m in members}
        if len(members) > 1:
            out.append(OverTimeRow("omgang", f"{o['label']} totalt", o))
    # -- a group without Gruppnummer belongs to no omgång but is still a group since the start --
    out += [OverTimeRow("group", g["label"], g) for g in sorted(groups.values(), key=_start_key)
            if g["key"] not in seen]
    municipalities = sorted(lv.get("municipality", {}).values(), key=lambda u: u["label"])
    if len(municipalities) > 1:
        out += [OverTimeRow("municipality", f"{m['label']}, alla grupper", m) for m in municipalities]
    if "all" in lv.get("project", {}):
        out.append(OverTimeRow("project", "Sedan projektstart", lv["project"]["all"]))
    return out


def municipality_series(results: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Municipality -> its groups in start order (the points of its chart across omgångar)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for g in sorted(results["levels"].get("group", {}).values(), key=_start_key):
        out.setdefault(g.get("municipality") or "", []).append(g)
    return dict(sorted(out.items()))
