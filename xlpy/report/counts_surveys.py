"""The survey chapters' counts in the report's one suppression ledger (report/counts.py).

A survey chapter prints "Y av Z tillfrågade svarade" for the project and each group, and per question
and indicator a table of units with the valid answers n and the share positive (the chart shows the
positive and the other answers); the appendix prints the project's answers per alternative. Entries:

- ("svr", survey, level, key, "responded"|"asked"): the response rate's counts;
- ("sv", survey, kind, ident, level, key, field) with field n, pos (positive answers), oth (the other
  valid answers), prev_n / prev_pos / prev_oth (the previous period, printed as a share) and
  alt:<alternative> (the appendix, project level).

Sums: n = pos + oth; n = the counted alternatives, pos = the positive ones, oth = the others; the
project (and an omgång, a municipality) is the sum of its groups where that holds (a survey's answers
need not have a GruppID); an indicator is the sum of its questions; an enkat_positiva_Q goal's basis
is [pos, n] of Q and a svarsfrekvens_S goal's [responded, asked] of S.
"""

from __future__ import annotations

from typing import Any

from xlpy.core.suppress import Key, Ledger

LEVELS = ("group", "omgang", "municipality", "project")
PRINTED_LEVELS = ("group", "project")
FIELDS = ("n", "pos", "oth", "prev_n", "prev_pos", "prev_oth")


def sv_key(e: dict[str, Any], field: str, level: str | None = None, key: str | None = None) -> Key:
    """The ledger key of one count of a survey entry (results["surveys"]), optionally of another unit."""
    return ("sv", e["survey"], e["kind"], e["question_id"] or e["indicator"], level or e["level"],
            str(key if key is not None else e["key"]), field)


def rate_key(r: dict[str, Any], field: str) -> Key:
    """The ledger key of a response rate's `responded` or `asked`."""
    return ("svr", r["survey"], r["level"], str(r["key"]), field)


def _questions(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["question_id"]: q for q in results.get("survey_questions", [])}


def chapter_surveys(results: dict[str, Any]) -> set[str]:
    """The surveys that get a chapter (an active question with answers, or responses counted)."""
    names = {q["survey"] for q in results.get("survey_questions", []) if q.get("active")}
    out = set()
    for s in names:
        answered = any(int(e["n"]) for e in results.get("surveys", []) if e["survey"] == s
                       and e["level"] in PRINTED_LEVELS)
        project = next((r for r in results.get("response_rates", []) if r["survey"] == s
                        and r["level"] == "project"), None)
        if answered or (project is not None and project["responded"]):
            out.add(s)
    return out


def survey_ledger(led: Ledger, results: dict[str, Any], rows_level: str = "group") -> None:
    """Add every survey count of the report (printed or only tied by sums) and its sums to `led`.
    rows_level: the units the chapter prints beside the project, "group" or, in a summarised report
    (report/summary.py), "municipality"."""
    printed_levels = (rows_level, "project")
    chaptered = chapter_surveys(results)
    questions = _questions(results)
    active = {qid for qid, q in questions.items() if q.get("active")}
    # -- omgångar and municipalities are printed only as an enkat_positiva goal's value: without one they
    #    are left out (their sums of the groups' printed counts would only slow the decision down) --
    goal = any(isinstance(k, tuple) and len(k) == 4 and k[0] == "num" and str(k[1]).startswith("enkat_positiva_")
               for k in led.values)
    levels = LEVELS if goal or rows_level != "group" else PRINTED_LEVELS
    entries = [e for e in results.get("surveys", []) if e["level"] in levels]
    by_unit: dict[tuple[str, str, str, str], dict[str, dict[str, Any]]] = {}
    for e in entries:
        ident = e["question_id"] or e["indicator"]
        in_chapter = e["survey"] in chaptered and e["level"] in printed_levels and (
            e["kind"] == "indicator" or ident in active)
        # -- the appendix prints every question's project answers when there is a survey chapter --
        appendix = bool(chaptered) and e["kind"] == "question" and e["level"] == "project"
        n, pos = int(e["n"]), int(e["positive"])
        led.add(sv_key(e, "n"), n, in_chapter or appendix)
        led.add(sv_key(e, "pos"), pos, in_chapter)
        led.add(sv_key(e, "oth"), n - pos, in_chapter)
        led.line(sv_key(e, "n"), [sv_key(e, "pos"), sv_key(e, "oth")])
        prev = e.get("previous")
        if prev is not None:
            pn, pp = int(prev.get("n") or 0), int(prev.get("positive") or 0)
            # -- the previous period's share is printed (when it has answers): its numerator and denominator
            #    count as printed --
            shown = in_chapter and pn > 0
            led.add(sv_key(e, "prev_n"), pn, shown)
            led.add(sv_key(e, "prev_pos"), pp, shown)
            led.add(sv_key(e, "prev_oth"), pn - pp, shown)
            led.line(sv_key(e, "prev_n"), [sv_key(e, "prev_pos"), sv_key(e, "prev_oth")])
        q = questions.get(e["question_id"] or "")
        if e["kind"] == "question" and e["level"] == "project" and q is not None and q.get("alternatives"):
            # -- the appendix: the project's answers per alternative, with its valid answers n --
            alts = q["alternatives"]
            keys = {}
            for a in alts:
                keys[a["text"]] = led.add(sv_key(e, f"alt:{a['text']}"), int(e["counts"].get(a["text"], 0)),
                                          appendix)
            led.line(sv_key(e, "n"), [keys[a["text"]] for a in alts if a["counted"]], strict=False)
            led.line(sv_key(e, "pos"), [keys[a["text"]] for a in alts if a["counted"] and a["positive"]],
                     strict=False)
            led.line(sv_key(e, "oth"), [keys[a["text"]] for a in alts if a["counted"] and not a["positive"]],
                     strict=False)
        by_unit.setdefault((e["survey"], e["kind"], ident, e["level"]), {})[str(e["key"])] = e
    _unit_sums(led, results, entries, by_unit)
    _indicator_sums(led, results, entries)
    _rates(led, results, chaptered, printed_levels)
    _answered_within_responded(led, results, entries)
    _goal_ties(led, results)


