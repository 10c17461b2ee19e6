"""Refusals and atomicity: a workbook open in Excel, locked by another run, read-only or not OOXML is
left byte-identical with a Swedish WorkbookError; a failure mid-write leaves no trace."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path
from xml.parsers import expat

import pytest

from tests.fixtures_workbooks import build_rich_workbook, sample_sheets
from xlpy.io import safety, xlsx_package
from xlpy.io.base import WorkbookError
from xlpy.io.xlsx_package import XlsxPackageSink


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> Path:
    return build_rich_workbook(tmp_path_factory.mktemp("orig") / "Uppföljning 2019.xlsx")


@pytest.fixture
def book(original, tmp_path) -> Path:
    path = tmp_path / original.name
    shutil.copy(original, path)
    return path


def leftovers(folder: Path) -> list[str]:
    """Files xlpy may create beside a workbook (temp files, locks)."""
    return sorted(p.name for p in folder.iterdir() if ".xlpy-" in p.name)


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def assert_refused(book: Path, match: str) -> None:
    before = book.read_bytes()
    with pytest.raises(WorkbookError, match=match) as info:
        XlsxPackageSink(book).write_sheets(sample_sheets())
    assert book.read_bytes() == before
    assert not [n for n in leftovers(book.parent) if TEMP in n]
    message = str(info.value)
    assert message.endswith(".") and message.count(". ") == 0, "one Swedish sentence"


TEMP = safety.TEMP_INFIX


@pytest.mark.parametrize("owner", ["~$Uppföljning 2019.xlsx", "~$pföljning 2019.xlsx"])
def test_refuses_while_excel_has_the_workbook_open(book, owner):
    (book.parent / owner).write_bytes(b"\x00" * 165)
    assert_refused(book, "öppen i Excel")


def test_refuses_while_libreoffice_has_the_workbook_open(book):
    (book.parent / f".~lock.{book.name}#").write_text("x,host,/tmp,01.01.2026;")
    assert_refused(book, "öppen i LibreOffice")


def test_refuses_while_another_live_run_holds_the_lock(book):
    safety.lock_path(book).write_text(f"{os.getppid()}\n{socket.gethostname()}\n")
    assert_refused(book, "En annan körning")
    assert safety.lock_path(book).exists(), "someone else's lock is never removed"


def test_refuses_a_lock_from_another_machine(book):
    safety.lock_path(book).write_text(f"{dead_pid()}\nen-annan-dator\n")
    assert_refused(book, "En annan körning")


def test_a_stale_lock_of_a_dead_process_is_taken_over(book):
    safety.lock_path(book).write_text(f"{dead_pid()}\n{socket.gethostname()}\n")
    XlsxPackageSink(book).write_sheets(sample_sheets())
    assert b"xl/worksheets/sheet3.xml" in book.read_bytes()
    assert leftovers(book.parent) == []


def test_the_lock_is_exclusive_and_released(book):
    with safety.workbook_lock(book) as lock:
        assert lock.read_text().split("\n")[0] == str(os.getpid())
        with pytest.raises(WorkbookError, match="En annan körning"), safety.workbook_lock(book):
            pass
        assert lock.exists()
    assert not lock.exists()


def test_refuses_a_read_only_file(book):
    book.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        assert_refused(book, "skrivskyddad")
    finally:
        book.chmod(stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.parametrize("name", ["indata.ods", "indata.xls", "indata.csv", "indata.xlsb"])
def test_refuses_formats_other_than_xlsx_and_xlsm(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 not really" if name.endswith(".ods") else b"a;b\n1;2\n")
    with pytest.raises(WorkbookError, match=r"^Resultatbladen kan bara skrivas till \.xlsx/\.xlsm-filer"):
        XlsxPackageSink(path).write_sheets(sample_sheets())
    assert path.read_bytes()[:4] in (b"PK\x03\x04", b"a;b\n")


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x05\x06" + b"\x00" * 18])
def test_refuses_an_xlsx_that_is_not_a_workbook_package(tmp_path, content):
    path = tmp_path / "trasig.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbookError, match="Resultatbladen kan bara skrivas"):
        XlsxPackageSink(path).write_sheets(sample_sheets())
    assert path.read_bytes() == content
    assert leftovers(tmp_path) == []


def test_refuses_a_missing_file(tmp_path):
    with pytest.raises(WorkbookError, match="finns inte"):
        XlsxPackageSink(tmp_path / "saknas.xlsx").write_sheets(sample_sheets())


def test_a_failure_during_verification_leaves_the_original_and_no_temp_file(book, monkeypatch):
    before = book.read_bytes()
    seen: list[Path] = []

    def broken_verify(tmp: Path, *_args) -> None:
        seen.append(tmp)
        assert tmp.exists() and tmp.name.startswith(f".{book.name}{TEMP}")
        raise OSError("injected")

    monkeypatch.setattr(xlsx_package, "_verify", broken_verify)
    with pytest.raises(WorkbookError, match="kontrollen av den nya filen misslyckades"):
        XlsxPackageSink(book).write_sheets(sample_sheets())
    assert seen, "the verify step ran"
    assert book.read_bytes() == before
    assert leftovers(book.parent) == [], "no temp file and no lock left behind"


def test_a_produced_sheet_that_does_not_parse_leaves_the_original_and_no_temp_file(book, monkeypatch):
    # -- every produced part is checked to be well-formed before the file is replaced --
    before = book.read_bytes()
    real = xlsx_package.worksheet_xml

    def broken_xml(sheet, *args, **kwargs) -> bytes:
        xml = real(sheet, *args, **kwargs)
        return xml.replace(b"</sheetData>", b"<row></sheetData>") if sheet.name == sample_sheets()[-1].name else xml

    monkeypatch.setattr(xlsx_package, "worksheet_xml", broken_xml)
    with pytest.raises(expat.ExpatError):
        XlsxPackageSink(book).write_sheets(sample_sheets())
    assert book.read_bytes() == before
    assert leftovers(book.parent) == [], "no temp file and no lock left behind"


def test_atomic_write_keeps_the_file_permissions(book):
    book.chmod(0o640)
    XlsxPackageSink(book).write_sheets(sample_sheets())
    assert stat.S_IMODE(book.stat().st_mode) == 0o640


def test_owner_file_names_cover_short_and_long_names():
    names = [p.name for p in safety.owner_files(Path("/x/Rapport.xlsx"))]
    assert names == ["~$Rapport.xlsx", "~$pport.xlsx", ".~lock.Rapport.xlsx#"]


def test_pid_alive_tells_running_from_finished_processes():
    assert safety.pid_alive(os.getpid())
    assert not safety.pid_alive(dead_pid())


def test_temp_files_of_a_killed_run_are_removed_by_the_next_write(tmp_path):
    from tests.fixtures_workbooks import sample_sheets
    from xlpy.io import safety
    from xlpy.io.xlsx_package import XlsxPackageSink, write_copy

    book = tmp_path / "bok.xlsx"
    write_copy(None, book, sample_sheets())
    stale = [tmp_path / f".bok.xlsx{safety.TEMP_INFIX}dead{i}" for i in range(2)]
    for s in stale:
        s.write_bytes(b"half a zip")
    other = tmp_path / f".annan.xlsx{safety.TEMP_INFIX}dead"
    other.write_bytes(b"not ours")
    XlsxPackageSink(book).write_sheets(sample_sheets())
    assert not any(s.exists() for s in stale)
    assert other.exists()  # another workbook's temp file is left alone
