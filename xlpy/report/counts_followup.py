"""The follow-up chapter's counts in the report's one suppression ledger (report/counts.py).

"Uppföljning efter avslut" prints, per follow-up point M and omgång (and the whole project when more
than one omgång has people due): due (`eligible`), reached, moved on, the reached people's Status
(Arbete, Studier, Planering, Annat), the not reached, and the flow from exit (kvar, tillkommit,
förlorat, ej vidare). Every one of them is an entry of the report's ledger, with the equalities a
reader can use (inequalities such as reached <= due are not sums):

- reached = Arbete + Studier + Planering + Annat = kvar + tillkommit + förlorat + ej vidare;
- moved on = Arbete + Studier = kvar + tillkommit; due = reached + not reached;
- an omgång, a municipality and the project are the sums of their groups (field by field);
- a follow-up goal's numerator and denominator (svarsandel_efter_M, vidare_efter_M,
  vidare_bland_nadda_efter_M) are the same people as the chapter's counts.

What a reader knows without a sum is tied with an unprinted rest (`_bounds_by_rests`): due <= Startade
(those due are some of the unit's participants), due at a later point <= due at an earlier one, and
kvar + förlorat <= Vidare at exit, tillkommit + ej vidare <= Startade − Vidare (both are "vid avslut", the
latest outcome the Resultat tables count). Without them the example at 3 gave Kvar = 5 and Ej nådda = 2
away (Kvar <= Klippan grupp 1's Vidare 5).

Keys: ("fu", M, level, key, field) with field in FIELDS.
"""

from __future__ import annotations

from typing import Any

from xlpy.core.suppress import Key, Ledger
from xlpy.spec import OUTCOME_CATEGORIES

FLOW_KEYS = ("kvar", "tillkommit", "forlorat", "ej_vidare")
FIELDS = ("eligible", "reached", "moved", "not_reached", *(f"status:{c}" for c in OUTCOME_CATEGORIES),
          *(f"flow:{k}" for k in FLOW_KEYS), "not_moved")
# -- reached − moved on, which no table prints: Planering + Annat and förlorat + ej vidare are both it. As
#    an entry of its own the identity Planering + Annat = förlorat + ej vidare is a pair of sums, which
#    interval reasoning and the exact search of suppress.decide can use (without it, a `<3` Planering of
#    2 beside förlorat 1 and ej vidare 1, both `<3`, was given away once every other count was hidden) --
UNPRINTED = {"not_moved"}
# -- a follow-up goal's basis: metric prefix -> (numerator field, denominator field) --
GOAL_BASIS = {"svarsandel_efter_": ("reached", "eligible"), "vidare_efter_": ("moved", "eligible"),
              "vidare_bland_nadda_efter_": ("moved", "reached")}


def fu_key(months: int | str, level: str, key: str, field: str) -> Key:
    """The ledger key of one follow-up count."""
    return ("fu", str(months), level, str(key), field)


def _omgang_order(o: dict[str, Any]) -> int:
    return int(o["key"]) if str(o["key"]).isdigit() else 0


def followup_points(results: dict[str, Any]) -> list[dict[str, Any]]:
    """What the chapter prints per point: {"months", "shown" (omgångar with people due, in order),
    "pending" (omgångar whose point has not come), "total" (the project's follow-up or None),
    "show_total" (a total row: more than one omgång shown)}. The chapter and the ledger both read this."""
    levels = results["levels"]
    project = next(iter(levels.get("project", {}).values()), None)
    omgangar = sorted(levels.get("omgang", {}).values(), key=_omgang_order)
    out = []
    for m in (int(x) for x in (project or {}).get("followup", {})):
        key = str(m)
        shown = [o for o in omgangar if o["followup"][key]["eligible"] > 0]
        pending = [o for o in omgangar if o["followup"][key]["eligible"] == 0 and o["followup"][key]["not_yet_due"]]
        out.append({"months": m, "shown": shown, "pending": pending,
                    "total": project["followup"][key] if project else None, "show_total": len(shown) > 1})
    return out


