"""Helpers for the report tests (no tests here): text per chapter, tables, raw XML of a rendered report."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

FIXTURE = Path(__file__).parent / "data" / "report" / "results_example.json"


def load_fixture() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def norm(text: str) -> str:
    """Collapse all whitespace (the report uses no-break spaces in numbers) to single spaces."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _table_text(table: Table) -> str:
    return "\n".join(" | ".join(c.text for c in row.cells) for row in table.rows)


def chapters(path: Path) -> dict[str, str]:
    """Normalised text of the document under each heading, keyed "H1" and "H1 / H2" (cover = "")."""
    doc = Document(str(path))
    out: dict[str, list[str]] = {"": []}
    h1 = h2 = ""
    for el in doc.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            par = Paragraph(el, doc)
            style = par.style.name if par.style is not None else ""
            if style == "Heading 1":
                h1, h2 = par.text.strip(), ""
                out.setdefault(h1, [])
                continue
            if style == "Heading 2":
                h2 = par.text.strip()
                out.setdefault(f"{h1} / {h2}", [])
                continue
            text = par.text
        elif tag == "tbl":
            text = _table_text(Table(el, doc))
        else:
            continue
        out.setdefault(h1, []).append(text)
        if h2:
            out[f"{h1} / {h2}"].append(text)
    return {k: norm("\n".join(v)) for k, v in out.items()}


def all_xml_text(path: Path) -> str:
    """The raw XML of every part of the package (document, headers, footers, properties)."""
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
