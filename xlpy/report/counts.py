"""Every count the annual report prints, as one suppression ledger, and the words for hidden counts.

`report_decision` registers each count the report prints (outcome tables, participation tables, intake
prose, goal values with their basis, cost sections, charts) under one key, with every sum that ties
counts together (a group's row adds up to its Summa, Vidare = Arbete + Studier, an omgång or a
municipality is the sum of its groups, Kvarstående = Startade − Vidare, a completion-based goal's
denominator is the group's Fullföljde). xlpy.core.suppress.decide then chooses once for the whole
report, so a count hidden in one table cannot be read in another, in a title, a chart legend or a
cost table (whose amounts are the count × K). A breakdown by outcome type is printed only under a shown
category count, so it is decided on its own afterwards (`type_decision`).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from xlpy.core.suppress import PROTECT_NOTE, Decision, Key, Ledger, decide, table_ledger, withheld_note
from xlpy.report.context_period import comparison_ledger, over_time_ledger
from xlpy.report.counts_followup import followup_ledger
from xlpy.report.counts_surveys import survey_ledger
from xlpy.spec import OUTCOME_CATEGORIES, STATUS_MET, STATUS_NOT_MET, STATUS_ONGOING

CATEGORIES = (*OUTCOME_CATEGORIES, "Ej registrerat")
# -- shares of people whose numerator and denominator are counts of people (or placements); attendance
#    and activity days are not people, and enkät is a count of groups --
PEOPLE_SHARES_EXCLUDED = {"narvaro", "gruppdagar", "enkat", "gruppstorlek"}
COMPLETION_METRICS = {"praktik_erbjuden", "cv_brev", "vagledning", "referenser"}
# -- shares whose denominator is some of those who completed (METRICS.md: handlingsplan counts completers
#    without Ohälsa), or all of them --
SUBSET_OF_COMPLETERS = COMPLETION_METRICS | {"handlingsplan"}


def type_items(unit: dict[str, Any], cat: str) -> list[tuple[str, int]]:
    """A category's outcome types, largest first, with the rest as `utan angiven typ`; [] when no Typ is
    given for the category (nothing to break down)."""
    types = unit["counts"].get("outcome_types", {}).get(cat, {})
    total = int(unit["counts"].get("outcomes", {}).get(cat, 0))
    items = [(t, int(n)) for t, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0])) if n]
    if not items:
        return []
    rest = total - sum(int(n) for n in types.values())
    if rest > 0:
        items.append(("utan angiven typ", rest))
    return items


def _people(led: Ledger, unit: dict[str, Any], key: Any, printed: bool) -> None:
    """A group's or omgång's counts of people and the sums inside it."""
    c = unit["counts"]
    outs = [led.add(("out", *key, cat), int(c.get("outcomes", {}).get(cat, 0)), printed)
            for cat in CATEGORIES]
    started = led.add(("started", *key), int(c["started"]), printed)
    led.line(started, outs, strict=False)
    moved = led.add(("moved", *key), int(c.get("moved_on") or 0), printed)
    led.line(moved, [("out", *key, "Arbete"), ("out", *key, "Studier")], strict=False)
    completers = led.add(("completers", *key), int(c.get("completers") or 0), printed)
    # -- everyone who completed also started: without this sum a printed Fullföljde beside a hidden
    #    Startade under a printed total gives the Startade away (Fullföljde <= Startade) --
    rest = int(c["started"]) - led.values[completers]
    if rest >= 0:
        led.line(started, [completers, led.add(("not_completed", *key), rest, False)], strict=False)


def _shares(led: Ledger, results: dict[str, Any], metrics: list[str], printed_units: set[tuple[str, str]]) -> None:
    """The numerators and denominators of the share goals at group, omgång and municipality level."""
    levels = results["levels"]
    for m in metrics:
        for level in ("group", "omgang", "municipality"):
            for key, u in levels.get(level, {}).items():
                basis = u.get("basis", {}).get(m)
                if not basis:
                    continue
                shown = (level, key) in printed_units
                led.add(("num", m, level, key), int(basis[0]), shown)
                led.add(("den", m, level, key), int(basis[1]), shown)
        for level in ("omgang", "municipality"):
            for key, u in levels.get(level, {}).items():
                gids = [g for g in u.get("group_ids", []) if ("num", m, "group", g) in led.values]
                if ("num", m, level, key) in led.values and gids:
                    led.line(("num", m, level, key), [("num", m, "group", g) for g in gids], strict=False)
                    led.line(("den", m, level, key), [("den", m, "group", g) for g in gids], strict=False)
        # -- the same people counted twice: a goal's basis and the participation table's columns --
        for level in ("group", "omgang"):
            for key, u in levels.get(level, {}).items():
                if ("den", m, level, key) not in led.values or ("started", level, key) not in led.values:
                    continue
                num, den = ("num", m, level, key), ("den", m, level, key)
                completers = ("completers", level, key)
                if m in COMPLETION_METRICS and not u.get("ongoing") and led.values[den] == led.values[completers]:
                    led.line(den, [completers], strict=False)
                elif m in SUBSET_OF_COMPLETERS and 0 <= led.values[completers] - led.values[den]:
                    # -- a basis among those who completed (M6: without Ohälsa) is at most Fullföljde --
                    rest = led.values[completers] - led.values[den]
                    led.line(completers, [den, led.add(("den_rest", m, level, key), rest, False)])
                if m == "sysselsattning" and led.values[den]:
                    led.line(den, [("started", level, key)], strict=False)
                    led.line(num, [("moved", level, key)], strict=False)


def _fraction(x: float) -> tuple[int, int]:
    """A goal's target as p/q in whole numbers (0.75 -> (3, 4))."""
    f = Fraction(x).limit_denominator(10**6)
    return f.numerator, f.denominator