def total_unit(point: dict[str, Any], project_key: str) -> tuple[str, str]:
    """The unit whose counts the point's total row and prose print: the project, or, when only one omgång
    has people due, that omgång (the project's counts are then the same numbers: one ledger entry each,
    not two tied by a sum, which would only slow the decision down)."""
    if len(point["shown"]) == 1:
        return ("omgang", str(point["shown"][0]["key"]))
    return ("project", project_key)


def _values(f: dict[str, Any]) -> dict[str, int]:
    e, r = int(f["eligible"]), int(f["reached"])
    vals = {"eligible": e, "reached": r, "moved": int(f["moved_on"]), "not_reached": e - r,
            "not_moved": r - int(f["moved_on"])}
    vals.update({f"status:{c}": int(f["statuses"][c]) for c in OUTCOME_CATEGORIES})
    vals.update({f"flow:{k}": int(f["flow"][k]) for k in FLOW_KEYS})
    return vals


def _row(led: Ledger, months: int, level: str, key: str, f: dict[str, Any], printed: bool) -> None:
    """One unit's counts at one point and the sums inside the row."""
    vals = _values(f)
    for field, v in vals.items():
        led.add(fu_key(months, level, key, field), v, printed and field not in UNPRINTED)

    def k(field: str) -> Key:
        return fu_key(months, level, key, field)

    statuses = [k(f"status:{c}") for c in OUTCOME_CATEGORIES]
    flows = [k(f"flow:{x}") for x in FLOW_KEYS]
    led.line(k("reached"), statuses, strict=False)
    led.line(k("reached"), flows, strict=False)
    led.line(k("moved"), [k("status:Arbete"), k("status:Studier")], strict=False)
    led.line(k("moved"), [k("flow:kvar"), k("flow:tillkommit")], strict=False)
    led.line(k("eligible"), [k("reached"), k("not_reached")], strict=False)
    led.line(k("not_moved"), [k("status:Planering"), k("status:Annat")], strict=False)
    led.line(k("not_moved"), [k("flow:forlorat"), k("flow:ej_vidare")], strict=False)
    led.line(k("reached"), [k("moved"), k("not_moved")], strict=False)
    # -- the status table prints the statuses, the not reached and the due side by side --
    led.line(k("eligible"), [*statuses, k("not_reached")], strict=False)


