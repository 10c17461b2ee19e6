"""The report's survey chapters and their appendix, built from results["surveys"] and ["response_rates"].

One chapter per survey: "Y av Z tillfrågade svarade (x %)", then per question and indicator a table (n,
share positive, the target where a goal uses `enkat_positiva_Q`, the previous period's share) and a 100 %
stacked bar chart; an appendix lists every question with its scale. Every count is an entry of the
report's one suppression ledger (report/counts_surveys.py: the answers add up to n, per alternative, per
group and per indicator), so it prints as the Decision says: the number, `<N` or `–` (dolt för att
skydda små tal); a share is hidden when its numerator or denominator is ("för få svar" when n itself is
below N).

A summarised report (report/summary.py, a förbund's hundreds of groups) has a row per municipality instead of
per group, from results' municipality entries, in the same ledger; each group's figures stay in the workbook.
"""

from __future__ import annotations

from typing import Any

from xlpy import fmt
from xlpy.core.suppress import PROTECT_NOTE, SMALL, Decision, Ledger, decide, withheld_note
from xlpy.report.counts_surveys import rate_key, survey_ledger, sv_key

FEW = "för få svar"
HIDDEN = "–"
HIDDEN_NOTE = "<{n} = färre än {n} svar; – = " + PROTECT_NOTE + "; ”för få svar” = färre svar än {n}."
LEVEL_ORDER = {"group": 0, "omgang": 1, "municipality": 2, "project": 3}


def chapter_decision(results: dict[str, Any], min_count: int, rows_level: str = "group") -> Decision:
    """The survey counts decided on their own (for callers without the report's Decision)."""
    led = Ledger()
    survey_ledger(led, results, rows_level)
    return decide(led, min_count)


