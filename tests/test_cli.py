"""The xlpy command: exit codes, one-sentence messages, and what each subcommand writes."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest

from xlpy.cli import main
from xlpy.jobs import EXAMPLE_WORKBOOK


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture()
def example(tmp_path) -> Path:
    book = tmp_path / "exempel.xlsx"
    shutil.copyfile(EXAMPLE_WORKBOOK, book)
    return book


def edited(src: Path, dst: Path, sheet: str, cell: str, value) -> Path:
    # -- openpyxl round trip is fine for a test input (the tool itself never saves user files this way) --
    wb = openpyxl.load_workbook(src)
    wb[sheet][cell] = value
    wb.save(dst)
    return dst


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    for cmd in ("new", "check", "recalc", "report", "demo", "addin", "generate"):
        assert cmd in out


def test_check_of_the_example_is_clean_and_writes_nothing(example, capsys):
    before = sha(example)
    assert main(["check", str(example)]) == 0
    assert "0 fel" in capsys.readouterr().out
    assert sha(example) == before


@pytest.mark.parametrize("name", ["finns_inte.xlsx", "mapp"])
def test_missing_file_or_directory_exits_2_with_one_sentence(tmp_path, capsys, name):
    (tmp_path / "mapp").mkdir()
    assert main(["check", str(tmp_path / name)]) == 2
    out = capsys.readouterr().out
    assert out.startswith("Fel: ") and "Traceback" not in out and len(out.strip().splitlines()) == 1


def test_data_problem_gives_exit_1_and_names_sheet_row_column(example, tmp_path, capsys):
    bad = edited(example, tmp_path / "bad.xlsx", "Närvaro", "C3", "X")
    assert main(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "Närvaro rad 3, kolumn Status" in out


def test_missing_required_sheet_exits_2(example, tmp_path, capsys):
    wb = openpyxl.load_workbook(example)
    del wb["Grupper"]
    wb.save(tmp_path / "utan_grupper.xlsx")
    assert main(["recalc", str(tmp_path / "utan_grupper.xlsx")]) == 2
    assert "Grupper" in capsys.readouterr().out


def test_recalc_to_a_copy_leaves_the_original_untouched(example, tmp_path):
    before = sha(example)
    out = tmp_path / "kopia.xlsx"
    assert main(["recalc", str(example), "-o", str(out)]) == 0
    assert sha(example) == before
    assert {"Resultat", "Måluppfyllelse", "Samhällskostnad", "Kontroll"} <= set(openpyxl.load_workbook(out).sheetnames)


def test_recalc_refuses_a_workbook_open_in_excel(example, capsys):
    (example.parent / ("~$" + example.name)).write_bytes(b"owner")
    before = sha(example)
    assert main(["recalc", str(example)]) == 2
    assert "Excel" in capsys.readouterr().out
    assert sha(example) == before


def test_report_refuses_personal_data_until_fixed(example, tmp_path, capsys):
    bad = edited(example, tmp_path / "pnr.xlsx", "Deltagare", "K3", "ring 19850101-1236 om frånvaro")
    out_docx = tmp_path / "r.docx"
    assert main(["report", str(bad), "-o", str(out_docx)]) == 1
    assert "personnummer" in capsys.readouterr().out
    assert not out_docx.exists()
    # the problem is in Kontroll, masked
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(str(bad)).get_sheet_by_name("Kontroll").to_python()
    text = " ".join(str(v) for r in rows for v in r)
    assert "19850101-****" in text and "1236" not in text


def test_new_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "ny.xlsx"
    assert main(["new", str(target)]) == 0
    before = sha(target)
    assert main(["new", str(target)]) == 2
    assert sha(target) == before


def test_addin_build_is_reproducible_from_the_command(tmp_path):
    a, b = tmp_path / "a.xlam", tmp_path / "b.xlam"
    assert main(["addin", "build", "-o", str(a)]) == 0
    assert main(["addin", "build", "-o", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_addin_build_refuses_a_mismatched_xlwings_with_one_sentence(tmp_path, monkeypatch, capsys):
    import xlwings

    monkeypatch.setattr(xlwings, "__version__", "0.0.1")
    assert main(["addin", "build", "-o", str(tmp_path / "x.xlam")]) == 2
    out = capsys.readouterr().out
    assert out.startswith("Fel: ") and "Traceback" not in out
