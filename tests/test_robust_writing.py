"""Every output is checked before the first write and written atomically: a full disk, Word's lock, a
symbolic link or a bad path never costs the old report, the workbook or a stray temp file (issue #11,
items 5–7)."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from tests.corpus.harness import run_inprocess, sha256
from tests.corpus.variants import EXAMPLE
from xlpy.io import xlsx_package
from xlpy.report import render

OLD_REPORT = b"PK\x03\x04 the steering group's hand-edited report"


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "bok.xlsx"
    shutil.copyfile(EXAMPLE, path)
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".xlpy-" in p.name or p.name.endswith(".tmp"))


def test_a_full_disk_while_saving_the_report_keeps_the_old_report(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = book.with_name("bok_arsrapport.docx")
    report.write_bytes(OLD_REPORT)
    real_save = render.DocxTemplate.save

    def half_then_full(self, filename, *args, **kwargs) -> None:  # noqa: ANN001
        real_save(self, filename, *args, **kwargs)
        data = Path(filename).read_bytes()
        Path(filename).write_bytes(data[: len(data) // 2])  # -- what reached the disk before it filled --
        _disk_full()

    monkeypatch.setattr(render.DocxTemplate, "save", half_then_full)
    run = run_inprocess(["report", str(book)])
    assert run.rc == 2 and run.problems() == [], run.out
    assert "disken är full" in run.out
    assert report.read_bytes() == OLD_REPORT
    assert _leftovers(book.parent) == []


def test_a_full_disk_while_writing_the_workbook_keeps_it(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = sha256(book)
    real = xlsx_package.write_zip

    def half(out, entries) -> None:  # noqa: ANN001
        real(out, entries[: len(entries) // 2])
        _disk_full()

    monkeypatch.setattr(xlsx_package, "write_zip", half)
    run = run_inprocess(["recalc", str(book)])
    assert run.rc == 2 and run.problems() == [] and "disken är full" in run.out, run.out
    assert sha256(book) == before and _leftovers(book.parent) == []


def test_a_full_disk_while_writing_the_pdf_keeps_the_old_pdf(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = book.with_name("bok_arsrapport.pdf")
    pdf.write_bytes(b"%PDF-1.4 old\n%%EOF\n")

    def fake_soffice(_exe: str, src: Path, target: Path, _timeout: float) -> Path:
        out = target / (src.stem + ".pdf")
        out.write_bytes(b"%PDF-1.4 new\n%%EOF\n")
        return out

    real_copy = shutil.copyfile

    def copy(src, dst, *args, **kwargs):  # noqa: ANN001, ANN202
        if ".xlpy-tmp-" in str(dst):
            Path(dst).write_bytes(b"%PDF-1.4 ne")
            _disk_full()
        return real_copy(src, dst, *args, **kwargs)

    monkeypatch.setattr(render, "_soffice_pdf", fake_soffice)
    monkeypatch.setattr(render.shutil, "which", lambda _name: "/usr/bin/soffice")
    monkeypatch.setattr(render.shutil, "copyfile", copy)
    run = run_inprocess(["report", str(book), "--pdf"])
    assert run.rc == 2 and "disken är full" in run.out, run.out
    assert pdf.read_bytes() == b"%PDF-1.4 old\n%%EOF\n"
    assert _leftovers(book.parent) == []


def test_a_report_open_in_word_is_refused_before_the_workbook_is_touched(book: Path) -> None:
    report = book.with_name("bok_arsrapport.docx")
    report.write_bytes(OLD_REPORT)
    book.with_name("~$k_arsrapport.docx").write_bytes(b"\x08anvandare")
    before = sha256(book)
    run = run_inprocess(["report", str(book)])
    assert run.rc == 2 and run.problems() == [] and "öppen i Word" in run.out, run.out
    assert report.read_bytes() == OLD_REPORT and sha256(book) == before


def test_a_report_path_that_is_a_symlink_is_replaced_not_written_through(book: Path) -> None:
    victim = book.with_name("anteckningar.txt")
    victim.write_text("viktiga anteckningar", encoding="utf-8")
    link = book.with_name("rapport.docx")
    link.symlink_to(victim.name)
    run = run_inprocess(["report", str(book), "-o", str(link)])
    assert run.rc == 0, run.out
    assert victim.read_text(encoding="utf-8") == "viktiga anteckningar"
    assert not link.is_symlink() and link.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("args", [
    ["recalc", "{book}", "--json", "{dir}/saknas/x.json"],
    ["recalc", "{book}", "--json", "{dir}"],
    ["recalc", "{book}", "-o", "{dir}/saknas/kopia.xlsx"],
    ["report", "{book}", "-o", "{dir}/saknas/r.docx"],
    ["report", "{book}", "-o", "{dir}/mapp.docx"],
    ["report", "{book}", "--pdf", "-o", "{dir}/r.docx"],
], ids=["json-missing-folder", "json-is-a-folder", "copy-missing-folder", "report-missing-folder",
        "report-is-a-folder", "pdf-is-a-folder"])
def test_a_bad_output_path_is_refused_before_anything_is_written(args: list[str], book: Path) -> None:
    (book.parent / "mapp.docx").mkdir()
    (book.parent / "r.pdf").mkdir()
    before = sha256(book)
    argv = [a.format(book=book, dir=book.parent) for a in args]
    run = run_inprocess(argv)
    assert run.rc == 2 and run.problems() == [], run.out
    assert "finns inte" in run.out or "är en mapp" in run.out, run.out
    assert sha256(book) == before, "the workbook was changed although the job failed"
    assert _leftovers(book.parent) == []
    assert not (book.parent / "r.docx").exists()
