"""The report of a förbund-size workbook: summaries per omgång and per municipality instead of a line per
group (issue #17).

With hundreds of groups a report that lists every group runs to hundreds of pages (392 at 583 groups)
that no steering group reads; the per-group detail is in the workbook's output sheets (Resultat,
Måluppfyllelse, Samhällskostnad, Över tid). Above LARGE_REPORT_GROUPS groups in the period the report
summarises: staffing per municipality, method per omgång, goals per omgång (matrix) and per municipality
(details), each Resultat chapter per municipality within the omgång, Resultat över tid per omgång and
municipality. A report of a few groups (the example's) is not changed.

The parts of an omgång per municipality are pseudo-units built here from the groups' counts (level
`omgmun`); report/counts.py registers their counts in the one suppression ledger, tied by sums to the
groups' counts and to the omgång's, so a count hidden anywhere cannot be read from them.
"""

from __future__ import annotations

from typing import Any

from xlpy import fmt

# -- more groups in the period than this and the report summarises (the example has two or three; forty
#    groups listed one by one are still a readable report of some 40 pages) --
LARGE_REPORT_GROUPS = 40
PART_LEVEL = "omgmun"


def is_large(n_groups: int) -> bool:
    """Whether a report of `n_groups` groups in the period is summarised per omgång and municipality."""
    return n_groups > LARGE_REPORT_GROUPS


def _add(into: dict[str, Any], src: dict[str, Any]) -> None:
    for k, v in src.items():
        if isinstance(v, dict):
            _add(into.setdefault(k, {}), v)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            into[k] = into.get(k, 0) + v


def omgang_parts(results: dict[str, Any], o: dict[str, Any]) -> list[dict[str, Any]]:
    """The omgång's groups pooled per municipality (name order): units of level `omgmun` with key
    `<omgång>/<municipality>`, label the municipality, `group_ids`, and counts summed over the groups
    (started, completers, moved_on, outcomes, outcome_types); attendance and share moved on pooled from
    the summed basis (present / planned days, moved on / started)."""
    groups = results["levels"].get("group", {})
    by_mun: dict[str, list[dict[str, Any]]] = {}
    for gid in o["group_ids"]:
        if gid in groups:
            by_mun.setdefault(groups[gid].get("municipality") or "–", []).append(groups[gid])
    out = []
    for mun, members in sorted(by_mun.items()):
        counts: dict[str, Any] = {"started": 0, "completers": 0, "moved_on": 0, "outcomes": {}, "outcome_types": {}}
        basis: dict[str, list[int]] = {}
        for g in members:
            c = g["counts"]
            for k in ("started", "completers", "moved_on"):
                counts[k] += int(c.get(k) or 0)
            _add(counts["outcomes"], c.get("outcomes", {}))
            _add(counts["outcome_types"], c.get("outcome_types", {}))
            for m in ("narvaro", "sysselsattning"):
                b = g.get("basis", {}).get(m)
                if b:
                    acc = basis.setdefault(m, [0, 0])
                    acc[0] += int(b[0])
                    acc[1] += int(b[1])
        metrics = {m: (b[0] / b[1] if b[1] else None) for m, b in basis.items()}
        out.append({"level": PART_LEVEL, "key": f"{o['key']}/{mun}", "label": mun, "municipality": mun,
                    "group_ids": [g["key"] for g in members], "counts": counts, "metrics": metrics,
                    "basis": basis, "ongoing": any(g.get("ongoing") for g in members)})
    return out


def staffing(results: dict[str, Any], groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Staffing per municipality over its groups in the period, in the shape of context._staffing: per
    role the mean Tjänstgöringsgrad per group (roles that count), and the mean total per group."""
    by_mun: dict[str, list[dict[str, Any]]] = {}
    for g in groups:
        by_mun.setdefault(g.get("municipality") or "–", []).append(g)
    out = []
    for mun, members in sorted(by_mun.items()):
        per_role: dict[str, float] = {}
        for g in members:
            for m in results.get("staff", {}).get(g["key"], []):
                if m.get("counts", True) and m.get("percent") is not None:
                    per_role[m["role"]] = per_role.get(m["role"], 0.0) + float(m["percent"])
        n = len(members)
        label = f"{mun}, {fmt.count(n, 'grupp', 'grupper')}"
        roles = [{"group": "", "role": f"{role}, medel per grupp", "percent": fmt.percent(total / n / 100, 1)}
                 for role, total in sorted(per_role.items())]
        if not roles:
            roles.append({"group": "", "role": "Ingen personal registrerad", "percent": "–"})
        roles[0]["group"] = label
        totals = [g["counts"].get("staffing_percent") for g in members if g["counts"].get("staffing_percent") is not None]
        out.append({"label": f"{mun}, medel per grupp", "roles": roles,
                    "total": fmt.percent(sum(totals) / len(totals) / 100, 1) if totals else "–"})
    return out


def _span(values: set[int]) -> str:
    if not values:
        return "–"
    lo, hi = min(values), max(values)
    return fmt.number(lo) if lo == hi else f"{fmt.number(lo)}–{fmt.number(hi)}"


def method_rows(results: dict[str, Any], omgangar: list[dict[str, Any]], keys: set[str]) -> list[dict[str, str]]:
    """One row per omgång (its groups in the period, `keys`): the shape of context._method's rows, with
    the earliest start, the latest end and the range of weeks over the groups."""
    groups = results["levels"].get("group", {})
    rows = []
    for o in omgangar:
        members = [groups[g] for g in o["group_ids"] if g in groups and g in keys]
        if not members:
            continue
        starts = sorted(m["start"] for m in members if m.get("start"))
        ends = sorted(m["end"] for m in members if m.get("end"))
        terms = sorted({(m.get("term") or "–").capitalize() for m in members})
        rows.append({
            "label": f"{o['label']} ({fmt.count(len(members), 'grupp', 'grupper')})", "term": ", ".join(terms),
            "start": fmt.date_long(starts[0]) if starts else "–", "end": fmt.date_long(ends[-1]) if ends else "–",
            "weeks": _span({int(m["weeks"]) for m in members if m.get("weeks") is not None}),
            "internship_weeks": _span({int(m["internship_weeks"]) for m in members
                                       if m.get("internship_weeks") is not None}),
            "days_per_week": _span({int(m["days_per_week"]) for m in members if m.get("days_per_week") is not None}),
        })
    return rows
