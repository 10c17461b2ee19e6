"""Several workbooks, one report (WORKBOOK.md and METRICS.md, "Several workbooks"): the example split into a
Klippan and a Perstorp workbook and consolidated again gives exactly the example's figures; conflicts are
errors naming both files and rows; the sources are only read."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from xlpy import cli, jobs
from xlpy.example import example_data
from xlpy.intake.consolidate import ConsolidatedSource
from xlpy.io.memory import MemoryWorkbook
from xlpy.workbook_template import create_workbook

EXAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "forsta_steget_exempel.xlsx"
PER_PARTICIPANT = ("attendance", "internships", "outcomes", "followup")


def split_by_municipality(data: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The example's rows as one workbook per municipality: each holds its own groups, their staff and
    participants and everything of those participants (Uppföljning too), and its groups' survey answers and mailings (those
    of no group, e.g. Styrgrupp, in the first); settings, goals, texts, Statistik, Enkätfrågor and Skalor
    in both."""
    group_mun = {g["group_id"]: g["municipality"] for g in data["groups"]}
    person_mun = {p["participant_id"]: group_mun[p["group_id"]] for p in data["participants"]}
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    first = min(group_mun.values())
    for mun in sorted(set(group_mun.values())):
        part = {k: copy.deepcopy(v) for k, v in data.items()}
        part["groups"] = [g for g in data["groups"] if g["municipality"] == mun]
        part["staff"] = [s for s in data["staff"] if group_mun[s["group_id"]] == mun]
        part["participants"] = [p for p in data["participants"] if group_mun[p["group_id"]] == mun]
        for key in PER_PARTICIPANT:
            part[key] = [r for r in data[key] if person_mun[r["participant_id"]] == mun]
        for key in ("survey_answers", "mailings"):
            part[key] = [r for r in data[key] if group_mun.get(r["group_id"], first) == mun]
        out[mun] = part
    return out


def write_split(folder: Path) -> list[Path]:
    """The example split into one workbook per municipality in `folder` (klippan.xlsx, perstorp.xlsx)."""
    paths = []
    for mun, part in split_by_municipality(example_data()).items():
        path = folder / f"{mun.lower()}.xlsx"
        create_workbook(path, part)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def split_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_split(tmp_path_factory.mktemp("kommuner"))


def _figures(results: dict[str, Any]) -> str:
    """Everything but where the data came from: the levels, costs, statistics, staff and goals. The order
    in which a unit lists its groups follows the rows of Grupper, so it is compared as a set."""
    def norm(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: sorted(v) if k == "group_ids" else norm(v) for k, v in x.items()}
        if isinstance(x, list):
            return [norm(v) for v in x]
        return x
    keep = {k: norm(v) for k, v in results.items() if k not in ("meta", "problems")}
    return json.dumps(keep, sort_keys=True, ensure_ascii=False)


def test_split_example_consolidated_gives_exactly_the_examples_figures(split_files: list[Path]) -> None:
    whole = jobs.check_file(EXAMPLE).results
    together = jobs.check_files(split_files).results
    assert _figures(together) == _figures(whole)
    assert together["meta"]["sources"] == ["klippan.xlsx", "perstorp.xlsx"]
    # -- the example's own check finds nothing the consolidation adds to or loses --
    assert [p["message"] for p in together["problems"]] == [p["message"] for p in whole["problems"]]


def test_sammanstall_writes_one_ordinary_workbook_and_never_touches_the_sources(
        split_files: list[Path], tmp_path: Path) -> None:
    before = [hashlib.sha256(p.read_bytes()).hexdigest() for p in split_files]
    # -- Excel's owner file beside a source (the file is open in Excel) does not stop reading it --
    lock = split_files[0].with_name("~$" + split_files[0].name)
    lock.write_bytes(b"x" * 165)
    try:
        out = tmp_path / "samlad.xlsx"
        assert cli.main(["sammanstall", *map(str, split_files), "-o", str(out)]) == 0
    finally:
        lock.unlink()
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in split_files] == before
    consolidated = jobs.check_file(out).results
    assert _figures(consolidated) == _figures(jobs.check_file(EXAMPLE).results)
    # -- and it recalculates and reports like any workbook --
    assert cli.main(["recalc", str(out)]) == 0
    source = jobs.open_file(out)
    assert "Resultat" in source.sheet_names()
    names = source.read_values("Deltagare")[1]
    assert names[-1] == "Källa"
    assert {r[-1] for r in source.read_values("Deltagare")[2:]} == {"klippan.xlsx", "perstorp.xlsx"}


def _memory(name: str, **sheets: list[list[Any]]) -> MemoryWorkbook:
    base: dict[str, list[list[Any]]] = {
        "Grupper": [["GruppID", "Kommun", "Gruppnummer", "Startdatum", "Slutdatum"]],
        "Deltagare": [["DeltagarID", "GruppID"]],
    }
    base.update(sheets)
    return MemoryWorkbook(base, name=name)