def _answered_within_responded(led: Ledger, results: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    """Each respondent answers a question at most once (validation refuses a SvarID twice per FrågeID): a
    question's valid answers n, and in the appendix all its alternatives with "Vet ej", are at most the
    unit's respondents. As sums with an unprinted rest (without them "Vet ej <5" beside "giltiga svar 24"
    and "25 ... svarade" gave Vet ej = 1 away)."""
    questions = _questions(results)
    for e in entries:
        if e["kind"] != "question":
            continue
        responded = rate_key(e, "responded")
        if responded not in led.values:
            continue
        q = questions.get(e["question_id"] or "")
        parts = [sv_key(e, "n")]
        if e["level"] == "project" and q is not None and q.get("alternatives"):
            parts = [sv_key(e, f"alt:{a['text']}") for a in q["alternatives"]]
        if any(p not in led.values for p in parts):
            continue
        rest = led.values[responded] - sum(led.values[p] for p in parts)
        if rest >= 0:
            led.line(responded, [*parts, led.add(sv_key(e, "not_answered"), rest, False)])


def _unit_sums(led: Ledger, results: dict[str, Any], entries: list[dict[str, Any]],
               by_unit: dict[tuple[str, str, str, str], dict[str, dict[str, Any]]]) -> None:
    """A unit above group level is the sum of its groups' entries, where that holds."""
    levels = results["levels"]
    for e in entries:
        if e["level"] == "group":
            continue
        ident = e["question_id"] or e["indicator"]
        groups = by_unit.get((e["survey"], e["kind"], ident, "group"), {})
        members = [g for g in levels.get(e["level"], {}).get(str(e["key"]), {}).get("group_ids", []) if g in groups]
        if not members:
            continue
        for field in FIELDS:
            parts = [sv_key(e, field, "group", g) for g in members]
            if sv_key(e, field) in led.values and all(p in led.values for p in parts):
                led.line(sv_key(e, field), parts, strict=False)


def _indicator_sums(led: Ledger, results: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    """An indicator pools its questions' valid answers: per unit, its counts are their sums."""
    members: dict[tuple[str, str], list[str]] = {}
    for q in results.get("survey_questions", []):
        if q.get("indicator"):
            members.setdefault((q["survey"], q["indicator"]), []).append(q["question_id"])
    for e in entries:
        if e["kind"] != "indicator":
            continue
        for field in FIELDS:
            parts = [("sv", e["survey"], "question", qid, e["level"], str(e["key"]), field)
                     for qid in members.get((e["survey"], e["indicator"]), [])]
            parts = [p for p in parts if p in led.values]
            if parts and sv_key(e, field) in led.values:
                led.line(sv_key(e, field), parts, strict=False)


def _rates(led: Ledger, results: dict[str, Any], chaptered: set[str],
           printed_levels: tuple[str, ...] = PRINTED_LEVELS) -> None:
    """The response rates' counts (project and groups, or municipalities, printed in the chapter) and their
    sums."""
    goal = any(isinstance(k, tuple) and len(k) == 4 and k[0] == "num" and str(k[1]).startswith("svarsfrekvens_")
               for k in led.values)
    wide = goal or printed_levels != PRINTED_LEVELS
    rates = [r for r in results.get("response_rates", []) if r["level"] in (LEVELS if wide else PRINTED_LEVELS)]
    for r in rates:
        printed = r["survey"] in chaptered and r["level"] in printed_levels
        led.add(rate_key(r, "responded"), int(r["responded"]), printed)
        if r["asked"] is not None:
            led.add(rate_key(r, "asked"), int(r["asked"]), printed)
    groups = {(r["survey"], str(r["key"])): r for r in rates if r["level"] == "group"}
    levels = results["levels"]
    for r in rates:
        if r["level"] == "group":
            continue
        members = [groups[(r["survey"], g)] for g in levels.get(r["level"], {}).get(str(r["key"]), {})
                   .get("group_ids", []) if (r["survey"], g) in groups]
        for field in ("responded", "asked"):
            parts = [rate_key(g, field) for g in members]
            if members and rate_key(r, field) in led.values and all(p in led.values for p in parts):
                led.line(rate_key(r, field), parts, strict=False)


def _goal_ties(led: Ledger, results: dict[str, Any]) -> None:
    """enkat_positiva_Q and svarsfrekvens_S goals print shares of the same counts (report/counts.py
    registers their basis as ("num"|"den", metric, level, key))."""
    for e in results.get("surveys", []):
        if e["kind"] != "question" or e["level"] not in LEVELS:
            continue
        metric = "enkat_positiva_" + str(e["question_id"]).casefold()
        for kind, field in (("num", "pos"), ("den", "n")):
            gk = (kind, metric, e["level"], str(e["key"]))
            if gk in led.values:
                led.line(gk, [sv_key(e, field)], strict=False)
    for r in results.get("response_rates", []):
        metric = "svarsfrekvens_" + r["survey"].casefold()
        for kind, field in (("num", "responded"), ("den", "asked")):
            gk = (kind, metric, r["level"], str(r["key"]))
            if gk in led.values and rate_key(r, field) in led.values:
                led.line(gk, [rate_key(r, field)], strict=False)
