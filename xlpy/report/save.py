"""Save the annual report like the workbook: temporary file beside it, fsync, verify, rename (issue #11).

A full disk or a kill mid-save leaves the previous report as it was; a report open in Word (its `~$`
owner file beside it) is refused; a symbolic link at the report's path is replaced by the new file,
never written through into whatever it points at.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from xlpy.io import safety
from xlpy.io.base import WorkbookError


def verify_docx(path: Path) -> None:
    """Raise OSError unless `path` is a complete .docx: a readable zip, every CRC right, a main document."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "word/document.xml" not in names or "[Content_Types].xml" not in names or zf.testzip():
                raise OSError("incomplete .docx")
    except zipfile.BadZipFile as exc:
        raise OSError("not a zip") from exc


def verify_pdf(path: Path) -> None:
    """Raise OSError unless `path` starts as a PDF and ends with its end-of-file marker."""
    with open(path, "rb") as f:
        head = f.read(5)
        f.seek(max(0, path.stat().st_size - 1024))
        tail = f.read()
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise OSError("incomplete PDF")


def save_report(results: dict[str, Any], out_docx: Path, pdf: bool, template: Path | None = None) -> list[Path]:
    """Render the report to `out_docx` (and its PDF beside it when `pdf`) from `template` (None: the
    built-in one), each atomically and under the file's lock. Returns the files written. Raises
    WorkbookError (Swedish) when it cannot be done."""
    from xlpy.report import ReportError, convert_to_pdf, render_report

    out_docx = Path(out_docx)
    written = []
    try:
        with safety.workbook_lock(out_docx):
            safety.check_not_open(out_docx)
            safety.atomic_write(out_docx, lambda tmp: _render(render_report, results, tmp, template), verify_docx)
        written.append(out_docx)
        if pdf:
            written.append(Path(convert_to_pdf(out_docx)))
    except ReportError as exc:
        raise WorkbookError(str(exc)) from exc
    return written


def _render(render: Any, results: dict[str, Any], tmp: Path, template: Path | None) -> None:
    render(results, tmp, template=template)