def test_the_same_participant_code_in_two_workbooks_is_an_error_naming_both() -> None:
    a = _memory("a.xlsx", Grupper=[["GruppID", "Kommun", "Gruppnummer", "Startdatum", "Slutdatum"],
                                   ["K1", "Klippan", 1, "2019-04-01", "2019-07-01"]],
                Deltagare=[["DeltagarID", "GruppID"], ["D1", "K1"], ["D2", "K1"]])
    b = _memory("b.xlsx", Grupper=[["GruppID", "Kommun", "Gruppnummer", "Startdatum", "Slutdatum"],
                                   ["P1", "Perstorp", 1, "2019-04-01", "2019-07-01"]],
                Deltagare=[["DeltagarID", "GruppID"], ["x"], ["d2 ", "P1"]])
    source = ConsolidatedSource([a, b])
    errors = [p for p in source.problems if p.severity == "fel"]
    assert len(errors) == 1
    msg = errors[0].message
    assert "D2" in msg.upper() and "a.xlsx (Deltagare rad 3)" in msg and "b.xlsx (Deltagare rad 3)" in msg


def test_the_same_group_code_in_two_workbooks_is_an_error() -> None:
    g = [["GruppID", "Kommun", "Gruppnummer", "Startdatum", "Slutdatum"], ["K1", "Klippan", 1, "2019-04-01", "2019-07-01"]]
    source = ConsolidatedSource([_memory("a.xlsx", Grupper=g), _memory("b.xlsx", Grupper=g)])
    assert [p.column for p in source.problems if p.severity == "fel"] == ["GruppID"]


def test_statistics_equal_rows_kept_once_and_conflicts_are_errors() -> None:
    head = ["Period", "Kommun", "Öppet arbetslösa", "I program"]
    a = _memory("a.xlsx", Statistik=[head, ["2019-05-01", "Klippan", 50, 96], ["2019-05-01", "Perstorp", 39, 104]])
    import datetime as dt
    b = _memory("b.xlsx", Statistik=[head, [dt.datetime(2019, 5, 1), " klippan", 50, 96],
                                     ["2019-05-01", "Perstorp", 39, 105]])
    source = ConsolidatedSource([a, b])
    rows = source.read_values("Statistik")
    assert len(rows) == 1 + 2  # header, the two rows of a.xlsx; b's equal row once, its conflict left out
    errors = [p for p in source.problems if p.severity == "fel"]
    assert len(errors) == 1 and "a.xlsx (Statistik rad 3)" in errors[0].message and "b.xlsx (Statistik rad 3)" in errors[0].message


QUESTIONS_HEAD = ["FrågeID", "Enkät", "Fråga", "Skala", "Indikator", "Aktiv"]
SCALES_HEAD = ["Skala", "Svarsalternativ", "Ordning", "Positivt", "Räknas"]
ANSWERS_HEAD = ["SvarID", "Enkät", "GruppID", "Datum", "FrågeID", "Svar"]


def test_the_same_question_id_defined_differently_is_an_error_naming_both_files() -> None:
    a = _memory("a.xlsx", Enkätfrågor=[QUESTIONS_HEAD, ["F1", "Deltagare", "Jag fick stöd.", "Ja/Nej"],
                                        ["F2", "Deltagare", "Jag kom i tid.", "Ja/Nej"]])
    b = _memory("b.xlsx", Enkätfrågor=[QUESTIONS_HEAD, ["f2 ", "Deltagare", "Jag kom i tid.", "Ja/Nej"],
                                        ["F1", "Deltagare", "Jag fick inget stöd.", "Ja/Nej"]])
    source = ConsolidatedSource([a, b])
    errors = [p for p in source.problems if p.severity == "fel"]
    assert len(errors) == 1
    msg = errors[0].message
    assert errors[0].sheet == "Enkätfrågor" and msg.startswith("F1 ")
    assert "a.xlsx (Enkätfrågor rad 2)" in msg and "b.xlsx (Enkätfrågor rad 3)" in msg
    # -- the equal F2 once, b's other F1 left out: a's two questions only --
    assert [r[0] for r in source.read_values("Enkätfrågor")[1:]] == ["F1", "F2"]