def _status_relations(led: Ledger, results: dict[str, Any], units: set[tuple[str, str]]) -> None:
    """What the printed goal statuses say about hidden counts (a status stays printed where its value is
    `dolt`): "Uppfyllt" of "minst 80 %" is 5·num − 4·den >= 0, "Ej uppfyllt" of "5–10 deltagare" a group size
    outside 5..10. A status of a per-group goal above group level ("k av n grupper") is about groups, not
    people; "Ej uppfyllt" of a share goal "mellan" (outside two different ratios) is not modelled, and no
    default goal has one."""
    levels = results["levels"]
    for goal in results.get("goals", []):
        if not goal.get("active", True) or goal.get("target") is None:
            continue
        gid, metric, comparison = goal["id"], goal["metric"], goal.get("comparison")
        for level, key in sorted(units):
            unit = (levels.get(level) or {}).get(key) or {}
            res = (unit.get("goals") or {}).get(gid)
            if not res or "groups" in res or res.get("value") is None:
                continue
            met = res["status"] == STATUS_MET
            if not met and res["status"] not in (STATUS_NOT_MET, STATUS_ONGOING):
                continue
            if metric == "gruppstorlek":
                size = ("started", level, key)
                if size not in led.values:
                    continue
                lo = int(math.ceil(goal["target"] - 1e-9)) if comparison in (">=", "mellan") else None
                top = goal["target_max"] if comparison == "mellan" else goal["target"] if comparison == "<=" else None
                hi = None if top is None else int(math.floor(top + 1e-9))
                led.relate({size: 1}, lo, hi, inside=met)
                continue
            num, den = ("num", metric, level, key), ("den", metric, level, key)
            if num not in led.values or den not in led.values:
                continue
            led.relate({den: 1}, 1, None)  # -- a value exists: its denominator is not 0 --
            sides: list[tuple[dict[Key, int], int | None, int | None]] = []
            if comparison in (">=", "mellan"):
                p, q = _fraction(goal["target"])
                sides.append(({num: q, den: -p}, 0, None))  # -- num/den >= p/q --
            if comparison in ("<=", "mellan"):
                p, q = _fraction(goal["target_max"] if comparison == "mellan" else goal["target"])
                sides.append(({num: q, den: -p}, None, 0))  # -- num/den <= p/q --
            if met:
                for terms, lo, hi in sides:
                    led.relate(terms, lo, hi)
            elif len(sides) == 1:
                terms, lo, hi = sides[0]
                led.relate(terms, lo, hi, inside=False)


KINDS = ("started", "moved", "completers", *(("out", c) for c in CATEGORIES))


def _sum_lines(led: Ledger, total_key: tuple[str, ...], part_keys: list[tuple[str, ...]]) -> None:
    """Every count of a unit (started, moved, completers, each outcome) is the sum of its parts' counts."""
    for kind in KINDS:
        kinds = kind if isinstance(kind, tuple) else (kind,)
        led.line((kinds[0], *total_key, *kinds[1:]), [(kinds[0], *p, *kinds[1:]) for p in part_keys], strict=False)


