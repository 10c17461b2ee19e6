"""Small-number suppression of the follow-up and survey chapters, the strong way (issue #10, defect 1).

The example's report is rendered at several thresholds and its "Uppföljning efter avslut" tables and
prose, its survey tables, response rates and the appendix's answers per alternative are read back from
the .docx: (a) no printed number or `<N` is false and no printed number is below N, (b) no hidden count
can be solved from the printed cells with the sums a reader knows (the statuses and the flow add up to
the reached, Arbete + Studier = kvar + tillkommit = vidare, due = reached + not reached, the project
is the sum of the omgångar; n = positive + other, the alternatives add up to n, the project to its
groups, an indicator to its questions), checked by the brute force of tests/suppression_check.py, which
shares no code with xlpy.core.suppress, and (c) a share is printed only with its numerator and
denominator, and the prose reads naturally where a count is hidden.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from tests.suppression_check import domain, truthful
from tests.test_report_support import norm
from xlpy import fmt, jobs
from xlpy.core import compute
from xlpy.report import render_report

STATUSES = ("Arbete", "Studier", "Planering", "Annat")
FLOWS = ("kvar", "tillkommit", "forlorat", "ej_vidare")
CHECKED: dict[str, int] = {"followup": 0, "survey": 0}


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    return compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))


def _body(doc: Any) -> list[tuple[str, Any]]:
    """The document in order: ("p", text) and ("t", rows of cell texts)."""
    out: list[tuple[str, Any]] = []
    for el in doc.element.body.iterchildren():
        if el.tag.endswith("}p"):
            out.append(("p", norm(Paragraph(el, doc).text)))
        elif el.tag.endswith("}tbl"):
            out.append(("t", [[norm(c.text) for c in r.cells] for r in Table(el, doc).rows]))
    return out


def _render(example: dict[str, Any], n_min: int, tmp_path: Any) -> list[tuple[str, Any]]:
    r = copy.deepcopy(example)
    r["parameters"]["min_count"] = n_min
    return _body(Document(str(render_report(r, tmp_path / f"r{n_min}.docx"))))


def _chapter(body: list[tuple[str, Any]], start: str, stop: tuple[str, ...]) -> list[tuple[str, Any]]:
    # -- the last occurrence: the table of contents names the chapters first --
    i = max(i for i, (k, v) in enumerate(body) if k == "p" and v == start)
    j = next((j for j in range(i + 1, len(body)) if body[j][0] == "p" and body[j][1] in stop), len(body))
    return body[i:j]


def _ok_number(text: str, value: int, n_min: int) -> bool:
    """(a): true, and a printed number is never a small count."""
    t = text.replace(" ", "")
    if not truthful(text, value, max(n_min, 1)):
        return False
    return not (t.isdigit() and n_min > 1 and 0 < int(t) < n_min)


def _phrase_cell(text: str) -> str:
    """A count as prose prints it, as a cell: `färre än 5` is `<5`."""
    m = re.fullmatch(r"[Ff]ärre än (\d+)", text)
    return f"<{m[1]}" if m else text


def solvable(cells: dict[str, str], sums: list[tuple[str, list[str]]], n_min: int, cap: int) -> set[str]:
    """The hidden printed cells with exactly one feasible value, like tests/suppression_check.solvable
    (whose full enumeration takes minutes on a row of twelve `–`), by bounds propagation over the sums
    and branching: every printed cell's values are an interval (suppression_check.domain: `<N` = 1..N−1,
    `–` and unprinted = 0..cap), so a search that propagates the sums' bounds and splits intervals finds
    a whole-number completion exactly when one exists. A hidden cell is solvable when no completion
    gives it a value other than the first completion's."""
    start = {k: (min(d), max(d)) for k, d in ((k, domain(v, n_min, cap)) for k, v in cells.items())}

    def propagate(b: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]] | None:
        b = dict(b)
        changed = True
        while changed:
            changed = False
            for t, ps in sums:
                s_lo, s_hi = sum(b[p][0] for p in ps), sum(b[p][1] for p in ps)
                t_lo, t_hi = max(b[t][0], s_lo), min(b[t][1], s_hi)
                if t_lo > t_hi:
                    return None
                if (t_lo, t_hi) != b[t]:
                    b[t], changed = (t_lo, t_hi), True
                for p in ps:
                    lo = max(b[p][0], t_lo - (s_hi - b[p][1]))
                    hi = min(b[p][1], t_hi - (s_lo - b[p][0]))
                    if lo > hi:
                        return None
                    if (lo, hi) != b[p]:
                        b[p], changed = (lo, hi), True
        return b

    def solve(b: dict[str, tuple[int, int]]) -> dict[str, int] | None:
        pb = propagate(b)
        if pb is None:
            return None
        open_ = [k for k, (lo, hi) in pb.items() if lo < hi]
        if not open_:
            return {k: lo for k, (lo, _hi) in pb.items()}
        k = min(open_, key=lambda x: (pb[x][1] - pb[x][0], x))
        lo, hi = pb[k]
        mid = (lo + hi) // 2
        return solve({**pb, k: (lo, mid)}) or solve({**pb, k: (mid + 1, hi)})

    first = solve(start)
    assert first is not None, "the printed table has no completion: a printed count is false"
    out = set()
    for k, v in cells.items():
        lo, hi = start[k]
        if v == "" or lo == hi:
            continue
        x = first[k]
        if not ((x > lo and solve({**start, k: (lo, x - 1)})) or (x < hi and solve({**start, k: (x + 1, hi)}))):
            out.add(k)
    return out


