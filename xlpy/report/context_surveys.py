"""The report's survey chapters and their appendix, built from results["surveys"] and ["response_rates"].

One chapter per survey: "Y av Z tillfrågade svarade (x %)", then per question and indicator a table (n,
share positive, the target where a goal uses `enkat_positiva_Q`, the previous period's share) and a 100 %
stacked bar chart; an appendix lists every question with its scale. Every count goes through
xlpy.core.suppress: below `Minsta redovisade antal` a row shows "för få svar", and a second row is hidden
where the printed total would give the first away.

A summarised report (report/summary.py, a förbund's hundreds of groups) has a row per municipality instead of
per group, from results' municipality entries, under the same row suppression; each group's figures stay in
the workbook.
"""

from __future__ import annotations

from typing import Any

from xlpy import fmt
from xlpy.core.suppress import count_text, suppression_mask

FEW = "för få svar"
HIDDEN = "dolt"
HIDDEN_NOTE = "– och ”dolt” = dolt för att skydda små tal; ”för få svar” = färre svar än {n}."
LEVEL_ORDER = {"group": 0, "omgang": 1, "municipality": 2, "project": 3}


def _goal_by_metric(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {g["metric"]: g for g in results.get("goals", []) if g.get("active")}


def _unit(results: dict[str, Any], level: str, key: str) -> dict[str, Any]:
    return results["levels"].get(level, {}).get(key, {})


def _row_mask(rows: list[tuple[int, int]], min_count: int) -> list[bool]:
    """Which rows (positive, other) of a table with a printed total row must be hidden whole.

    A row is hidden when suppression hides any of its two counts; hiding a row hides both, so the mask
    is asked again with those counts forced hidden until nothing changes (then no printed total or
    share gives a hidden count away)."""
    forced: set[tuple[int, int]] = set()
    while True:
        table = [[1 if (i, j) in forced else v for j, v in enumerate(r)] for i, r in enumerate(rows)]
        mask = suppression_mask(table, min_count, row_totals=True, col_totals=True)
        hidden = {i for i, m in enumerate(mask) if any(m)}
        more = {(i, j) for i in hidden for j in (0, 1) if rows[i][j] > 0} - forced
        if not more:
            return [i in hidden for i in range(len(rows))]
        forced |= more


def _share_text(positive: int, n: int, min_count: int, hidden: bool) -> str:
    if min_count > 1 and 0 < n < min_count:
        return FEW
    if hidden:
        return HIDDEN
    if not n:
        return "–"
    return fmt.percent(positive / n)


def _previous_text(prev: dict[str, Any] | None, min_count: int) -> str:
    """P''s share: shown only when neither its positive nor its other answers are a small count."""
    if prev is None or not prev.get("n"):
        return "–"
    n, pos = int(prev["n"]), int(prev["positive"])
    if min_count > 1 and n < min_count:
        return FEW
    if min_count > 1 and (0 < pos < min_count or 0 < n - pos < min_count):
        return HIDDEN
    return fmt.percent(pos / n)


def _target_cell(results: dict[str, Any], goal: dict[str, Any] | None, level: str, key: str, shown: bool) -> str:
    if goal is None:
        return "–"
    from xlpy.report.context import target_text  # -- the goal wording of the goal chapter --

    status = _unit(results, level, key).get("goals", {}).get(goal["id"], {}).get("status")
    return f"{target_text(goal)}" + (f" – {status}" if status and shown else "")


def _rate_text(r: dict[str, Any], min_count: int) -> str:
    """"9 av 11 tillfrågade svarade (82 %)", small counts as <N and the share then hidden."""
    responded, asked = int(r["responded"]), r["asked"]
    small = min_count > 1
    y_hidden = small and 0 < responded < min_count
    if asked is None:
        return f"{count_text(responded, y_hidden, min_count)} svarade (antalet tillfrågade saknas i bladet Utskick)"
    z_hidden = small and 0 < int(asked) < min_count
    share = "" if r["rate"] is None or y_hidden or z_hidden else f" ({fmt.percent(r['rate'])})"
    if r["rate"] is None and not (y_hidden or z_hidden) and int(asked) > 0:
        # -- more questionnaires than asked in this unit or one of its groups: an error in Utskick --
        share = " (svarsfrekvensen redovisas inte: se bladet Kontroll)"
    return (f"{count_text(responded, y_hidden, min_count)} av {count_text(int(asked), z_hidden, min_count)} "
            f"tillfrågade svarade{share}")


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
                    min_count: int, grouped: bool, rows_level: str = "group"
                    ) -> tuple[list[dict[str, str]], list[dict[str, Any]], bool]:
    """The table rows, the chart's bars (label, counts of the counted alternatives) and whether anything
    was hidden. Group (or, summarised, municipality) rows come first; the project row is the printed total."""
    groups = [e for e in block if e["level"] == rows_level]
    total = next((e for e in block if e["level"] == "project"), None)
    counts = [(int(e["positive"]), int(e["n"]) - int(e["positive"])) for e in groups]
    mask = _row_mask(counts, min_count) if len(groups) > 1 else [False] * len(groups)
    rows: list[dict[str, str]] = []
    bars: list[dict[str, Any]] = []
    anything_hidden = False
    shown_rows = [*zip(groups, mask, strict=True)]
    if total is not None:
        # -- the total row is outside the mask: its share would give a small positive or other count away --
        pos, n = int(total["positive"]), int(total["n"])
        small = min_count > 1 and (0 < pos < min_count or 0 < n - pos < min_count)
        shown_rows.append((total, small))
    for e, hidden_row in shown_rows:
        n, pos = int(e["n"]), int(e["positive"])
        few = min_count > 1 and 0 < n < min_count
        label = _unit(results, e["level"], e["key"]).get("label", e["key"]) if e["level"] == rows_level else \
            ("Totalt" if grouped else "Alla svar")
        share = _share_text(pos, n, min_count, hidden_row)
        shown = share not in (FEW, HIDDEN, "–")
        anything_hidden |= not shown and n > 0
        rows.append({"label": label, "n": "–" if hidden_row and not few else count_text(n, few, min_count),
                     "share": share, "target": _target_cell(results, goal, e["level"], e["key"], shown),
                     "previous": _previous_text(e.get("previous"), min_count)})
        if shown:
            # -- with suppression on, a bar shows only positive and other answers (both at least N), never
            #    the count of each alternative, which may be small --
            bars.append({"label": label, "counts": dict(e["counts"]) if min_count <= 1 else
                         {"Positiva": pos, "Övriga": n - pos}})
    return rows, bars, anything_hidden


