"""An OOXML (OPC) package held in memory: raw zip entries, content types and relationships.

Parts are addressed by their zip name without the leading slash ("xl/workbook.xml"). OPC part names are
case-insensitive, so lookups are too. Only parts someone marks as changed are re-serialised; all others
keep their original compressed bytes.
"""

from __future__ import annotations

import posixpath
import zlib
from io import BytesIO
from urllib.parse import unquote
from zipfile import ZIP_DEFLATED, ZIP_STORED, BadZipFile, ZipFile

from lxml import etree

from xlpy.io.xlsx_zip import RawEntry, new_entry, raw_entry_from

NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "[Content_Types].xml"
# -- the declaration exactly as Office writes it (lxml would use single quotes) --
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


class NotAPackage(Exception):
    """The bytes are not a zip archive holding an OPC package."""


class DamagedPart(NotAPackage):
    """The package is a zip, but one of its parts is damaged: not well-formed, a bad CRC, or an entry that
    inflates beyond the size it declares."""


def _parse(data: bytes) -> etree._Element:
    # -- no network, no entity expansion: the file comes from a user and may be anything --
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


def parse_xml(data: bytes) -> etree._Element:
    """Parse a part's XML safely (no entities, no network)."""
    return _parse(data)


def serialize(root: etree._Element) -> bytes:
    """A part's XML with the declaration Office writes."""
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False)