def followup_ledger(led: Ledger, results: dict[str, Any]) -> None:
    """Add every follow-up count of the report (printed or only tied by sums) and its sums to `led`.

    Printed: the rows of the chapter (omgångar with people due, the project; the project's due, reached
    and moved-on also in the chapter's prose). With a follow-up goal, groups and municipalities are
    entries too (not printed here): their sums tie the goal values of the goal chapter to the rows.
    Units without anybody due at a point are left out: all their counts are 0 and add nothing to a sum.
    """
    levels = results["levels"]
    registered: set[tuple[int, str, str]] = set()
    for point in followup_points(results):
        m = point["months"]
        key = str(m)
        printed_omgangar = {o["key"] for o in point["shown"]}
        units: dict[str, dict[str, dict[str, Any]]] = {}
        # -- groups and municipalities are printed only as a follow-up goal's value: without one they are
        #    left out (as copies of the omgångar's counts they would only slow the decision down) --
        goal_levels = {k[2] for k in led.values if isinstance(k, tuple) and len(k) == 4 and k[0] == "num"
                       and any(str(k[1]) == f"{p}{m}" for p in GOAL_BASIS)}
        levels_here = ("omgang", "project", *(lv for lv in ("group", "municipality") if goal_levels))
        for level in levels_here:
            for ukey, u in levels.get(level, {}).items():
                f = u.get("followup", {}).get(key)
                if f is None or int(f["eligible"]) <= 0:
                    continue
                if level == "project" and len(point["shown"]) == 1 and not goal_levels:
                    continue  # -- the project's counts are the one omgång's (total_unit) --
                printed = (level == "omgang" and ukey in printed_omgangar) or (level == "project")
                _row(led, m, level, ukey, f, printed)
                units.setdefault(level, {})[ukey] = u
        groups = units.get("group", {})
        for level in ("omgang", "municipality", "project"):
            for ukey, u in units.get(level, {}).items():
                members = [g for g in u.get("group_ids", groups) if g in groups]
                for field in FIELDS:
                    led.line(fu_key(m, level, ukey, field), [fu_key(m, "group", g, field) for g in members],
                             strict=False)
        # -- the project is also the sum of the omgångar the chapter prints --
        for p in units.get("project", {}):
            omg = list(units.get("omgang", {}))
            for field in FIELDS:
                if omg:
                    led.line(fu_key(m, "project", p, field), [fu_key(m, "omgang", o, field) for o in omg],
                             strict=False)
        registered.update((m, level, ukey) for level, by_key in units.items() for ukey in by_key)
        # -- a follow-up goal's value is a share of the same counts --
        for prefix, (num_field, den_field) in GOAL_BASIS.items():
            metric = f"{prefix}{m}"
            for level, by_key in units.items():
                for ukey in by_key:
                    for kind, field in (("num", num_field), ("den", den_field)):
                        gk = (kind, metric, level, ukey)
                        if gk in led.values:
                            led.line(gk, [fu_key(m, level, ukey, field)], strict=False)
    _bounds_by_rests(led, registered, levels)


def _rest(led: Ledger, total: Key, parts: list[Key], name: Key) -> None:
    """total = parts + an unprinted rest `name` (a reader knows sum(parts) <= total); skipped when a key is
    missing or the rest would be negative (a hand-made results dict)."""
    if total not in led.values or any(p not in led.values for p in parts):
        return
    rest = led.values[total] - sum(led.values[p] for p in parts)
    if rest >= 0:
        led.line(total, [*parts, led.add(name, rest, False)])


def _bounds_by_rests(led: Ledger, registered: set[tuple[int, str, str]], levels: dict[str, Any]) -> None:
    """The inequalities between the chapter and the Resultat tables as sums with unprinted rests (module
    docstring). registered: the (point, level, key) whose follow-up counts are in `led`; levels: the results
    dict's levels (an omgång of one group is that group's row in the other tables)."""
    by_unit: dict[tuple[str, str], list[int]] = {}
    for m, level, ukey in sorted(registered):
        by_unit.setdefault((level, ukey), []).append(m)
    for (level, ukey), months in sorted(by_unit.items()):
        started, moved = ("started", level, ukey), ("moved", level, ukey)
        gids = (levels.get(level) or {}).get(ukey, {}).get("group_ids", [])
        if started not in led.values and level == "omgang" and len(gids) == 1:
            started, moved = ("started", "group", gids[0]), ("moved", "group", gids[0])
        exit_rest: Key = ("fu_exit_not_moved", level, ukey)
        _rest(led, started, [moved], exit_rest)
        for m in months:
            kvar, came, lost, never = (fu_key(m, level, ukey, f"flow:{x}") for x in FLOW_KEYS)
            _rest(led, started, [fu_key(m, level, ukey, "eligible")], ("fu_rest", m, level, ukey, "not_due"))
            _rest(led, moved, [kvar, lost], ("fu_rest", m, level, ukey, "moved_not_reached"))
            _rest(led, exit_rest, [came, never], ("fu_rest", m, level, ukey, "not_moved_not_reached"))
        for earlier, later in zip(months, months[1:], strict=False):
            _rest(led, fu_key(earlier, level, ukey, "eligible"), [fu_key(later, level, ukey, "eligible")],
                  ("fu_rest", later, level, ukey, "due_earlier_only"))
