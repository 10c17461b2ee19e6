"""The evaluator's own report template (`xlpy report --mall MALL.docx`): its fields checked against the
context before anything is written, and the Texter sections it does not use found for Kontroll.

A field the context lacks would render blank without a word (`{{ enkat_n }}`); here it is an error that
lists every unknown field. Fields are the template's Jinja names (docxtpl's undeclared variables) and the
attribute paths from them (`cover.kind`), resolved against the context's dicts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docxtpl import DocxTemplate
from jinja2 import Environment, nodes

from xlpy.model import Problem
from xlpy.report.context import TEXT_KEYS

# -- the file name Skapa årsrapport looks for beside the workbook --
TEMPLATE_BESIDE_WORKBOOK = "rapportmall.docx"


class TemplateFieldError(Exception):
    """The template uses fields the report context does not have; the message is Swedish."""


def template_source(path: Path | str) -> str:
    """The Jinja source of a .docx template: its body, headers and footers, as docxtpl renders them."""
    tpl = DocxTemplate(str(path))
    doc = Document(str(path))
    xml = tpl.patch_xml(tpl.xml_to_string(doc._element.body))
    for rel in doc.part.rels.values():
        if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI) and not rel.is_external and rel.target_part.blob:
            from docx.oxml import parse_xml

            xml += tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob)))
    return xml


def _path(node: nodes.Node) -> list[str] | None:
    """`cover.kind` -> ["cover", "kind"] for a Getattr chain on a plain name; None otherwise."""
    parts: list[str] = []
    while isinstance(node, nodes.Getattr):
        parts.insert(0, node.attr)
        node = node.node
    if isinstance(node, nodes.Name):
        return [node.name, *parts]
    return None


def unknown_fields(source: str, context: dict[str, Any]) -> list[str]:
    """Every field of the template source that the context cannot give, sorted: top-level names it lacks,
    and attribute paths from a context dict (`cover.kind`) whose key is missing."""
    from jinja2 import meta

    env = Environment()
    ast = env.parse(source)
    # -- names a loop or {% set %} defines are the template's own, not the context's --
    own = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    unknown = {n for n in meta.find_undeclared_variables(ast) if n not in context and n not in own}
    for node in ast.find_all(nodes.Getattr):
        path = _path(node)
        if not path or path[0] in own or path[0] not in context:
            continue
        value: Any = context[path[0]]
        for i, key in enumerate(path[1:], start=1):
            if not isinstance(value, dict):
                break  # -- a list or object: its attributes are not this check's to judge --
            if key not in value:
                unknown.add(".".join(path[: i + 1]))
                break
            value = value[key]
    return sorted(unknown)


def check_fields(path: Path | str, context: dict[str, Any]) -> None:
    """Raise TemplateFieldError naming the unknown fields of the template at `path`."""
    unknown = unknown_fields(template_source(path), context)
    if unknown:
        shown = ", ".join("{{ " + f + " }}" for f in unknown)
        raise TemplateFieldError(
            f"Rapportmallen {Path(path).name} har fält som rapporten inte känner till: {shown}. Rätta eller ta "
            "bort dem (fälten som finns står i docs/mall.md). Ingen rapport har skrivits.")


def unused_sections(path: Path | str, texts: dict[str, str]) -> list[Problem]:
    """A Kontroll warning for each Texter section with text that the template does not show."""
    source = template_source(path)
    out = []
    for section in texts:
        slug = next((s for s, (names, _) in TEXT_KEYS.items() if section.strip().lower() in names), None)
        if slug is None or f"texts.{slug}" not in source:
            out.append(Problem("Texter", None, "Avsnitt", section,
                               f"Avsnittet {section} används inte av rapportmallen {Path(path).name} och kommer "
                               "inte med i rapporten.", severity="varning"))
    return out
