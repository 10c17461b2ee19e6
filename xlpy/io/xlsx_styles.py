"""Append the cell formats the output sheets need to a workbook's xl/styles.xml, never changing existing ones.

Every existing cell refers to its format by position (cellXfs index, which refers to fonts, fills, borders
by position), so existing entries are kept as they are and new ones go at the end. An entry equal to one
already there (for instance appended by an earlier run) is reused, so running twice does not grow the file.
"""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree

from xlpy.io.xlsx_opc import XML_DECLARATION

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_Q = f"{{{NS}}}"

# -- Excel's built-in number formats that need no <numFmt> entry (ECMA-376 part 1, 18.8.30) --
BUILTIN_NUM_FORMATS = {
    "General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "0.00E+00": 11,
    "@": 49,
}
_FIRST_CUSTOM_NUM_FORMAT = 164
# -- the schema's order of styleSheet children; a missing collection is inserted at its place --
_SHEET_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
                "tableStyles", "colors", "extLst")
_FONT_HEAD = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign")
# -- a stylesheet for a workbook made from nothing (write_copy without a source) --
MINIMAL_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<styleSheet xmlns="' + NS.encode() + b'">'
    b'<fonts count="1"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    b'<scheme val="minor"/></font></fonts>'
    b'<fills count="2"><fill><patternFill patternType="none"/></fill>'
    b'<fill><patternFill patternType="gray125"/></fill></fills>'
    b'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    b'<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    b"</styleSheet>"
)


