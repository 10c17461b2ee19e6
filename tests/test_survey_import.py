"""`xlpy enkat importera`: exports shaped like Microsoft Forms and Google Forms (xlsx and csv, Swedish
characters, a BOM, semicolons) become anonymous Enkätsvar rows, written surgically into the workbook."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xlpy import cli, jobs
from xlpy.core import compute
from xlpy.example import example_data
from xlpy.io.base import WorkbookError
from xlpy.workbook_template import create_workbook

QUESTION_1 = "Jag har fått det stöd jag behövde i gruppen."
QUESTION_2 = "Jag vet vilket mitt nästa steg mot arbete eller studier är."
NAMES = ("Åsa Öberg", "Märta Ärlig", "Zoë Ångström", "Fatima Ali")
FORMS_HEAD = ["ID", "Starttid", "Sluttid", "E-post", "Namn", "Senaste ändringstid", f"1. {QUESTION_1}",
              QUESTION_2.rstrip(".") + "?", "Praktiken gav mig nya kontakter.", "Kände du dig välkommen första dagen?",
              "Övriga synpunkter"]


def forms_rows() -> list[list[Any]]:
    agree = ["Instämmer helt", "Instämmer till stor del", "Instämmer delvis", "Vet ej"]
    rows = [FORMS_HEAD]
    for i, name in enumerate(NAMES, start=1):
        rows.append([str(i), f"12/1{i}/2019 09:5{i}:00", f"12/1{i}/2019 10:0{i}:00", f"kontakt{i}@exempel.se",
                     name, "", agree[i % 4], agree[(i + 1) % 4], ["Ja", "Nej"][i % 2], ["ja", "NEJ"][i % 2],
                     f"Tack {name}, det var bra!"])
    return rows


@pytest.fixture()
def workbook(tmp_path: Path) -> Path:
    data = example_data()
    data["survey_answers"], data["mailings"] = [], []
    path = tmp_path / "arbetsbok.xlsx"
    create_workbook(path, data)
    return path


def write_csv(path: Path, rows: list[list[Any]], delimiter: str = ";", bom: bool = True,
              encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()  # -- a NEW export file, as a survey tool would give; never a user's workbook --
    ws = wb.active
    ws.title = "Formulärsvar 1"
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def sheet_rows(path: Path, name: str) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path, read_only=False)
    return [r for r in wb[name].iter_rows(min_row=3, values_only=True) if any(v is not None for v in r)]


def all_text(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return "".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith(".xml"))


def test_forms_csv_with_bom_and_semicolons_becomes_anonymous_answers(workbook: Path, tmp_path: Path) -> None:
    export = write_csv(tmp_path / "forms.csv", forms_rows())
    plan = jobs.import_survey(workbook, export, "deltagare", "k2", rng=random.Random(1))
    assert (plan.survey, plan.group_id, plan.respondents) == ("Deltagare", "K2", 4)
    assert [q for _, q in plan.matched] == ["EGEN-1", "EGEN-2", "EGEN-3"]
    assert [(q["question_id"], q["question"], q["scale"]) for q in plan.questions] == [
        ("F1", "Kände du dig välkommen första dagen?", "Ja/Nej")]
    assert plan.identifying == ["ID", "E-post", "Namn", "Senaste ändringstid"]
    assert plan.times == ["Starttid", "Sluttid"] and plan.free_text == ["Övriga synpunkter"]
    rows = sheet_rows(workbook, "Enkätsvar")
    assert len(rows) == 4 * 4  # -- four respondents, four carried questions each --
    ids = {r[0] for r in rows}
    assert len(ids) == 4 and all(i.startswith("SV-") for i in ids)
    assert {r[3] for r in rows} == {dt.datetime(2019, 12, d) for d in (11, 12, 13, 14)}
    assert {r[5] for r in rows if r[4] == "F1"} == {"Ja", "Nej"}  # -- "NEJ" spelled as the scale spells it --
    text = all_text(workbook)
    for secret in (*NAMES, "exempel.se", "Tack", "09:5"):
        assert secret not in text
    assert ("F1", "Deltagare", "Kände du dig välkommen första dagen?", "Ja/Nej", None, None) in \
        sheet_rows(workbook, "Enkätfrågor")


def test_imported_answers_are_counted_and_the_workbook_keeps_its_tables(workbook: Path, tmp_path: Path) -> None:
    export = write_csv(tmp_path / "forms.csv", forms_rows())
    jobs.import_survey(workbook, export, "Deltagare", "K2", rng=random.Random(2))
    outcome = jobs.check_file(workbook)
    assert outcome.errors == 0
    [e] = [e for e in outcome.results["surveys"] if e["question_id"] == "EGEN-1" and e["key"] == "K2"]
    assert e["n"] == 3 and e["counts"]["Vet ej"] == 1
    wb = openpyxl.load_workbook(workbook)
    assert wb["Enkätsvar"].tables["tblEnkatsvar"].ref == "A2:F18"
    assert wb["Enkätfrågor"].tables["tblEnkatfragor"].ref == "A2:F8"


def test_only_the_appended_sheets_and_styles_change(workbook: Path, tmp_path: Path) -> None:
    before = {i.filename: i.CRC for i in zipfile.ZipFile(workbook).infolist()}
    jobs.import_survey(workbook, write_csv(tmp_path / "f.csv", forms_rows()), "Deltagare", "K2", rng=random.Random(3))
    after = {i.filename: i.CRC for i in zipfile.ZipFile(workbook).infolist()}
    assert list(after) == list(before)
    changed = sorted(n for n in after if after[n] != before[n])
    assert len(changed) == 5 and "xl/styles.xml" in changed  # -- two sheets, their two tables, styles --
    assert all(n.startswith(("xl/worksheets/sheet", "xl/tables/table", "xl/styles")) for n in changed)


def test_google_forms_xlsx_export_with_timestamps(workbook: Path, tmp_path: Path) -> None:
    rows = [["Tidstämpel", "E-postadress", QUESTION_1, "Praktiken gav mig nya kontakter."],
            [dt.datetime(2019, 12, 16, 14, 3), "a@exempel.se", "Instämmer helt", "Ja"],
            [dt.datetime(2019, 12, 17, 8, 30), "b@exempel.se", "instämmer inte alls", ""]]
    export = write_xlsx(tmp_path / "google.xlsx", rows)
    plan = jobs.import_survey(workbook, export, "Deltagare", "P2", rng=random.Random(4))
    assert plan.respondents == 2 and len(plan.answers) == 3 and plan.identifying == ["E-postadress"]
    assert plan.dates == [dt.date(2019, 12, 16), dt.date(2019, 12, 17)]
    assert "exempel.se" not in all_text(workbook)


def test_comma_separated_windows_1252_without_bom_and_quoted_commas(workbook: Path, tmp_path: Path) -> None:
    rows = [["Timestamp", "Name", "Samarbetet med Arbetsförmedlingen har fungerat bra."],
            ["2019-12-20 10:00:00", "Öberg, Åsa", "Instämmer helt"]]
    export = write_csv(tmp_path / "personal.csv", rows, delimiter=",", bom=False, encoding="cp1252")
    plan = jobs.import_survey(workbook, export, "Personal", None, rng=random.Random(5))
    assert plan.group_id is None and [q for _, q in plan.matched] == ["EGEN-4"]
    assert sheet_rows(workbook, "Enkätsvar")[0][1:] == ("Personal", None, dt.datetime(2019, 12, 20), "EGEN-4",
                                                          "Instämmer helt")


def test_answer_outside_the_matched_questions_scale_refuses_the_whole_import(workbook: Path, tmp_path: Path) -> None:
    rows = forms_rows()
    rows[3][7] = "Ganska mycket"
    before = workbook.read_bytes()
    with pytest.raises(WorkbookError, match=r"rad 4, kolumn .*svaret Ganska mycket finns inte i skalan Instämmer"):
        jobs.import_survey(workbook, write_csv(tmp_path / "f.csv", rows), "Deltagare", "K2")
    assert workbook.read_bytes() == before


@pytest.mark.parametrize("group, message", [("X9", "GruppID X9 finns inte"), ("K2", "redan 4 formulär")])
def test_unknown_group_and_a_second_import_are_refused(workbook: Path, tmp_path: Path, group: str,
                                                       message: str) -> None:
    export = write_csv(tmp_path / "f.csv", forms_rows())
    if group == "K2":
        jobs.import_survey(workbook, export, "Deltagare", "K2", rng=random.Random(6))
    before = workbook.read_bytes()
    with pytest.raises(WorkbookError, match=message):
        jobs.import_survey(workbook, export, "Deltagare", group)
    assert workbook.read_bytes() == before


def test_ambiguous_day_month_dates_are_refused_unless_a_date_is_given(workbook: Path, tmp_path: Path) -> None:
    rows = [["ID", "Completion time", "Praktiken gav mig nya kontakter."], ["1", "3/4/2019 10:00", "Ja"]]
    export = write_csv(tmp_path / "f.csv", rows)
    with pytest.raises(WorkbookError, match="dag/månad och månad/dag"):
        jobs.import_survey(workbook, export, "Deltagare", "K1")
    plan = jobs.import_survey(workbook, export, "Deltagare", "K1", date=dt.date(2019, 7, 24), rng=random.Random(7))
    assert plan.dates == [dt.date(2019, 7, 24)]


def test_svar_ids_are_never_participant_ids_and_not_in_export_order(workbook: Path, tmp_path: Path) -> None:
    rows = [FORMS_HEAD[:2] + ["Praktiken gav mig nya kontakter."]] + [[str(i), "2019-12-17", "Ja"] for i in range(40)]
    plan = jobs.import_survey(workbook, write_csv(tmp_path / "f.csv", rows), "Deltagare", "K2", rng=random.Random(8))
    ids = [a["answer_id"] for a in plan.answers]
    assert len(set(ids)) == 40 and ids != sorted(ids)
    participants = {r["participant_id"] for r in example_data()["participants"]}
    assert not set(ids) & participants


def test_cli_says_what_was_not_carried_over(workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = write_csv(tmp_path / "forms.csv", forms_rows())
    code = cli.main(["enkat", "importera", str(export), "--enkat", "Deltagare", "--grupp", "K2", "-a", str(workbook)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Importerade 4 formulär (16 svar) till enkäten Deltagare, grupp K2" in out
    assert "identifierande kolumner: ID, E-post, Namn, Senaste ändringstid." in out
    assert "Övriga synpunkter" in out and "radera den" in out
    assert cli.main(["enkat", "importera", str(export), "--enkat", "Deltagare", "--grupp", "X", "-a",
                     str(workbook)]) == 2
    assert "Fel: GruppID X finns inte" in capsys.readouterr().out


def test_workbook_without_survey_sheets_is_refused(tmp_path: Path) -> None:
    from xlpy.io.xlsx_package import write_copy
    from xlpy.model import OutCell, OutputSheet

    path = tmp_path / "gammal.xlsx"
    write_copy(None, path, [OutputSheet("Grupper", [[OutCell("GruppID"), OutCell("Kommun"), OutCell("Gruppnummer"),
                                                      OutCell("Startdatum"), OutCell("Slutdatum")]]),
                            OutputSheet("Deltagare", [[OutCell("DeltagarID"), OutCell("GruppID")]])])
    with pytest.raises(WorkbookError, match="saknar bladen Enkätfrågor, Skalor, Enkätsvar"):
        jobs.import_survey(path, write_csv(tmp_path / "f.csv", forms_rows()), "Deltagare", None)


def test_compute_is_unchanged_by_the_import_elsewhere(workbook: Path, tmp_path: Path) -> None:
    before = compute(jobs.load(jobs.open_file(workbook)))["levels"]
    jobs.import_survey(workbook, write_csv(tmp_path / "f.csv", forms_rows()), "Deltagare", "K2", rng=random.Random(9))
    after = compute(jobs.load(jobs.open_file(workbook)))["levels"]
    assert after["group"]["K2"]["counts"] == before["group"]["K2"]["counts"]