def surveys_context(results: dict[str, Any], table_no: int, figure_no: int, min_count: int,
                    summarised: bool = False) -> tuple[list[dict[str, Any]], int, int]:
    """The survey chapters (in Enkätfrågor order) and the next free table and figure numbers; `summarised`:
    a row and a response-rate line per municipality instead of per group (report/summary.py)."""
    rows_level = "municipality" if summarised else "group"
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
        intro = f"Enkäten {survey}: " + (_rate_text(project_rate, min_count) if project_rate else "inga svar") + "."
        if rate_goal is not None:
            from xlpy.report.context import target_text

            status = _unit(results, "project", "all").get("goals", {}).get(rate_goal["id"], {}).get("status", "–")
            intro += f" Målet för svarsfrekvensen är {target_text(rate_goal)} ({status})."
        lines = [f"{_unit(results, rows_level, r['key']).get('label', r['key'])}: {_rate_text(r, min_count)}."
                 for r in sorted(group_rates, key=lambda r: _unit(results, rows_level, r["key"]).get("start") or "")]
        grouped = bool(group_rates) or any(e["level"] == rows_level for b in entries.values() for e in b)
        blocks = []
        hidden_any = False
        by_id = {q["question_id"]: q for q in questions}
        for (kind, ident), block in entries.items():
            goal = goals.get("enkat_positiva_" + ident.casefold()) if kind == "question" else None
            rows, bars, hidden = _question_table(results, block, goal, min_count, grouped, rows_level)
            hidden_any |= hidden
            if kind == "question":
                q = by_id.get(ident, {})
                title = f"{ident}: {q.get('question', '')}"
            else:
                members = [q["question_id"] for q in questions if q.get("indicator") == ident and q["survey"] == survey]
                title = f"Indikatorn {ident} ({', '.join(members)} tillsammans)"
            blocks.append({"title": title, "table_no": str(table_no), "figure_no": str(figure_no), "rows": rows,
                           "chart": "", "bars": bars,
                           "segments": _counted(results, block[0]) if min_count <= 1 else ["Positiva", "Övriga"],
                           "positive_segments": _positive(results, block[0]) if min_count <= 1 else ["Positiva"],
                           "figure_title": f"Svarsfördelning, {title}"})
            table_no += 1
            figure_no += 1
        chapters.append({
            "survey": survey, "heading": f"Enkät: {survey}", "intro": intro, "rate_lines": lines,
            "note": "Andel positiva = andelen svar i de positiva svarsalternativen av alla giltiga svar; ”Vet ej” "
                    "räknas inte med. Föregående period = svar daterade under den lika långa perioden före "
                    "rapportperioden.",
            "questions": blocks,
            "hidden_note": HIDDEN_NOTE.format(n=min_count) if hidden_any else "",
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


def appendix_context(results: dict[str, Any], min_count: int) -> list[dict[str, str]]:
    """Every question of Enkätfrågor with its scale and the project's answers per alternative (small
    counts suppressed within the question's row, whose total n is printed)."""
    project = {e["question_id"]: e for e in results.get("surveys", [])
               if e["kind"] == "question" and e["level"] == "project"}
    out = []
    for q in results.get("survey_questions", []):
        e = project.get(q["question_id"])
        alts = q["alternatives"]
        if e is not None and alts:
            values = [int(e["counts"].get(a["text"], 0)) for a in alts]
            [mask] = suppression_mask([values], min_count, row_totals=True, col_totals=False)
            parts = [f"{a['text']} {count_text(v, h, min_count)}" + ("" if a["counted"] else " (räknas inte)")
                     for a, v, h in zip(alts, values, mask, strict=True)]
            answers = ", ".join(parts) + f"; giltiga svar {count_text(int(e['n']), 0 < int(e['n']) < min_count, min_count)}."
        else:
            answers = "Inga svar." if alts else f"Skalan {q['scale']} finns inte i bladet Skalor."
        status = "" if q.get("active") else " (inaktiv)"
        indicator = f", indikator {q['indicator']}" if q.get("indicator") else ""
        out.append({"title": f"{q['question_id']} ({q['survey']}{indicator}){status}: {q['question']}",
                    "answers": f"Skala {q['scale']}: {answers}"})
    return out
