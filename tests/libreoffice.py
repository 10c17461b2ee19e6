"""Converting a file to PDF with LibreOffice in tests (no tests here)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

# -- the conversions are slow-ish (2–4 s each); a test using them is skipped only where LibreOffice is absent --
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) is not installed")


def soffice_pdf(src: Path, out_dir: Path) -> Path:
    """Convert `src` to PDF in `out_dir` with a private LibreOffice profile (parallel runs do not clash);
    asserts that LibreOffice succeeded and wrote a real PDF, and returns its path."""
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={(out_dir / 'lo_profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out_dir), str(src)],
        capture_output=True, text=True, timeout=120,
    )
    pdf = out_dir / (src.stem + ".pdf")
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-"
    return pdf


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