def report_ledger(results: dict[str, Any], ended: list[dict[str, Any]], goal_metrics: list[str],
                  goal_units: set[tuple[str, str]],
                  parts: dict[str, list[dict[str, Any]]] | None = None) -> Ledger:
    """The ledger of every count the report prints.

    ended: the omgångar that get a Resultat chapter. goal_metrics: the active goals' metrics.
    goal_units: the (level, key) whose goal values the report prints (all groups, the omgångar with
    more than one group, the municipalities when listed). parts: for a summarised report (report/summary.py),
    omgång key -> its groups pooled per municipality, which its chapter prints instead of the groups; the
    groups' counts are then not printed, and a group's size only where `group` units are in goal_units.
    """
    led = Ledger()
    levels = results["levels"]
    groups = levels.get("group", {})
    chapter = set() if parts is not None else {g for o in ended for g in o["group_ids"]}
    size_printed = "gruppstorlek" in goal_metrics
    for gid, g in groups.items():
        _people(led, g, ("group", gid), gid in chapter)
        if size_printed and (parts is None or ("group", gid) in goal_units):
            led.show(("started", "group", gid))
    for o in ended:
        key = ("omgang", o["key"])
        members = [g for g in o["group_ids"] if g in groups]
        _people(led, o, key, True)
        _sum_lines(led, key, [("group", g) for g in members])
        # -- the chapter's rows per municipality: each the sum of its groups, together the omgång --
        for p in (parts or {}).get(o["key"], []):
            pkey = (p["level"], p["key"])
            _people(led, p, pkey, True)
            _sum_lines(led, pkey, [("group", g) for g in p["group_ids"] if g in groups])
        if parts is not None and parts.get(o["key"]):
            _sum_lines(led, key, [(p["level"], p["key"]) for p in parts[o["key"]]])
        c = o["costs"]
        rem = led.add(("remaining", *key), int(c["remaining"]))
        led.line(("started", *key), [("moved", *key), rem], strict=False)
    project = levels.get("project", {}).get("all")
    if project is not None:
        led.add(("started", "project", "all"), int(project["counts"]["started"]))
        led.line(("started", "project", "all"), [("started", "group", g) for g in groups], strict=False)
        # -- the cost section prints the project's moved-on count (and amounts of it × K) --
        c = project.get("costs", {})
        if "moved_on" in c:
            led.add(("moved", "project", "all"), int(c["moved_on"]))
            led.line(("moved", "project", "all"), [("moved", "group", g) for g in groups], strict=False)
    shares = [m for m in goal_metrics if m not in PEOPLE_SHARES_EXCLUDED]
    # -- the omgång bullets print every period's placement share too --
    shares += sorted({f"praktik_deltagande_{p}" for o in ended for p in o["counts"].get("internships", {})}
                     - set(shares))
    units = set(goal_units) | {("omgang", o["key"]) for o in ended}
    _shares(led, results, shares, units)
    # -- Resultat över tid prints the same people's counts again (context_period.py) --
    over_time_ledger(led, results, parts is not None)
    # -- and the comparison with the previous period, the period's counts as sums of its groups --
    comparison_ledger(led, results)
    # -- the follow-up and survey chapters' counts, tied to the goal values and to the counts above (the
    #    follow-up's bounds need Över tid's omgångar of earlier periods: counts_followup.py, counts_surveys.py) --
    followup_ledger(led, results)
    survey_ledger(led, results, "group" if parts is None else "municipality")
    # -- the goal statuses printed beside the values (the goal matrix and details, the comparison) --
    _status_relations(led, results, units | {(level, "all") for level in ("period", "previous_period")})
    return led


def report_decision(results: dict[str, Any], ended: list[dict[str, Any]], goal_metrics: list[str],
                    goal_units: set[tuple[str, str]],
                    parts: dict[str, list[dict[str, Any]]] | None = None) -> Decision:
    """The one suppression decision for the whole report at the workbook's Minsta redovisade antal."""
    min_count = int(results.get("parameters", {}).get("min_count") or 0)
    return decide(report_ledger(results, ended, goal_metrics, goal_units, parts), min_count)


def share_hidden(d: Decision, metric: str, level: str, key: str) -> bool:
    """Whether a unit's share must be hidden: its numerator or denominator is hidden."""
    return d.hidden(("num", metric, level, key), ("den", metric, level, key))


def amount_hidden(d: Decision, key: Key) -> bool:
    """Whether amounts computed from a count (count × K a year) must be hidden with it."""
    return d.hidden(key)


def note(d: Decision) -> str:
    """The sentence explaining `<N` and `–`, or "" when nothing is hidden."""
    if not d.any_hidden:
        return ""
    return (f"<{d.min_count} = färre än {d.min_count} deltagare; – = {PROTECT_NOTE} "
            f"(Minsta redovisade antal är {d.min_count}).{withheld_note(d)}")


def type_decision(items: list[tuple[str, int]], min_count: int) -> Decision | None:
    """The states of one category's breakdown by type, under its shown count (the line's total); None when
    the breakdown cannot be printed without giving a hidden type away."""
    d = decide(table_ledger([[n for _, n in items]], row_totals=True, col_totals=False), min_count)
    return None if d.hidden(("row", 0)) else d
