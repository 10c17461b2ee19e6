"""Hostile variants of the example workbook made by editing its zip package (issue #11): a stray cell far
away, a sheet with a DTD or a duplicated attribute, malformed styles/workbook/rels/content types, and an
entry whose deflated stream inflates far beyond the size its headers declare."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

try:
    from .variants import EXAMPLE
except ImportError:  # run as a script
    from variants import EXAMPLE  # type: ignore[no-redef]


def sheet_part(sheet: str, source: Path = EXAMPLE) -> str:
    """The zip part holding `sheet` in `source`."""
    from xlpy.io.calamine_backend import _sheet_part

    with zipfile.ZipFile(source) as zf:
        part = _sheet_part(zf, sheet)
    assert part is not None
    return part


def rewrite(dst: Path, edits: dict[str, Callable[[bytes], bytes]], source: Path = EXAMPLE) -> Path:
    """Copy `source` to `dst`, passing the named parts through their edit function."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename in edits:
                data = edits[info.filename](data)
            out.writestr(info, data)
    return dst


def stray_cell(dst: Path, ref: str, sheet: str = "Texter", value: str = "x", source: Path = EXAMPLE) -> Path:
    """`source` with one text cell `value` at `ref` (e.g. "XFD1048576") added to `sheet`."""
    row = re.fullmatch(r"[A-Z]+([0-9]+)", ref)
    assert row is not None

    def add(xml: bytes) -> bytes:
        cell = (f'<row r="{row[1]}"><c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c></row>').encode()
        return xml.replace(b"</sheetData>", cell + b"</sheetData>", 1)

    return rewrite(dst, {sheet_part(sheet, source): add}, source)


def with_dtd(dst: Path, sheet: str = "Deltagare") -> Path:
    """A sheet whose XML carries a DTD with an entity (and an error cell, so every reader parses it)."""

    def add(xml: bytes) -> bytes:
        dtd = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
        xml = xml.replace(b"?>", b"?>" + dtd, 1) if xml.startswith(b"<?xml") else dtd + xml
        return xml.replace(b"</sheetData>", b'<row r="900"><c r="A900" t="e"><v>#REF!</v></c></row></sheetData>')

    return rewrite(dst, {sheet_part(sheet): add})


def duplicate_attribute(dst: Path, sheet: str = "Deltagare") -> Path:
    """A sheet with an error cell and an attribute given twice (not well-formed XML)."""

    def add(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>",
                           b'<row r="900"><c r="A900" t="e" t="e"><v>#REF!</v></c></row></sheetData>')

    return rewrite(dst, {sheet_part(sheet): add})


def malformed(dst: Path, part: str) -> Path:
    """`part` ("xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml")
    cut in half, so it is not well-formed."""
    return rewrite(dst, {part: lambda xml: xml[: len(xml) // 2]})


def lying_entry(dst: Path, part: str, inflated: int = 64 * 2**20, source: Path = EXAMPLE) -> Path:
    """`source` with `part` replaced by a deflate stream of `inflated` bytes whose local and central
    headers declare the original (small) size: readers that trust the header inflate without a bound."""
    with zipfile.ZipFile(source) as zf:
        original = zf.read(part)
    payload = original + b" " * (inflated - len(original))
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = comp.compress(payload) + comp.flush()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                data = b"\0" * len(stream)  # -- a placeholder of the stream's size, patched below --
                out.writestr(info, data, compress_type=zipfile.ZIP_STORED)
            else:
                out.writestr(info, data)
    raw = bytearray(dst.read_bytes())
    with zipfile.ZipFile(dst) as zf:
        info = zf.getinfo(part)
    crc = zlib.crc32(original)
    # -- local header: method deflate, CRC and the declared (original) size; then the stream itself --
    off = info.header_offset
    name_len, extra_len = struct.unpack("<HH", raw[off + 26: off + 30])
    struct.pack_into("<H", raw, off + 8, zipfile.ZIP_DEFLATED)
    struct.pack_into("<III", raw, off + 14, crc, len(stream), len(original))
    start = off + 30 + name_len + extra_len
    raw[start: start + len(stream)] = stream
    # -- the central directory entry says the same --
    cd = raw.find(b"PK\x01\x02" + raw[off + 4: off + 6])
    while cd >= 0:
        n_len = struct.unpack("<H", raw[cd + 28: cd + 30])[0]
        if raw[cd + 46: cd + 46 + n_len] == part.encode():
            struct.pack_into("<H", raw, cd + 10, zipfile.ZIP_DEFLATED)
            struct.pack_into("<III", raw, cd + 16, crc, len(stream), len(original))
            break
        cd = raw.find(b"PK\x01\x02", cd + 4)
    dst.write_bytes(bytes(raw))
    return dst
