"""The VBA file format pieces, checked against independent readers: oletools' decompressor, olefile,
and the project strings of the add-in xlwings itself ships."""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
import xlwings
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from xlpy.excel.cfb import write_compound_file
from xlpy.excel.vba import (
    VBA_PROJECT_SOURCE_ONLY,
    VbaModule,
    build_vba_project,
    compress,
    decrypt_data,
    dir_stream,
    encrypt_data,
    module_header,
    project_id,
    projectwm_stream,
)

XLWINGS_DIR = Path(xlwings.__file__).resolve().parent
XLWINGS_BAS = (XLWINGS_DIR / "xlwings_custom_addin.bas").read_bytes()


def _text_like(n: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    words = [b"Dim", b"As", b"String", b"End", b"Sub", b"RunPython", b"\r\n", b"    ", b"x", b"If", b"Then"]
    out = bytearray()
    while len(out) < n:
        out += rng.choice(words) + b" "
    return bytes(out[:n])


def _decompress(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(data)))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"a",
        _text_like(4095),
        _text_like(4096),
        _text_like(4097),
        _text_like(12_345, seed=7),
        XLWINGS_BAS,
        b"ab" * 10_000,
        b"\x00" * 9_000,
        random.Random(3).randbytes(4096),
        random.Random(4).randbytes(3 * 4096),
        random.Random(5).randbytes(2_000),
    ],
    ids=["empty", "one", "4095", "4096", "4097", "12k", "xlwings-module", "repetitive", "zeros",
         "random-4096", "random-3-chunks", "random-2000"],
)
def test_compressed_stream_round_trips_through_oletools(data: bytes) -> None:
    assert _decompress(compress(data)) == data


def test_compression_actually_compresses_the_xlwings_module() -> None:
    packed = compress(XLWINGS_BAS)
    assert len(packed) < len(XLWINGS_BAS) * 0.5


def test_every_chunk_header_has_the_signature_and_a_consistent_size() -> None:
    packed = compress(_text_like(20_000) + random.Random(9).randbytes(8192))
    pos, chunks = 1, 0
    while pos < len(packed):
        header = struct.unpack_from("<H", packed, pos)[0]
        assert (header >> 12) & 0b111 == 0b011
        pos += (header & 0x0FFF) + 3
        chunks += 1
    assert pos == len(packed)
    assert chunks == 7


def test_incompressible_short_last_chunk_is_padded_as_the_spec_says() -> None:
    data = random.Random(11).randbytes(4_000)
    out = _decompress(compress(data))
    assert out[: len(data)] == data
    assert out[len(data) :] == b"\x00" * (4096 - len(data))


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=9_000))
def test_any_input_decompresses_to_itself_or_spec_padding(data: bytes) -> None:
    out = _decompress(compress(data))
    assert out[: len(data)] == data
    assert set(out[len(data) :]) <= {0}
    assert len(out) - len(data) < 4096


def _xlwings_template_project() -> str:
    with zipfile.ZipFile(XLWINGS_DIR / "quickstart_addin_ribbon.xlam") as z:
        vba = z.read("xl/vbaProject.bin")
    return olefile.OleFileIO(io.BytesIO(vba)).openstream("PROJECT").read().decode("cp1252")


def test_decryption_reads_the_protection_strings_office_wrote_in_xlwings_template() -> None:
    text = _xlwings_template_project()
    pid = re.search(r'^ID="(\{[^}]+\})"', text, re.M).group(1)
    fields = dict(re.findall(r'^(CMG|DPB|GC)="([0-9A-F]+)"', text, re.M))
    assert decrypt_data(pid, fields["CMG"]) == b"\x00\x00\x00\x00"  # not protected
    assert decrypt_data(pid, fields["DPB"]) == b"\x00"  # no password
    assert decrypt_data(pid, fields["GC"]) == b"\xff"  # visible