class StyleBook:
    """The parsed styles part; `xf_index` finds or appends a cell format, `to_bytes` serialises changes."""

    def __init__(self, styles_xml: bytes) -> None:
        self.original = styles_xml
        self.root = etree.fromstring(styles_xml)
        self.changed = False
        self._cache: dict[tuple[tuple[str, Any], ...], int] = {}

    def xf_index(self, style: dict[str, Any]) -> int:
        """The cellXfs index showing `style` (keys of xlpy.model.STYLES); 0, the default, for {}."""
        if not style:
            return 0
        key = tuple(sorted(style.items()))
        if key not in self._cache:
            self._cache[key] = self._find_or_append_xf(style)
        return self._cache[key]

    def to_bytes(self) -> bytes:
        """The styles part: the original bytes when nothing was appended, else the re-serialised tree."""
        if not self.changed:
            return self.original
        return XML_DECLARATION + etree.tostring(self.root, encoding="UTF-8", xml_declaration=False)

    # -- building blocks ---------------------------------------------------------------------------

    def _find_or_append_xf(self, style: dict[str, Any]) -> int:
        font_id = self._font(style)
        fill_id = self._fill(style.get("fill"))
        border_id = self._border(bool(style.get("border")))
        num_id = self._num_format(style.get("num_format"))
        xf = etree.Element(_Q + "xf")
        xf.set("numFmtId", str(num_id))
        xf.set("fontId", str(font_id))
        xf.set("fillId", str(fill_id))
        xf.set("borderId", str(border_id))
        xf.set("xfId", "0")
        for attr, used in (("applyNumberFormat", num_id), ("applyFont", font_id), ("applyFill", fill_id),
                           ("applyBorder", border_id), ("applyAlignment", style.get("wrap"))):
            if used:
                xf.set(attr, "1")
        if style.get("quote_prefix"):
            # -- Excel's "'" before a text: editing the cell keeps it text instead of making a formula --
            xf.set("quotePrefix", "1")
        if style.get("wrap"):
            etree.SubElement(xf, _Q + "alignment", vertical="top", wrapText="1")
        return self._find_or_append("cellXfs", xf)

    def _font(self, style: dict[str, Any]) -> int:
        fonts = self._collection("fonts")
        base = fonts[0] if len(fonts) else etree.fromstring(MINIMAL_STYLES).find(f"{_Q}fonts/{_Q}font")
        font = copy.deepcopy(base)
        for child in list(font):
            if etree.QName(child).localname in ("b", "i", "u") or (
                    etree.QName(child).localname in ("sz", "color") and _wants(style, child)):
                font.remove(child)
        head: list[etree._Element] = []
        if style.get("bold"):
            head.append(etree.Element(_Q + "b"))
        if style.get("italic"):
            head.append(etree.Element(_Q + "i"))
        if style.get("underline"):
            head.append(etree.Element(_Q + "u"))
        for i, el in enumerate(head):
            font.insert(i, el)
        tail: list[etree._Element] = []
        if style.get("size"):
            tail.append(etree.Element(_Q + "sz", val=_num(style["size"])))
        if style.get("color"):
            tail.append(etree.Element(_Q + "color", rgb=_argb(style["color"])))
        # -- Excel writes sz and color after the flags and before the name; keep that order --
        position = sum(1 for c in font if etree.QName(c).localname in _FONT_HEAD + ("sz",))
        for el in tail:
            font.insert(position, el)
            position += 1
        return self._find_or_append("fonts", font)

    def _fill(self, rgb: str | None) -> int:
        if not rgb:
            return 0
        fill = etree.Element(_Q + "fill")
        pattern = etree.SubElement(fill, _Q + "patternFill", patternType="solid")
        etree.SubElement(pattern, _Q + "fgColor", rgb=_argb(rgb))
        etree.SubElement(pattern, _Q + "bgColor", indexed="64")
        return self._find_or_append("fills", fill)

    def _border(self, thin: bool) -> int:
        if not thin:
            return 0
        border = etree.Element(_Q + "border")
        for side in ("left", "right", "top", "bottom"):
            edge = etree.SubElement(border, _Q + side, style="thin")
            etree.SubElement(edge, _Q + "color", indexed="64")
        etree.SubElement(border, _Q + "diagonal")
        return self._find_or_append("borders", border)

    def _num_format(self, code: str | None) -> int:
        if not code:
            return 0
        if code in BUILTIN_NUM_FORMATS:
            return BUILTIN_NUM_FORMATS[code]
        num_fmts = self._collection("numFmts")
        ids = [int(n.get("numFmtId", "0")) for n in num_fmts]
        for n in num_fmts:
            if n.get("formatCode") == code:
                return int(n.get("numFmtId", "0"))
        new_id = max([_FIRST_CUSTOM_NUM_FORMAT - 1, *ids]) + 1
        etree.SubElement(num_fmts, _Q + "numFmt", numFmtId=str(new_id), formatCode=code)
        self._mark_appended(num_fmts)
        return new_id

    def _find_or_append(self, collection: str, element: etree._Element) -> int:
        parent = self._collection(collection)
        wanted = _shape(element)
        for i, existing in enumerate(parent):
            if _shape(existing) == wanted:
                return i
        parent.append(element)
        self._mark_appended(parent)
        return len(parent) - 1

    def _mark_appended(self, parent: etree._Element) -> None:
        parent.set("count", str(len(parent)))
        self.changed = True

    def _collection(self, name: str) -> etree._Element:
        found = self.root.find(_Q + name)
        if found is not None:
            return found
        created = etree.Element(_Q + name, count="0")
        if name == "fills":
            # -- fill ids 0 and 1 are reserved by Excel whatever they hold --
            for pattern in ("none", "gray125"):
                fill = etree.SubElement(created, _Q + "fill")
                etree.SubElement(fill, _Q + "patternFill", patternType=pattern)
            created.set("count", "2")
        later = _SHEET_ORDER[_SHEET_ORDER.index(name) + 1:]
        index = len(self.root)
        for i, child in enumerate(self.root):
            if etree.QName(child).localname in later:
                index = i
                break
        self.root.insert(index, created)
        self.changed = True
        return created


def _wants(style: dict[str, Any], child: etree._Element) -> bool:
    return bool(style.get("size" if etree.QName(child).localname == "sz" else "color"))


def _shape(el: etree._Element) -> tuple[Any, ...]:
    # -- structural identity: tag, attributes and children, ignoring whitespace and attribute order --
    return (el.tag, tuple(sorted(el.attrib.items())), tuple(_shape(c) for c in el if isinstance(c.tag, str)))


def _argb(rgb: str) -> str:
    rgb = rgb.lstrip("#").upper()
    return rgb if len(rgb) == 8 else "FF" + rgb


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))