def test_a_scale_is_compared_whole_equal_once_other_alternatives_an_error() -> None:
    yes_no = [["Ja/Nej", "Nej", 1, "nej"], ["Ja/Nej", "Ja", 2, "ja"]]
    a = _memory("a.xlsx", Skalor=[SCALES_HEAD, *yes_no, ["Tre", "Dåligt", 1, "nej"], ["Tre", "Bra", 2, "ja"]])
    # -- b: Ja/Nej the same in another row order; Tre with an extra alternative --
    b = _memory("b.xlsx", Skalor=[SCALES_HEAD, yes_no[1], yes_no[0], ["Tre", "Dåligt", 1, "nej"],
                                  ["Tre", "Bra", 2, "ja"], ["Tre", "Mycket bra", 3, "ja"]])
    source = ConsolidatedSource([a, b])
    errors = [p for p in source.problems if p.severity == "fel"]
    assert len(errors) == 1
    msg = errors[0].message
    assert "Tre" in msg and "a.xlsx (Skalor raderna 4 och 5)" in msg and "b.xlsx (Skalor raderna 4–6)" in msg
    assert len(source.read_values("Skalor")) == 1 + 4  # header and a's rows; nothing of b's counted twice


def test_survey_answers_and_mailings_are_the_union_and_an_svarid_in_two_workbooks_is_an_error() -> None:
    a = _memory("a.xlsx", Enkätsvar=[ANSWERS_HEAD, ["S1", "Styrgrupp", None, "2019-06-01", "F1", "Ja"],
                                      ["S1", "Styrgrupp", None, "2019-06-01", "F2", "Ja"]],
                Utskick=[["Enkät", "GruppID", "Datum", "Tillfrågade"], ["Styrgrupp", None, "2019-06-01", 4]])
    b = _memory("b.xlsx", Enkätsvar=[ANSWERS_HEAD, ["S2", "Styrgrupp", None, "2019-06-01", "F1", "Nej"]],
                Utskick=[["Enkät", "GruppID", "Datum", "Tillfrågade"], ["Styrgrupp", None, "2019-06-01", 4]])
    source = ConsolidatedSource([a, b])
    assert not source.problems
    assert len(source.read_values("Enkätsvar")) == 1 + 3 and len(source.read_values("Utskick")) == 1 + 2
    c = _memory("c.xlsx", Enkätsvar=[ANSWERS_HEAD, ["s1", "Styrgrupp", None, "2019-06-02", "F1", "Nej"]])
    errors = [p for p in ConsolidatedSource([a, c]).problems if p.severity == "fel"]
    assert len(errors) == 1 and errors[0].column == "SvarID"
    assert "a.xlsx (Enkätsvar rad 2)" in errors[0].message and "c.xlsx (Enkätsvar rad 2)" in errors[0].message


def test_settings_from_the_first_workbook_and_differences_are_warnings() -> None:
    s = lambda v: [["Nyckel", "Värde"], ["Kalkylår", v], ["Projektnamn", "Första Steget"]]  # noqa: E731
    source = ConsolidatedSource([_memory("a.xlsx", Inställningar=s(4)), _memory("b.xlsx", Inställningar=s(5))])
    warnings = [p for p in source.problems if p.severity == "varning"]
    assert len(warnings) == 1 and "Kalkylår" in warnings[0].message and "b.xlsx" in warnings[0].message
    assert list(source.read_values("Inställningar")[1][:2]) == ["Kalkylår", 4]


def test_sammanstall_refuses_to_write_when_codes_conflict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = example_data()
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    create_workbook(a, data)
    create_workbook(b, data)
    out = tmp_path / "samlad.xlsx"
    assert cli.main(["sammanstall", str(a), str(b), "-o", str(out)]) == 1
    assert not out.exists()
    said = capsys.readouterr().out
    assert "finns både i a.xlsx" in said and "Ingen sammanställning skrevs" in said


def test_in_memory_problems_point_at_their_own_workbook(split_files: list[Path], tmp_path: Path) -> None:
    data = split_by_municipality(example_data())["Perstorp"]
    data["attendance"][4]["date"] = "abc"
    bad = tmp_path / "perstorp.xlsx"
    create_workbook(bad, data)
    results = jobs.check_files([split_files[0], bad]).results
    located = [p for p in results["problems"] if p["sheet"] == "Närvaro i perstorp.xlsx"]
    assert located and located[0]["row"] == 7  # -- header on row 2 of create_workbook's sheets, data from 3 --


def test_report_of_several_workbooks_names_the_sources_and_the_limit(split_files: list[Path], tmp_path: Path) -> None:
    from docx import Document

    out = tmp_path / "rapport.docx"
    assert cli.main(["report", *map(str, split_files), "-o", str(out)]) == 0
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "klippan.xlsx och perstorp.xlsx" in text
    assert "kan inte kännas igen utan personnummer" in text


def test_several_workbooks_are_never_recalculated_in_place(split_files: list[Path]) -> None:
    assert cli.main(["recalc", *map(str, split_files)]) == 2
    assert cli.main(["recalc", *map(str, split_files), "-o", str(split_files[0])]) == 2
