"""The evaluator's own template (`xlpy report --mall`): unknown fields refused before anything is written,
unused Texter sections warned about in Kontroll (issue #12, item 8)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from xlpy import jobs
from xlpy.cli import main
from xlpy.report.context import build_context
from xlpy.report.template_build import TEMPLATE_PATH
from xlpy.report.template_check import template_source, unknown_fields


def _template(path: Path, *paragraphs: str) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(str(path))
    return path


@pytest.fixture()
def example(tmp_path: Path) -> Path:
    copy = tmp_path / "exempel.xlsx"
    shutil.copyfile(jobs.EXAMPLE_WORKBOOK, copy)
    return copy


def test_the_built_in_template_uses_only_known_fields() -> None:
    results = jobs.check_file(jobs.EXAMPLE_WORKBOOK).results
    assert unknown_fields(template_source(TEMPLATE_PATH), build_context(results)) == []


def test_unknown_fields_are_an_error_listing_them_and_nothing_is_written(example: Path, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    mall = _template(tmp_path / "mall.docx", "{{ cover.kind }} {{ enkat_n }}", "{{ cover.nope }}",
                     "{% for para in texts.bakgrund %}{{ para }}{% endfor %}")
    before = hashlib.sha256(example.read_bytes()).hexdigest()
    out = tmp_path / "rapport.docx"
    assert main(["report", str(example), "--mall", str(mall), "-o", str(out)]) == 2
    said = capsys.readouterr().out + capsys.readouterr().err
    assert "{{ cover.nope }}" in said and "{{ enkat_n }}" in said and "{{ cover.kind }}" not in said
    assert hashlib.sha256(example.read_bytes()).hexdigest() == before and not out.exists()


def test_a_template_renders_and_unused_texter_sections_are_warnings(example: Path, tmp_path: Path) -> None:
    mall = _template(tmp_path / "mall.docx", "{{ cover.kind }} {{ cover.year }}",
                     "{% for para in texts.bakgrund %}{{ para }}{% endfor %}")
    out = tmp_path / "rapport.docx"
    assert main(["report", str(example), "--mall", str(mall), "-o", str(out)]) == 0
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "ÅRSRAPPORT 2020" in text and "förrehabiliterande insats" in text
    ws = openpyxl.load_workbook(example, read_only=True)["Kontroll"]
    messages = [str(r[-1]) for r in ws.iter_rows(values_only=True) if r and r[-1]]
    unused = [m for m in messages if "används inte av rapportmallen mall.docx" in m]
    assert len(unused) == 3 and any("Utmaningar" in m for m in unused)


def test_a_missing_template_is_a_clear_error(example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(example), "--mall", str(tmp_path / "finns_inte.docx")]) == 2
    assert "Rapportmallen" in capsys.readouterr().out