def _goal_by_metric(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {g["metric"]: g for g in results.get("goals", []) if g.get("active")}


def _unit(results: dict[str, Any], level: str, key: str) -> dict[str, Any]:
    return results["levels"].get(level, {}).get(key, {})


def _share_text(d: Decision, e: dict[str, Any], prefix: str = "") -> str:
    """A share positive (`prefix` "prev_" for the previous period's): `–` without answers or when hidden,
    "för få svar" when the answers themselves are below N."""
    n, pos = sv_key(e, prefix + "n"), sv_key(e, prefix + "pos")
    if n not in d.values or not d.values[n]:
        return "–"
    if d.state(n) == SMALL:
        return FEW
    if d.hidden(n, pos, sv_key(e, prefix + "oth")):
        return HIDDEN
    return fmt.percent(d.values[pos] / d.values[n])


def _target_cell(results: dict[str, Any], goal: dict[str, Any] | None, level: str, key: str, shown: bool) -> str:
    if goal is None:
        return "–"
    from xlpy.report.context import target_text  # -- the goal wording of the goal chapter --

    status = _unit(results, level, key).get("goals", {}).get(goal["id"], {}).get("status")
    return f"{target_text(goal)}" + (f" – {status}" if status and shown else "")


def _rate_text(r: dict[str, Any], d: Decision) -> str:
    """"9 av 11 tillfrågade svarade (82 %)"; where a count is hidden, in words ("färre än 5 tillfrågades
    och ett dolt antal svarade") and without the share."""
    responded = d.phrase(rate_key(r, "responded")) or "ett dolt antal"
    if r["asked"] is None:
        return f"{responded} svarade (antalet tillfrågade saknas i bladet Utskick)"
    asked = d.phrase(rate_key(r, "asked")) or "ett dolt antal"
    if d.hidden(rate_key(r, "responded"), rate_key(r, "asked")):
        return f"{asked} tillfrågades och {responded} svarade"
    share = "" if r["rate"] is None else f" ({fmt.percent(r['rate'])})"
    if r["rate"] is None and int(r["asked"]) > 0:
        # -- more questionnaires than asked in this unit or one of its groups: an error in Utskick --
        share = " (svarsfrekvensen redovisas inte: se bladet Kontroll)"
    return f"{responded} av {asked} tillfrågade svarade{share}"


def _entries(results: dict[str, Any], survey: str, rows: str = "group") -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(kind, FrågeID or indicator) -> the entries of that question at `rows` level (group, or municipality
    in a summarised report) and project level."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for e in results.get("surveys", []):
        if e["survey"] == survey and e["level"] in (rows, "project"):
            out.setdefault((e["kind"], e["question_id"] or e["indicator"]), []).append(e)
    for block in out.values():
        block.sort(key=lambda e: (LEVEL_ORDER[e["level"]], _unit(results, e["level"], e["key"]).get("start") or "",
                                  e["key"]))
    return out


def _question_table(results: dict[str, Any], block: list[dict[str, Any]], goal: dict[str, Any] | None,
                    d: Decision, grouped: bool, rows_level: str = "group"
                    ) -> tuple[list[dict[str, str]], list[dict[str, Any]], bool]:
    """The table rows, the chart's bars (label, counts of the counted alternatives) and whether anything
    was hidden. Group (or, summarised, municipality) rows come first; the project row is the printed total."""
    groups = [e for e in block if e["level"] == rows_level]
    total = next((e for e in block if e["level"] == "project"), None)
    rows: list[dict[str, str]] = []
    bars: list[dict[str, Any]] = []
    anything_hidden = False
    for e in [*groups, *([total] if total is not None else [])]:
        n, pos = int(e["n"]), int(e["positive"])
        label = _unit(results, e["level"], e["key"]).get("label", e["key"]) if e["level"] == rows_level else \
            ("Totalt" if grouped else "Alla svar")
        share = _share_text(d, e)
        shown = share not in (FEW, HIDDEN, "–")
        anything_hidden |= d.hidden(sv_key(e, "n"), sv_key(e, "pos"), sv_key(e, "oth"))
        previous = _share_text(d, e, "prev_") if e.get("previous") is not None else "–"
        anything_hidden |= previous in (FEW, HIDDEN) and bool(e["previous"].get("n"))
        rows.append({"label": label, "n": d.text(sv_key(e, "n")),
                     "share": share, "target": _target_cell(results, goal, e["level"], e["key"], shown),
                     "previous": previous})
        if shown:
            # -- with suppression on, a bar shows only positive and other answers (both shown counts), never
            #    the count of each alternative, which may be small --
            bars.append({"label": label, "counts": dict(e["counts"]) if d.min_count <= 1 else
                         {"Positiva": pos, "Övriga": n - pos}})
    return rows, bars, anything_hidden


def surveys_context(results: dict[str, Any], table_no: int, figure_no: int, min_count: int,
                    d: Decision | None = None, summarised: bool = False) -> tuple[list[dict[str, Any]], int, int]:
    """The survey chapters (in Enkätfrågor order) and the next free table and figure numbers. `d`: the
    report's one suppression decision (report/counts.py); without it the survey counts are decided on
    their own at `min_count`. `summarised`: a row and a response-rate line per municipality instead of per
    group (report/summary.py)."""
    rows_level = "municipality" if summarised else "group"
    if d is None:
        d = chapter_decision(results, min_count, rows_level)
    questions = [q for q in results.get("survey_questions", []) if q.get("active")]
    names = list(dict.fromkeys(q["survey"] for q in questions))
    goals = _goal_by_metric(results)
    chapters = []
    for survey in names:
        rates = [r for r in results.get("response_rates", []) if r["survey"] == survey]
        project_rate = next((r for r in rates if r["level"] == "project"), None)
        group_rates = [r for r in rates if r["level"] == rows_level]
        entries = _entries(results, survey, rows_level)
        answered = any(int(e["n"]) for b in entries.values() for e in b)
        if not answered and (project_rate is None or not project_rate["responded"]):
            continue  # -- questions typed in, nothing answered yet: no chapter of empty tables --
        rate_goal = goals.get("svarsfrekvens_" + survey.casefold())
        intro = f"Enkäten {survey}: " + (_rate_text(project_rate, d) if project_rate else "inga svar") + "."
        if rate_goal is not None:
            from xlpy.report.context import target_text

            status = _unit(results, "project", "all").get("goals", {}).get(rate_goal["id"], {}).get("status", "–")
            intro += f" Målet för svarsfrekvensen är {target_text(rate_goal)} ({status})."
        lines = [f"{_unit(results, rows_level, r['key']).get('label', r['key'])}: {_rate_text(r, d)}."
                 for r in sorted(group_rates, key=lambda r: _unit(results, rows_level, r["key"]).get("start") or "")]
        grouped = bool(group_rates) or any(e["level"] == rows_level for b in entries.values() for e in b)
        blocks = []
        hidden_any = False
        by_id = {q["question_id"]: q for q in questions}
        for (kind, ident), block in entries.items():
            goal = goals.get("enkat_positiva_" + ident.casefold()) if kind == "question" else None
            rows, bars, hidden = _question_table(results, block, goal, d, grouped, rows_level)
            hidden_any |= hidden
            if kind == "question":
                q = by_id.get(ident, {})
                title = f"{ident}: {q.get('question', '')}"
            else:
                members = [q["question_id"] for q in questions if q.get("indicator") == ident and q["survey"] == survey]
                title = f"Indikatorn {ident} ({', '.join(members)} tillsammans)"
            blocks.append({"title": title, "table_no": str(table_no), "figure_no": str(figure_no), "rows": rows,
                           "chart": "", "bars": bars,
                           "segments": _counted(results, block[0]) if d.min_count <= 1 else ["Positiva", "Övriga"],
                           "positive_segments": _positive(results, block[0]) if d.min_count <= 1 else ["Positiva"],
                           "figure_title": f"Svarsfördelning, {title}"})
            table_no += 1
            figure_no += 1
        chapters.append({
            "survey": survey, "heading": f"Enkät: {survey}", "intro": intro, "rate_lines": lines,
            "note": "Andel positiva = andelen svar i de positiva svarsalternativen av alla giltiga svar; ”Vet ej” "
                    "räknas inte med. Föregående period = svar daterade under den lika långa perioden före "
                    "rapportperioden.",
            "questions": blocks,
            "hidden_note": (HIDDEN_NOTE.format(n=d.min_count)
                            + withheld_note(d, (k for k in d.states if isinstance(k, tuple) and k[0] == "sv"))
                            if hidden_any else ""),
        })
    return chapters, table_no, figure_no


def _counted(results: dict[str, Any], entry: dict[str, Any]) -> list[str]:
    """The counted alternatives of the entry's scale (not "Vet ej"), in scale order."""
    for q in results.get("survey_questions", []):
        if q["question_id"] == entry.get("question_id") or (entry.get("kind") == "indicator"
                                                             and q.get("indicator") == entry.get("indicator")):
            return [a["text"] for a in q["alternatives"] if a["counted"]]
    return list(entry["counts"])


def _positive(results: dict[str, Any], entry: dict[str, Any]) -> list[str]:
    for q in results.get("survey_questions", []):
        if q["question_id"] == entry.get("question_id") or (entry.get("kind") == "indicator"
                                                             and q.get("indicator") == entry.get("indicator")):
            return [a["text"] for a in q["alternatives"] if a["counted"] and a["positive"]]
    return []


def appendix_context(results: dict[str, Any], min_count: int, d: Decision | None = None) -> list[dict[str, str]]:
    """Every question of Enkätfrågor with its scale and the project's answers per alternative, as the
    report's Decision `d` prints them (without it, the survey counts decided on their own)."""
    if d is None:
        d = chapter_decision(results, min_count)
    project = {e["question_id"]: e for e in results.get("surveys", [])
               if e["kind"] == "question" and e["level"] == "project"}
    out = []
    for q in results.get("survey_questions", []):
        e = project.get(q["question_id"])
        alts = q["alternatives"]
        if e is not None and alts and sv_key(e, "n") in d.values:
            parts = [f"{a['text']} {d.text(sv_key(e, 'alt:' + a['text']))}" + ("" if a["counted"] else " (räknas inte)")
                     for a in alts]
            answers = ", ".join(parts) + f"; giltiga svar {d.text(sv_key(e, 'n'))}."
        else:
            answers = "Inga svar." if alts else f"Skalan {q['scale']} finns inte i bladet Skalor."
        status = "" if q.get("active") else " (inaktiv)"
        indicator = f", indikator {q['indicator']}" if q.get("indicator") else ""
        out.append({"title": f"{q['question_id']} ({q['survey']}{indicator}){status}: {q['question']}",
                    "answers": f"Skala {q['scale']}: {answers}"})
    return out