@pytest.mark.parametrize("seed", [0x00, 0x42, 0x5D, 0xFF])
def test_encryption_round_trips_for_every_ignored_length(seed: int) -> None:
    pid = project_id("forsta_steget")
    for payload in (b"\x00", b"\xff", b"\x00\x00\x00\x00", b"hello"):
        assert decrypt_data(pid, encrypt_data(pid, payload, seed=seed)) == payload


def _records(data: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        if rid == 0x09:  # PROJECTVERSION's size field is a fixed reserved 4 for 6 bytes of payload
            size = 6
        out.append((rid, data[pos + 6 : pos + 6 + size]))
        pos += 6 + size
    return out


MODULES = [
    VbaModule("ThisWorkbook", "document", module_header("ThisWorkbook", "document")),
    VbaModule("Klass", "class", module_header("Klass", "class")),
    VbaModule("Modul1", "standard", 'Attribute VB_Name = "Modul1"\r\nSub A()\r\nEnd Sub\r\n'),
]


def test_dir_stream_lists_references_and_modules_with_offset_zero() -> None:
    records = _records(dir_stream("proj", MODULES))
    names = [body.decode("cp1252") for rid, body in records if rid == 0x16]
    assert names == ["stdole", "Office"]
    assert [body.decode("cp1252") for rid, body in records if rid == 0x19] == ["ThisWorkbook", "Klass", "Modul1"]
    assert [struct.unpack("<I", body)[0] for rid, body in records if rid == 0x31] == [0, 0, 0]
    assert [rid for rid, _ in records if rid in (0x21, 0x22)] == [0x22, 0x22, 0x21]
    assert struct.unpack("<H", next(b for r, b in records if r == 0x0F))[0] == 3
    assert records[-1][0] == 0x10


def test_projectwm_holds_each_name_twice_and_a_terminator() -> None:
    wm = projectwm_stream(MODULES[:1])
    assert wm == b"ThisWorkbook\x00" + "ThisWorkbook".encode("utf-16-le") + b"\x00\x00" + b"\x00\x00"


def test_vba_project_is_source_only_and_readable_by_olefile() -> None:
    ole = olefile.OleFileIO(io.BytesIO(build_vba_project("proj", MODULES)))
    assert ole.openstream("VBA/_VBA_PROJECT").read() == VBA_PROJECT_SOURCE_ONLY == bytes.fromhex("CC61FFFF000100")
    for m in MODULES:
        assert _decompress(ole.openstream("VBA/" + m.name).read()).decode("cp1252") == m.source
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert "Document=ThisWorkbook/&H00000000" in project and "Class=Klass" in project and "Module=Modul1" in project


def test_duplicate_module_names_are_refused() -> None:
    with pytest.raises(ValueError):
        build_vba_project("p", [MODULES[2], VbaModule("MODUL1", "standard", "")])


def test_compound_file_streams_read_back_exactly_with_olefile() -> None:
    rng = random.Random(21)
    streams = {
        "A": b"",
        "small": rng.randbytes(63),
        "edge": rng.randbytes(4095),
        "cutoff": rng.randbytes(4096),
        "S/deep": rng.randbytes(70_000),
        "S/x": b"x",
        "S/T/y": rng.randbytes(700),
    }
    ole = olefile.OleFileIO(io.BytesIO(write_compound_file(streams)))
    for path, data in streams.items():
        assert ole.openstream(path).read() == data
    assert sorted("/".join(e) for e in ole.listdir()) == sorted(streams)


def test_compound_file_is_deterministic_with_zero_times_and_clsids() -> None:
    streams = {"PROJECT": b"p" * 100, "VBA/dir": b"d" * 5000}
    first = write_compound_file(streams)
    assert first == write_compound_file(dict(streams))
    ole = olefile.OleFileIO(io.BytesIO(first))
    for entry in ole.direntries:
        if entry is not None:
            assert entry.createTime == 0 and entry.modifyTime == 0
            assert entry.clsid in ("", "00000000-0000-0000-0000-000000000000")


def test_long_names_are_refused() -> None:
    with pytest.raises(ValueError):
        write_compound_file({"x" * 32: b""})