def rels_name(part: str) -> str:
    """The relationships part of `part`: xl/workbook.xml -> xl/_rels/workbook.xml.rels; "" -> _rels/.rels."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def resolve(source: str, target: str) -> str:
    """The part a relationship of `source` points at (target relative to source's folder, or absolute)."""
    target = unquote(target)
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


class Relationships:
    """The relationships of one source part, editable."""

    def __init__(self, source: str, data: bytes | None) -> None:
        self.source = source
        self.root = _parse(data) if data is not None else etree.Element(f"{{{NS_PR}}}Relationships",
                                                                        nsmap={None: NS_PR})
        self.changed = data is None

    def items(self) -> list[etree._Element]:
        """The Relationship elements, in file order."""
        return list(self.root.iterchildren(f"{{{NS_PR}}}Relationship"))

    def internal_targets(self) -> list[tuple[str, str, str]]:
        """(Id, Type, resolved part name) of each relationship to a part inside the package."""
        return [(r.get("Id", ""), r.get("Type", ""), resolve(self.source, r.get("Target", "")))
                for r in self.items() if r.get("TargetMode") != "External"]

    def by_id(self, rid: str) -> etree._Element | None:
        """The Relationship with Id `rid`, or None."""
        return next((r for r in self.items() if r.get("Id") == rid), None)

    def by_type(self, rel_type: str) -> list[etree._Element]:
        """Relationships of type `rel_type`."""
        return [r for r in self.items() if r.get("Type") == rel_type]

    def add(self, rel_type: str, part: str) -> str:
        """Add a relationship to `part` with a fresh Id; returns the Id."""
        ids = {r.get("Id") for r in self.items()}
        n = len(ids) + 1
        while f"rId{n}" in ids:
            n += 1
        target = posixpath.relpath(part, posixpath.dirname(self.source) or ".")
        etree.SubElement(self.root, f"{{{NS_PR}}}Relationship", Id=f"rId{n}", Type=rel_type, Target=target)
        self.changed = True
        return f"rId{n}"

    def remove(self, rel: etree._Element) -> None:
        """Drop one relationship."""
        self.root.remove(rel)
        self.changed = True


class Package:
    """A zip package in memory; entries keep their order and, unless replaced, their compressed bytes."""

    def __init__(self, data: bytes) -> None:
        try:
            with ZipFile(BytesIO(data)) as zf:
                infos = zf.infolist()
                fp = BytesIO(data)
                self.entries: list[RawEntry] = [raw_entry_from(fp, info) for info in infos]
        except (BadZipFile, ValueError, OSError) as exc:
            raise NotAPackage(str(exc)) from exc
        self._index = {e.name.lower(): i for i, e in enumerate(self.entries)}
        if CONTENT_TYPES.lower() not in self._index:
            raise NotAPackage("no [Content_Types].xml")
        try:
            self.content_types = _parse(self.read(CONTENT_TYPES))
        except etree.XMLSyntaxError as exc:
            raise DamagedPart("[Content_Types].xml is not well-formed") from exc
        self.content_types_changed = False
        self._rels: dict[str, Relationships] = {}
        self.touched: set[str] = set()  # lower-cased names of parts whose bytes this run produced

    # -- parts ---------------------------------------------------------------------------------------

    def has(self, part: str) -> bool:
        """Whether the package holds `part`."""
        return part.lower() in self._index

    def names(self) -> list[str]:
        """Entry names in order."""
        return [e.name for e in self.entries]

    def entry(self, part: str) -> RawEntry:
        """The raw entry of `part` (KeyError when absent)."""
        return self.entries[self._index[part.lower()]]

    def read(self, part: str) -> bytes:
        """The uncompressed bytes of `part`."""
        e = self.entry(part)
        if e.method == ZIP_STORED:
            data = e.data
        elif e.method == ZIP_DEFLATED:
            # -- inflate no further than the declared size: an entry lying about it would otherwise
            #    inflate until memory runs out (a few KB can hold gigabytes) --
            inflater = zlib.decompressobj(-15)
            try:
                data = inflater.decompress(e.data, e.file_size + 1)
            except zlib.error as exc:
                raise DamagedPart(f"damaged entry {e.name}") from exc
            if len(data) > e.file_size or inflater.unconsumed_tail:
                raise DamagedPart(f"entry {e.name} inflates beyond its declared size")
        else:
            raise NotAPackage(f"unsupported compression {e.method} in {e.name}")
        if len(data) != e.file_size or zlib.crc32(data) != e.crc:
            raise DamagedPart(f"bad CRC in {e.name}")
        return data

    def write(self, part: str, content: bytes, deflated: bytes | None = None) -> None:
        """Replace `part`'s bytes (keeping its place, name and timestamp) or add it at the end.
        deflated: xlsx_zip.deflate(content), when the caller made it already."""
        if self.has(part):
            i = self._index[part.lower()]
            old = self.entries[i]
            if self.read(part) != content:
                self.entries[i] = new_entry(old.name, content, like=old, deflated=deflated)
                self.touched.add(part.lower())
        else:
            self.entries.append(new_entry(part, content, deflated=deflated))
            self._index[part.lower()] = len(self.entries) - 1
            self.touched.add(part.lower())

    def delete(self, part: str) -> None:
        """Remove `part` (and nothing else) from the package, if present."""
        if not self.has(part):
            return
        del self.entries[self._index[part.lower()]]
        self._index = {e.name.lower(): i for i, e in enumerate(self.entries)}

    # -- content types -------------------------------------------------------------------------------

    def content_type(self, part: str) -> str | None:
        """The content type of `part`: its Override, else the Default for its extension."""
        wanted = "/" + part.lower()
        for el in self.content_types.iterchildren(f"{{{NS_CT}}}Override"):
            if el.get("PartName", "").lower() == wanted:
                return el.get("ContentType")
        ext = posixpath.splitext(part)[1].lstrip(".").lower()
        for el in self.content_types.iterchildren(f"{{{NS_CT}}}Default"):
            if el.get("Extension", "").lower() == ext:
                return el.get("ContentType")
        return None

    def set_override(self, part: str, content_type: str) -> None:
        """Make `part`'s content type `content_type` (changing or adding its Override)."""
        wanted = "/" + part.lower()
        for el in self.content_types.iterchildren(f"{{{NS_CT}}}Override"):
            if el.get("PartName", "").lower() == wanted:
                if el.get("ContentType") != content_type:
                    el.set("ContentType", content_type)
                    self.content_types_changed = True
                return
        etree.SubElement(self.content_types, f"{{{NS_CT}}}Override", PartName="/" + part,
                         ContentType=content_type)
        self.content_types_changed = True

    def remove_override(self, part: str) -> None:
        """Drop `part`'s Override, if any."""
        wanted = "/" + part.lower()
        for el in list(self.content_types.iterchildren(f"{{{NS_CT}}}Override")):
            if el.get("PartName", "").lower() == wanted:
                self.content_types.remove(el)
                self.content_types_changed = True

    # -- relationships -------------------------------------------------------------------------------

    def rels(self, source: str) -> Relationships:
        """The (cached, editable) relationships of `source`; empty when it has none."""
        name = rels_name(source)
        if name not in self._rels:
            data = self.read(name) if self.has(name) else None
            self._rels[name] = Relationships(source, data)
            self._rels[name].changed = False
        return self._rels[name]

    def drop_rels(self, source: str) -> None:
        """Delete `source`'s relationships part."""
        name = rels_name(source)
        self._rels.pop(name, None)
        self.delete(name)

    def reachable(self) -> set[str]:
        """Lower-cased names of every part reachable from the package root through relationships."""
        seen: set[str] = set()
        stack = [""]
        while stack:
            source = stack.pop()
            if not self.has(rels_name(source)) and rels_name(source) not in self._rels:
                continue
            for _id, _type, part in self.rels(source).internal_targets():
                if part.lower() not in seen and self.has(part):
                    seen.add(part.lower())
                    stack.append(self.entry(part).name)
        return seen

    def flush(self) -> None:
        """Serialise every changed relationships part and the content types into the entries."""
        for name, rels in self._rels.items():
            if rels.changed:
                self.write(name, serialize(rels.root))
        if self.content_types_changed:
            self.write(CONTENT_TYPES, serialize(self.content_types))
