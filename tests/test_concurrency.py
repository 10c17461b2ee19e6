"""Two runs, Excel, and a user's hands on the output sheets (issue #5): a second recalc on a locked file is
refused with a sentence, racing runs never corrupt the file, a workbook open in Excel or LibreOffice is
refused, and output sheets a user renamed or moved are found again, never duplicated."""

from __future__ import annotations

import os
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.corpus.harness import run_inprocess, run_subprocess, sha256
from tests.corpus.judge import OUTPUT_NAMES, _values
from tests.corpus.variants import EXAMPLE
from xlpy.io import safety

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _fresh(folder: Path, name: str = "arbetsbok.xlsx") -> Path:
    path = folder / name
    shutil.copyfile(EXAMPLE, path)
    return path


def _edit_sheets(path: Path, edit) -> None:
    """Apply `edit(sheets_element)` to xl/workbook.xml, copying every other zip entry as it is (what
    Excel does when a user renames or drags a tab)."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    tmp = path.with_name(path.name + ".edit")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            if info.filename == "xl/workbook.xml":
                root = etree.fromstring(data)
                edit(root.find(f"{{{NS}}}sheets"))
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            out.writestr(info, data)
    tmp.replace(path)


def _rename(old: str, new: str):
    def edit(sheets: etree._Element) -> None:
        for s in sheets:
            if s.get("name") == old:
                s.set("name", new)
    return edit


def _move_first(name: str):
    def edit(sheets: etree._Element) -> None:
        for s in list(sheets):
            if s.get("name") == name:
                sheets.remove(s)
                sheets.insert(0, s)
    return edit


def _output_counts(path: Path) -> dict[str, int]:
    names = [n.strip().lower() for n in _values(path)]
    return {o: names.count(o) for o in OUTPUT_NAMES}


def test_recalc_on_a_locked_workbook_is_refused_with_a_sentence(tmp_path: Path) -> None:
    path = _fresh(tmp_path)
    before = sha256(path)
    with safety.workbook_lock(path):  # held by this (live) process while another run starts
        run = run_subprocess(["recalc", str(path)])
    assert run.rc == 2 and run.problems() == [], run.out
    assert "En annan körning" in run.out
    assert sha256(path) == before


def test_two_recalcs_at_once_never_corrupt_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from xlpy import cli  # noqa: F401 -- imported before forking

    refused = 0
    inputs = {n: v for n, v in _values(EXAMPLE).items()}
    for i in range(6):
        path = _fresh(tmp_path, f"lopp{i}.xlsx")
        pids = [_fork_recalc(path, tmp_path / f"lopp{i}_{k}.txt") for k in range(2)]
        codes = [os.waitstatus_to_exitcode(os.waitpid(p, 0)[1]) for p in pids]
        outs = [(tmp_path / f"lopp{i}_{k}.txt").read_text(encoding="utf-8") for k in range(2)]
        assert set(codes) <= {0, 2} and 0 in codes, (codes, outs)
        for code, out in zip(codes, outs, strict=True):
            if code == 2:
                refused += 1
                assert out.startswith("Fel: ") and "körning" in out, out
        values = _values(path)
        assert all(values[n] == rows for n, rows in inputs.items())
        assert _output_counts(path) == dict.fromkeys(OUTPUT_NAMES, 1)
        assert not list(tmp_path.glob(f".lopp{i}.xlsx.xlpy-*")), "lock or temporary file left behind"
    with capsys.disabled():
        print(f"\n[samtidighet] 6 lopp med två körningar: {refused} nekade med låsmeddelande, 0 skadade filer")


def _fork_recalc(path: Path, out: Path) -> int:
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            # -- pytest has replaced sys.stdout; the child prints to its own file instead --
            sys.stdout = sys.stderr = open(out, "w", encoding="utf-8")  # noqa: SIM115
            from xlpy import cli

            code = cli.main(["recalc", str(path)])
            sys.stdout.flush()
        finally:
            os._exit(code)
    return pid


@pytest.mark.parametrize(
    "name, owner",
    [("arbetsbok.xlsx", "~$arbetsbok.xlsx"), ("arbetsbok.xlsx", "~$betsbok.xlsx"),
     ("ab.xlsx", "~$ab.xlsx"), ("arbetsbok.xlsx", ".~lock.arbetsbok.xlsx#")],
)
def test_workbook_open_in_excel_or_libreoffice_is_refused(name: str, owner: str, tmp_path: Path) -> None:
    path = _fresh(tmp_path, name)
    (tmp_path / owner).write_bytes(b"\x08anvandare")
    before = sha256(path)
    recalc = run_inprocess(["recalc", str(path)])
    assert recalc.rc == 2 and recalc.problems() == [] and "öppen i" in recalc.out, recalc.out
    assert sha256(path) == before
    check = run_inprocess(["check", str(path)])  # reading an open workbook is harmless
    assert check.rc == 0, check.out


@pytest.mark.parametrize(
    "edit",
    [_rename("Resultat", "resultat"), _rename("Resultat", "  RESULTAT "), _rename("Kontroll", "Kontroll "),
     _move_first("Måluppfyllelse"), _move_first("Kontroll")],
    ids=["lower", "upper-spaces", "trailing-space", "moved-first", "kontroll-first"],
)
def test_renamed_or_moved_output_sheet_is_found_again(edit, tmp_path: Path) -> None:
    path = _fresh(tmp_path)
    assert run_inprocess(["recalc", str(path)]).rc == 0
    _edit_sheets(path, edit)
    edited = list(_values(path))
    inputs = {n: v for n, v in _values(path).items() if n.strip().lower() not in OUTPUT_NAMES}
    run = run_inprocess(["recalc", str(path)])
    assert run.rc == 0 and run.problems() == [], run.out
    after = _values(path)
    assert _output_counts(path) == dict.fromkeys(OUTPUT_NAMES, 1)
    assert list(after) == edited  # same tabs, same order, the user's spelling kept or the program's
    assert all(after[n] == rows for n, rows in inputs.items())


def _titled(values: dict, output_name: str) -> list[str]:
    return [n for n, rows in values.items() if rows and rows[0] and str(rows[0][0]).startswith(f"{output_name} – ")]


@pytest.mark.parametrize("new_name", ["Resultat (gammal)", "Resultat 2019", "Mina siffror"])
def test_output_sheet_renamed_to_something_else_is_the_users_and_a_fresh_one_is_written(
        new_name: str, tmp_path: Path) -> None:
    # -- renamed to keep last year's figures: never written into; Resultat comes back beside it, and
    #    Kontroll says why (#11 item 8) --
    path = _fresh(tmp_path)
    assert run_inprocess(["recalc", str(path)]).rc == 0
    _edit_sheets(path, _rename("Resultat", new_name))
    kept = _values(path)[new_name]
    tabs = list(_values(path))
    run = run_inprocess(["recalc", str(path)])
    assert run.rc == 0 and run.problems() == [], run.out
    after = _values(path)
    assert after[new_name] == kept  # the user's copy, cell for cell
    assert list(after) == tabs + ["Resultat"]
    assert _titled(after, "Resultat") == [new_name, "Resultat"]
    assert _output_counts(path) == dict.fromkeys(OUTPUT_NAMES, 1)
    notes = [r for r in after["Kontroll"] if len(r) > 1 and r[1] == new_name]
    assert len(notes) == 1 and notes[0][0] == "varning", after["Kontroll"]
    assert "skrivs aldrig över" in str(notes[0][-1]) and "Resultat som ett nytt blad" in str(notes[0][-1])
    # -- the next run finds Resultat by name: the copy stays untouched and is not mentioned again --
    again = run_inprocess(["recalc", str(path)])
    assert again.rc == 0 and _values(path)[new_name] == kept and list(_values(path)) == tabs + ["Resultat"]
    assert not [r for r in _values(path)["Kontroll"] if len(r) > 1 and r[1] == new_name]


def test_a_users_own_sheet_named_like_a_title_is_not_taken(tmp_path: Path) -> None:
    # -- without the program's note in row 2 the sheet is the user's: left alone, Resultat added --
    import openpyxl

    path = tmp_path / "egen.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE)
    wb.create_sheet("Min analys").append(["Resultat – mina egna anteckningar"])
    wb.save(path)
    mine = _values(path)["Min analys"]
    run = run_inprocess(["recalc", str(path)])
    assert run.rc == 0, run.out
    after = _values(path)
    assert after["Min analys"] == mine and "Resultat" in after


def test_recalc_through_a_symbolic_link_updates_the_real_workbook(tmp_path: Path) -> None:
    target = _fresh(tmp_path, "riktig.xlsx")
    link = tmp_path / "genvag.xlsx"
    link.symlink_to(target.name)
    run = run_inprocess(["recalc", str(link)])
    assert run.rc == 0, run.out
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert _output_counts(target) == dict.fromkeys(OUTPUT_NAMES, 1)


def test_a_workbook_whose_own_name_starts_with_tilde_dollar_is_not_its_own_owner_file(tmp_path: Path) -> None:
    path = _fresh(tmp_path, "~$konstigt_namn.xlsx")
    run = run_inprocess(["recalc", str(path)])
    assert run.rc == 0 and "öppen i" not in run.out, run.out
