"""A minimal zip writer that copies untouched entries of an OOXML package with their compressed bytes.

Python's zipfile can only copy an entry by decompressing and compressing it again, which changes the bytes
and costs time on large workbooks. Here an entry we do not own is copied raw (same deflate stream, CRC,
timestamp, attributes); an entry we write is deflated with fixed settings so the output is deterministic.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import BinaryIO
from zipfile import ZIP_DEFLATED, ZipInfo

_LOCAL_SIG = 0x04034B50
_CENTRAL_SIG = 0x02014B50
_END_SIG = 0x06054B50
_UTF8_FLAG = 0x0800
_DATA_DESCRIPTOR_FLAG = 0x0008
_ZIP64_EXTRA_ID = 0x0001
_LIMIT = 0xFFFFFFFF
# -- 1980-01-01 00:00, the earliest DOS time; used for new entries so two runs give the same bytes --
EPOCH = (1980, 1, 1, 0, 0, 0)


LARGE_PART_BYTES = 32 * 2**20


class ZipTooLarge(Exception):
    """The package would need zip64 (an entry or the file above 4 GB, or more than 65535 entries)."""


@dataclass
class RawEntry:
    """One entry ready to be written: its header fields and its compressed bytes."""

    name: str
    data: bytes  # compressed with `method`
    method: int
    crc: int
    file_size: int
    date_time: tuple[int, int, int, int, int, int]
    flag_bits: int = 0
    create_system: int = 0
    create_version: int = 20
    extract_version: int = 20
    internal_attr: int = 0
    external_attr: int = 0
    extra: bytes = b""
    comment: bytes = b""


def raw_entry_from(fp: BinaryIO, info: ZipInfo) -> RawEntry:
    """The entry `info` of the zip archive open as `fp`, with its compressed bytes unchanged."""
    fp.seek(info.header_offset)
    header = fp.read(30)
    sig, *_rest = struct.unpack("<I", header[:4])
    if sig != _LOCAL_SIG:
        raise ValueError(f"bad local header for {info.filename}")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    data = fp.read(info.compress_size)
    if len(data) != info.compress_size:
        raise ValueError(f"truncated entry {info.filename}")
    return RawEntry(
        name=info.filename,
        data=data,
        method=info.compress_type,
        crc=info.CRC,
        file_size=info.file_size,
        date_time=info.date_time,
        # -- sizes are known, so the copy needs no data descriptor; the UTF-8 flag must survive --
        flag_bits=info.flag_bits & ~_DATA_DESCRIPTOR_FLAG,
        create_system=info.create_system,
        create_version=info.create_version,
        extract_version=info.extract_version,
        internal_attr=info.internal_attr,
        external_attr=info.external_attr,
        extra=_strip_zip64(info.extra),
        comment=info.comment,
    )


def deflate(content: bytes) -> bytes:
    """`content` as a zip entry's raw deflate stream. zlib releases the GIL meanwhile, so a writer can
    deflate one part in a thread while it checks the next."""
    # -- deflate level 6 as Excel's own files; a very large part (a consolidated Närvaro of 300 000 rows)
    #    at level 1, five times faster for a file about a third larger --
    level = 1 if len(content) > LARGE_PART_BYTES else 6
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY)
    return compressor.compress(content) + compressor.flush()


def new_entry(name: str, content: bytes, like: RawEntry | None = None, deflated: bytes | None = None) -> RawEntry:
    """A deflated entry holding `content`, taking timestamp and attributes from `like` (or 1980-01-01).
    deflated: deflate(content) when the caller has already made it."""
    data = deflate(content) if deflated is None else deflated
    entry = RawEntry(
        name=name,
        data=data,
        method=ZIP_DEFLATED,
        crc=zlib.crc32(content),
        file_size=len(content),
        date_time=like.date_time if like else EPOCH,
    )
    if like is not None:
        entry.create_system = like.create_system
        entry.create_version = max(like.create_version, 20)
        entry.external_attr = like.external_attr
    if not name.isascii():
        entry.flag_bits |= _UTF8_FLAG
    return entry


def write_zip(out: BinaryIO, entries: list[RawEntry]) -> None:
    """Write `entries` in order as a complete zip archive to `out` (positioned at 0)."""
    if len(entries) >= 0xFFFF:
        raise ZipTooLarge(len(entries))
    central = bytearray()
    offset = 0
    for e in entries:
        if e.flag_bits & 0x1:
            raise ValueError(f"encrypted entry {e.name}")
        if max(len(e.data), e.file_size, offset) >= _LIMIT:
            raise ZipTooLarge(e.name)
        name = e.name.encode("utf-8" if e.flag_bits & _UTF8_FLAG else "cp437")
        dos_time, dos_date = _dos_time(e.date_time)
        local = struct.pack(
            "<IHHHHHIIIHH", _LOCAL_SIG, e.extract_version, e.flag_bits, e.method, dos_time, dos_date,
            e.crc, len(e.data), e.file_size, len(name), 0,
        )
        out.write(local)
        out.write(name)
        out.write(e.data)
        central += struct.pack(
            "<IBBHHHHHIIIHHHHHII", _CENTRAL_SIG, e.create_version, e.create_system, e.extract_version,
            e.flag_bits, e.method, dos_time, dos_date, e.crc, len(e.data), e.file_size, len(name),
            len(e.extra), len(e.comment), 0, e.internal_attr, e.external_attr, offset,
        )
        central += name + e.extra + e.comment
        offset += len(local) + len(name) + len(e.data)
    if offset + len(central) >= _LIMIT:
        raise ZipTooLarge("archive")
    out.write(central)
    out.write(struct.pack("<IHHHHIIH", _END_SIG, 0, 0, len(entries), len(entries), len(central), offset, 0))


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    if y < 1980:
        y, mo, d, h, mi, s = EPOCH
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def _strip_zip64(extra: bytes) -> bytes:
    # -- a zip64 field in the source's central directory would contradict the 32-bit sizes we write --
    out = bytearray()
    i = 0
    while i + 4 <= len(extra):
        field_id, size = struct.unpack("<HH", extra[i : i + 4])
        if field_id != _ZIP64_EXTRA_ID:
            out += extra[i : i + 4 + size]
        i += 4 + size
    return bytes(out)