def _solvable_by_system(cells: dict[str, str], sums: list[tuple[str, list[str]]], truth: dict[str, int],
                        n_min: int) -> set[str]:
    """solvable() over each connected system of sums on its own (a survey chapter's tables are several),
    each with the cap its largest true count needs (every completion the checker tries stays in 0..cap)."""
    parent: dict[str, str] = {}

    def find(k: str) -> str:
        while parent.get(k, k) != k:
            k = parent[k]
        return k

    for t, ps in sums:
        for k in ps:
            parent[find(k)] = find(t)
    out: set[str] = set()
    for root in {find(k) for k in cells}:
        members = {k for k in cells if find(k) == root}
        sys_sums = [(t, ps) for t, ps in sums if t in members]
        if not sys_sums:
            continue
        cap = max(truth.get(k, 0) for k in members) + n_min
        out |= solvable({k: cells[k] for k in members}, sys_sums, max(n_min, 1), cap)
    return out


# -- the follow-up chapter ------------------------------------------------------------------------------

def _followup_points(chapter: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    points: list[dict[str, Any]] = []
    for kind, v in chapter:
        if kind == "p" and re.fullmatch(r"Efter \d+ månader", v):
            points.append({"months": v.split()[1], "text": "", "tables": []})
        elif kind == "p" and points and v.startswith(f"Efter {points[-1]['months']} månader skulle"):
            points[-1]["text"] = v
        elif kind == "t" and points:
            points[-1]["tables"].append(v)
    return points


def _check_followup_point(r: dict[str, Any], point: dict[str, Any], n_min: int) -> None:
    m = point["months"]
    main, status, flow = point["tables"]
    assert main[0][:3] == ["Omgång", "Att följa upp", "Nådda"] and status[0][1] == "Arbete" and flow[0][1] == "Kvar"
    omg = {o["label"]: o for o in r["levels"]["omgang"].values()}
    cells: dict[str, str] = {}
    sums: list[tuple[str, list[str]]] = []
    units = []
    for row, srow, frow in zip(main[1:], status[1:], flow[1:], strict=True):
        assert row[0] == srow[0] == frow[0]
        unit = r["levels"]["project"]["all"] if row[0] == "Hela projektet" else omg[row[0]]
        u = "T" if row[0] == "Hela projektet" else unit["key"]
        units.append(u)
        f = unit["followup"][m]
        truth = {"e": f["eligible"], "r": f["reached"], "m": f["moved_on"], "nr": f["eligible"] - f["reached"],
                 **{s: f["statuses"][s] for s in STATUSES}, **{x: f["flow"][x] for x in FLOWS}}
        reached = row[2].split(" av ")[0]
        if " av " in row[2]:
            assert row[2] == f"{reached} av {row[1]} nådda"
        printed = {"e": row[1], "r": reached, "m": row[4], "nr": srow[5],
                   **dict(zip(STATUSES, srow[1:5], strict=True)), **dict(zip(FLOWS, frow[1:5], strict=True))}
        assert srow[6] == row[1] and frow[5] == reached, (row, srow, frow)
        for k, v in truth.items():  # (a)
            assert _ok_number(printed[k], v, n_min), (m, u, k, printed[k], v)
            cells[f"{u}.{k}"] = printed[k]
        # (c): a share only beside its numerator and denominator, and the moved-on share only with the
        #      response rate beside it
        for share, (num, den) in zip(row[3:4] + row[5:7], (("r", "e"), ("m", "e"), ("m", "r")), strict=True):
            if "%" in share:
                assert printed[num].isdigit() and printed[den].isdigit(), (m, u, row)
        if "%" in row[5]:
            assert row[5].endswith(f"({printed['r']} av {printed['e']} nådda)")
        sums += [(f"{u}.r", [f"{u}.{s}" for s in STATUSES]), (f"{u}.r", [f"{u}.{x}" for x in FLOWS]),
                 (f"{u}.m", [f"{u}.Arbete", f"{u}.Studier"]), (f"{u}.m", [f"{u}.kvar", f"{u}.tillkommit"]),
                 (f"{u}.e", [f"{u}.r", f"{u}.nr"])]
    members = [u for u in units if u != "T"]
    if "T" in units:
        for k in ("e", "r", "m", "nr", *STATUSES, *FLOWS):
            sums.append((f"T.{k}", [f"{u}.{k}" for u in members]))
    total = "T" if "T" in units else members[0]
    # -- the prose states the project's due, reached and moved on: the same counts as the total row --
    text = point["text"]
    project = r["levels"]["project"]["all"]["followup"][m]
    said = re.match(rf"Efter {m} månader skulle (.+?) deltagare följas upp", text)
    if said:
        assert _phrase_cell(said[1]) == cells[f"{total}.e"] and _ok_number(_phrase_cell(said[1]), project["eligible"], n_min)
    said = re.search(r" och (.+?) av dem nåddes\.", text)
    if said:
        assert _phrase_cell(said[1]) == cells[f"{total}.r"]
    else:
        assert "hur många som nåddes" in text
    said = re.search(r"\. (\S+(?: än \d+)?) var i arbete eller studier", text)
    if said:
        assert _phrase_cell(said[1]) == cells[f"{total}.m"]
    for bad in ("<", " – ", "dolt av", "av – ", "– var"):
        assert bad not in text, (bad, text)
    cap = project["eligible"] + n_min
    assert solvable(cells, sums, max(n_min, 1), cap) == set(), (m, n_min, cells)  # (b)
    CHECKED["followup"] += 1


# -- the survey chapters ----------------------------------------------------------------------------

def _pos_cell(share: str, n_text: str) -> str:
    """The positive answers a printed share gives away with its printed n (`–` when it gives nothing)."""
    if "%" not in share:
        return "–"
    assert n_text.isdigit(), (share, n_text)
    n = int(n_text)
    found = [p for p in range(n + 1) if norm(fmt.percent(p / n)) == share]
    return str(found[0]) if len(found) == 1 else "–"


def _check_survey(r: dict[str, Any], chapter: list[tuple[str, Any]], appendix: list[str], n_min: int) -> None:
    survey = chapter[0][1].removeprefix("Enkät: ")
    groups = {u["label"]: u["key"] for u in r["levels"]["group"].values()}
    entries = {(e["kind"], e["question_id"] or e["indicator"], e["level"], e["key"]): e
               for e in r["surveys"] if e["survey"] == survey}
    questions = {q["question_id"]: q for q in r["survey_questions"] if q["survey"] == survey}
    cells: dict[str, str] = {}
    truth: dict[str, int] = {}
    sums: list[tuple[str, list[str]]] = []
    caption = ""
    rows_of: dict[str, list[str]] = {}
    for kind, v in chapter:
        if kind == "p" and v.startswith("Tabell "):
            caption = v.split(": ", 1)[1]
            continue
        if kind != "t" or v[0][:2] != ["Enhet", "Svar (n)"]:
            continue
        if caption.startswith("Indikatorn "):
            ident, ekind = caption.removeprefix("Indikatorn ").split(" (")[0], "indicator"
        else:
            ident, ekind = caption.split(":")[0], "question"
        units = []
        for row in v[1:]:
            level, key = ("group", groups[row[0]]) if row[0] in groups else ("project", "all")
            e = entries[(ekind, ident, level, key)]
            c = f"{ident}.{key}"
            units.append(c)
            pos = _pos_cell(row[2], row[1])
            oth = str(int(row[1]) - int(pos)) if pos.isdigit() else "–"
            for name, text, value in (("n", row[1], e["n"]), ("pos", pos, e["positive"]),
                                      ("oth", oth, e["n"] - e["positive"])):
                assert _ok_number(text, value, n_min), (survey, c, name, text, value, row)  # (a)
                cells[f"{c}.{name}"] = text
                truth[f"{c}.{name}"] = value
            sums.append((f"{c}.n", [f"{c}.pos", f"{c}.oth"]))
            assert row[4] == "–" or "%" in row[4] or row[4] == "för få svar"
        rows_of[f"{ekind}:{ident}"] = units
        if "all" in [u.split(".")[-1] for u in units]:
            parts = [u for u in units if not u.endswith(".all")]
            total = f"{ident}.all"
            for name in ("n", "pos"):
                field = {"n": "n", "pos": "positive"}[name]
                if parts and entries[(ekind, ident, "project", "all")][field] == sum(
                        entries[(ekind, ident, "group", p.split(".")[-1])][field] for p in parts):
                    sums.append((f"{total}.{name}", [f"{p}.{name}" for p in parts]))
    # -- an indicator's counts are its questions' sums, per unit --
    for key, units in rows_of.items():
        if not key.startswith("indicator:"):
            continue
        ident = key.split(":", 1)[1]
        members = [q for q, qq in questions.items() if qq.get("indicator") == ident]
        for u in units:
            ukey = u.split(".")[-1]
            for name in ("n", "pos"):
                parts = [f"{q}.{ukey}.{name}" for q in members]
                if all(p in cells for p in parts):
                    sums.append((f"{u}.{name}", parts))
    # -- the appendix: the project's answers per alternative --
    for qid, q in questions.items():
        para = next((a for a in appendix if a.startswith(f"Skala {q['scale']}:") and qid in a.split("|")[0]), None)
        if para is None:
            continue
        text = para.split("|", 1)[1]
        e = entries.get(("question", qid, "project", "all"))
        if e is None:
            continue
        c = f"{qid}.all"
        for a in q["alternatives"]:
            got = re.search(re.escape(a["text"]) + r" (<\d+|–|\d+)", text)
            assert got, (qid, a["text"], text)
            assert _ok_number(got[1], e["counts"][a["text"]], n_min), (qid, a["text"], got[1])  # (a)
            cells[f"{c}.alt:{a['text']}"] = got[1]
            truth[f"{c}.alt:{a['text']}"] = e["counts"][a["text"]]
        n_text = re.search(r"giltiga svar (<\d+|–|\d+)\.", text)[1]
        assert _ok_number(n_text, e["n"], n_min)
        if f"{c}.n" in cells:
            assert cells[f"{c}.n"] == n_text
        cells[f"{c}.n"] = n_text
        truth[f"{c}.n"], truth[f"{c}.pos"], truth[f"{c}.oth"] = e["n"], e["positive"], e["n"] - e["positive"]
        cells.setdefault(f"{c}.pos", "")
        cells.setdefault(f"{c}.oth", "")
        counted = [a for a in q["alternatives"] if a["counted"]]
        sums.append((f"{c}.n", [f"{c}.alt:{a['text']}" for a in counted]))
        sums.append((f"{c}.pos", [f"{c}.alt:{a['text']}" for a in counted if a["positive"]]))
        sums.append((f"{c}.oth", [f"{c}.alt:{a['text']}" for a in counted if not a["positive"]]))
    # -- the response rates: "Y av Z tillfrågade svarade" for the project and every group --
    rates = {(x["level"], x["key"]): x for x in r["response_rates"] if x["survey"] == survey}
    for kind, v in chapter[1:]:
        if kind != "p":
            continue
        label, key = ("project", "all") if v.startswith(f"Enkäten {survey}:") else (
            ("group", groups[v.split(":")[0]]) if v.split(":")[0] in groups else (None, None))
        if label is None:
            continue
        for bad in ("<", " – ", "dolt av"):
            assert bad not in v, (bad, v)
        x = rates[(label, key)]
        m = re.search(r": (\d+) av (\d+) tillfrågade svarade", v)
        if m:
            assert _ok_number(m[1], x["responded"], n_min) and _ok_number(m[2], x["asked"], n_min), v
            cells[f"rate.{key}.responded"], cells[f"rate.{key}.asked"] = m[1], m[2]
            truth[f"rate.{key}.responded"], truth[f"rate.{key}.asked"] = x["responded"], x["asked"]
        else:
            m = re.search(r": (.+?) tillfrågades och (.+?) svarade", v)
            assert m, v
            for name, said, value in (("asked", m[1], x["asked"]), ("responded", m[2], x["responded"])):
                said = "–" if said == "ett dolt antal" else _phrase_cell(said)
                assert _ok_number(said, value, n_min), v
                cells[f"rate.{key}.{name}"] = said
                truth[f"rate.{key}.{name}"] = value
    group_rates = [k for k in rates if k[0] == "group" and f"rate.{k[1]}.asked" in cells]
    if group_rates and "rate.all.asked" in cells:
        for name in ("responded", "asked"):
            if rates[("project", "all")][name] == sum(rates[k][name] for k in group_rates):
                sums.append((f"rate.all.{name}", [f"rate.{k[1]}.{name}" for k in group_rates]))
    for k in {k for t, ps in sums for k in (t, *ps)} - set(cells):
        cells[k] = ""  # -- a count no table prints: unknown to the reader, not a leak --
    for k in cells:
        if k not in truth:  # -- a count no table prints: its true value from the results --
            ident, key, name = k.rsplit(".", 2)
            e = next(e for (kind, i, _lv, ky), e in entries.items() if i == ident and ky == key)
            truth[k] = {"n": e["n"], "pos": e["positive"], "oth": e["n"] - e["positive"]}[name]
    assert _solvable_by_system(cells, sums, truth, n_min) == set(), (survey, n_min, cells)  # (b)
    CHECKED["survey"] += 1


@pytest.mark.parametrize("n_min", [0, 3, 5, 8])
def test_followup_and_survey_chapters_print_no_false_and_no_computable_count(example, tmp_path, n_min):
    body = _render(example, n_min, tmp_path)
    chapter = _chapter(body, "Uppföljning efter avslut", ("Enkät: Deltagare",))
    points = [p for p in _followup_points(chapter) if p["tables"]]
    assert len(points) == 2
    for point in points:
        _check_followup_point(example, point, n_min)
    appendix_start = max(i for i, (k, v) in enumerate(body) if k == "p" and v == "Bilaga: Enkätfrågor")
    paras = [v for k, v in body[appendix_start:] if k == "p"]
    # -- "title|answers" per question, so a question's answers are found by its FrågeID --
    appendix = [f"{paras[i - 1]}|{p}" for i, p in enumerate(paras) if p.startswith("Skala ")]
    surveys = list(dict.fromkeys(v for k, v in body if k == "p" and v.startswith("Enkät: ")))
    assert surveys == ["Enkät: Deltagare", "Enkät: Personal", "Enkät: Styrgrupp"]
    for name in surveys:
        chapter = _chapter(body, name, (*surveys, "Sammanfattning och rekommendationer"))
        _check_survey(example, chapter, appendix, n_min)
    if n_min >= 5:
        text = " ".join(v for k, v in body if k == "p")
        assert "dolt för att skydda små tal" in text


def test_without_a_threshold_the_chapters_read_as_before(example, tmp_path):
    body = _render(example, 0, tmp_path)
    chapter = _chapter(body, "Uppföljning efter avslut", ("Enkät: Deltagare",))
    texts = [v for k, v in chapter if k == "p"]
    assert ("Efter 3 månader skulle 12 deltagare följas upp och 10 av dem nåddes. 7 var i arbete eller studier: "
            "58 % av alla som skulle följas upp (10 av 12 nådda) och 70 % av de nådda.") in texts
    assert not any(t.startswith("Antal under") for t in texts)
    tables = [v for k, v in chapter if k == "t"]
    assert tables[0][1] == ["Grupp 1", "12", "10 av 12 nådda", "83 %", "7", "58 % (10 av 12 nådda)", "70 %"]
    assert tables[1][1] == ["Grupp 1", "4", "3", "3", "0", "2", "12"]
    assert tables[5][1] == ["Grupp 1", "4", "3", "1", "1", "9"]
    deltagare = _chapter(body, "Enkät: Deltagare", ("Enkät: Personal",))
    texts = [v for k, v in deltagare if k == "p"]
    assert "Enkäten Deltagare: 25 av 32 tillfrågade svarade (78 %)." in texts
    assert "Perstorp grupp 2: 7 av 10 tillfrågade svarade (70 %)." in texts
    first = next(v for k, v in deltagare if k == "t")
    assert first[1:] == [["Klippan grupp 1", "9", "33 %", "–", "–"], ["Klippan grupp 2", "8", "75 %", "–", "–"],
                         ["Perstorp grupp 2", "7", "71 %", "–", "–"], ["Totalt", "24", "58 %", "–", "–"]]
    assert not any(v.startswith("<") or "dolt för att skydda" in v for k, v in deltagare if k == "p")
    answers = [v for k, v in body if k == "p" and v.startswith("Skala Instämmer: Instämmer inte alls 3")]
    assert answers == ["Skala Instämmer: Instämmer inte alls 3, Instämmer delvis 7, Instämmer till stor del 8, "
                       "Instämmer helt 6, Vet ej 1 (räknas inte); giltiga svar 24."]


def test_count_of_checked_chapters_is_reported():
    # -- runs last in this module: the figure for the closing note --
    print(f"\nchecked: follow-up points {CHECKED['followup']}, survey chapters {CHECKED['survey']}")
