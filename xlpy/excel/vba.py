"""A VBA project (`vbaProject.bin`) written from source text, per [MS-OVBA].

The project is written in the source-only form the specification allows: `_VBA_PROJECT` holds no
performance cache and every module stream is just its compressed source (MODULEOFFSET 0), so Office
compiles the modules from source when it opens the file. Everything here is deterministic: the same
modules give the same bytes.
"""

from __future__ import annotations

import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from xlpy.excel.cfb import write_compound_file

CODEPAGE = 1252
LCID = 0x0409
# -- [MS-OVBA] 2.3.4.1: version 0xFFFF tells Office there is no compiled code to trust --
VBA_PROJECT_SOURCE_ONLY = bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x01, 0x00])

STDOLE_LIBID = (
    r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation"
)
# -- IRibbonControl lives in the Office type library; without this reference the callbacks do not compile --
OFFICE_LIBID = (
    r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
    r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library"
)

ModuleKind = Literal["standard", "class", "document"]

_CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"


@dataclass(frozen=True)
class VbaModule:
    """One module: its name (an ASCII identifier), kind and full stored source (CRLF line ends,
    `Attribute VB_Name` first, as the VBA editor stores it)."""

    name: str
    kind: ModuleKind
    source: str


# -- compression, [MS-OVBA] 2.4.1 --

_CHUNK = 4096
_MAX_CANDIDATES = 512  # bounds the match search; any match is valid, the longest only compresses better


def _copy_token_help(difference: int) -> tuple[int, int]:
    """(bit count of the length part, maximum length) for a copy token `difference` bytes into a chunk."""
    bit_count = max((difference - 1).bit_length(), 4)
    length_bits = 16 - bit_count
    return length_bits, (1 << length_bits) - 1 + 3


def _compress_chunk(data: bytes) -> bytes:
    out = bytearray()
    pos = 0
    end = len(data)
    heads: dict[bytes, list[int]] = {}

    def remember(i: int) -> None:
        if i + 3 <= end:
            heads.setdefault(data[i : i + 3], []).append(i)

    while pos < end:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            best_len, best_off = 0, 0
            if pos > 0 and pos + 3 <= end:
                length_bits, max_len = _copy_token_help(pos)
                limit = min(max_len, end - pos)
                candidates = heads.get(data[pos : pos + 3], [])
                for cand in reversed(candidates[-_MAX_CANDIDATES:]):
                    n = 3
                    while n < limit and data[cand + n] == data[pos + n]:
                        n += 1
                    if n > best_len:
                        best_len, best_off = n, pos - cand
                        if n == limit:
                            break
            if best_len >= 3:
                token = ((best_off - 1) << length_bits) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                for i in range(pos, pos + best_len):
                    remember(i)
                pos += best_len
            else:
                out.append(data[pos])
                remember(pos)
                pos += 1
        out[flag_index] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Compress `data` into an [MS-OVBA] 2.4.1 CompressedContainer (signature byte 0x01, then chunks)."""
    out = bytearray([0x01])
    for start in range(0, len(data), _CHUNK):
        chunk = data[start : start + _CHUNK]
        body = _compress_chunk(chunk)
        if len(body) > _CHUNK:
            # -- too big for the 12-bit size field: a raw chunk, always 4096 bytes. [MS-OVBA] 2.4.1.3.10
            # pads a short last chunk with 0x00, which only incompressible data (never source text) needs --
            out += struct.pack("<H", 0x3FFF)
            out += chunk.ljust(_CHUNK, b"\x00")
        else:
            out += struct.pack("<H", ((len(body) + 2 - 3) & 0x0FFF) | 0x3000 | 0x8000)
            out += body
    return bytes(out)


# -- data encryption for the PROJECT stream's CMG/DPB/GC, [MS-OVBA] 2.4.3 --


def encrypt_data(project_id: str, data: bytes, seed: int = 0x42) -> str:
    """Encrypt `data` the way the PROJECT stream stores protection state, password and visibility.

    `project_id` is the ID value including braces; `seed` is fixed so builds are reproducible.
    Returns upper-case hex text.
    """
    project_key = sum(project_id.encode("ascii")) & 0xFF
    version = 2
    out = bytearray([seed, seed ^ version, seed ^ project_key])
    unencrypted_1 = project_key
    encrypted_1 = out[2]
    encrypted_2 = out[1]

    def push(byte: int) -> None:
        nonlocal unencrypted_1, encrypted_1, encrypted_2
        enc = ((encrypted_2 + unencrypted_1) & 0xFF) ^ byte
        out.append(enc)
        encrypted_2 = encrypted_1
        encrypted_1 = enc
        unencrypted_1 = byte

    for _ in range((seed & 6) // 2):
        push(0)
    for byte in struct.pack("<I", len(data)) + data:
        push(byte)
    return out.hex().upper()


def decrypt_data(project_id: str, text: str) -> bytes:
    """Inverse of encrypt_data; raises ValueError when the text is not validly encrypted."""
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    if seed ^ version_enc != 2:
        raise ValueError("unknown encryption version")
    project_key = sum(project_id.encode("ascii")) & 0xFF
    if seed ^ key_enc != project_key:
        raise ValueError("project key mismatch")
    unencrypted_1, encrypted_1, encrypted_2 = project_key, key_enc, version_enc
    plain = bytearray()
    for enc in raw[3:]:
        byte = enc ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        plain.append(byte)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack_from("<I", plain, ignored)[0]
    return bytes(plain[ignored + 4 : ignored + 4 + length])


# -- streams --


def _rec(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _mbcs(text: str) -> bytes:
    return text.encode("cp1252")


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _reference(name: str, libid: str) -> bytes:
    name_rec = _rec(0x16, _mbcs(name)) + _rec(0x3E, _utf16(name))
    lib = _mbcs(libid)
    registered = struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0)
    return name_rec + _rec(0x0D, registered)


def dir_stream(project_name: str, modules: Sequence[VbaModule]) -> bytes:
    """The uncompressed `dir` stream ([MS-OVBA] 2.3.4.2): project information, references to stdole
    and Office, and one record set per module with MODULEOFFSET 0."""
    out = bytearray()
    out += _rec(0x01, struct.pack("<I", 1))  # SysKind: 32-bit Windows, as Office itself writes for VBA7
    out += _rec(0x02, struct.pack("<I", LCID))
    out += _rec(0x14, struct.pack("<I", LCID))
    out += _rec(0x03, struct.pack("<H", CODEPAGE))
    out += _rec(0x04, _mbcs(project_name))
    out += _rec(0x05, b"") + _rec(0x40, b"")
    out += _rec(0x06, b"") + _rec(0x3D, b"")
    out += _rec(0x07, struct.pack("<I", 0))
    out += _rec(0x08, struct.pack("<I", 0))
    out += struct.pack("<HIIH", 0x09, 4, 1, 0)  # PROJECTVERSION: its Reserved field is always 4
    out += _rec(0x0C, b"") + _rec(0x3C, b"")
    out += _reference("stdole", STDOLE_LIBID)
    out += _reference("Office", OFFICE_LIBID)
    out += _rec(0x0F, struct.pack("<H", len(modules)))
    out += _rec(0x13, struct.pack("<H", 0xFFFF))
    for m in modules:
        out += _rec(0x19, _mbcs(m.name)) + _rec(0x47, _utf16(m.name))
        out += _rec(0x1A, _mbcs(m.name)) + _rec(0x32, _utf16(m.name))
        out += _rec(0x1C, b"") + _rec(0x48, b"")
        out += _rec(0x31, struct.pack("<I", 0))
        out += _rec(0x1E, struct.pack("<I", 0))
        out += _rec(0x2C, struct.pack("<H", 0xFFFF))
        out += struct.pack("<HI", 0x21 if m.kind == "standard" else 0x22, 0)
        out += struct.pack("<HI", 0x2B, 0)
    out += struct.pack("<HI", 0x10, 0)
    return bytes(out)


def project_id(project_name: str) -> str:
    """A stable project GUID derived from the name, in the PROJECT stream's `{...}` form."""
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "xlpy:vba:" + project_name)).upper() + "}"


def project_stream(project_name: str, modules: Sequence[VbaModule]) -> bytes:
    """The text `PROJECT` stream ([MS-OVBA] 2.3.1): modules, name, unprotected and visible."""
    pid = project_id(project_name)
    lines = [f'ID="{pid}"']
    for m in modules:
        if m.kind == "document":
            lines.append(f"Document={m.name}/&H00000000")
        elif m.kind == "class":
            lines.append(f"Class={m.name}")
        else:
            lines.append(f"Module={m.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt_data(pid, struct.pack("<I", 0))}"',
        f'DPB="{encrypt_data(pid, bytes([0]))}"',
        f'GC="{encrypt_data(pid, bytes([0xFF]))}"',
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return _mbcs("\r\n".join(lines) + "\r\n")


def projectwm_stream(modules: Sequence[VbaModule]) -> bytes:
    """`PROJECTwm` ([MS-OVBA] 2.3.3): each module name in MBCS and UTF-16, then a terminator."""
    out = bytearray()
    for m in modules:
        out += _mbcs(m.name) + b"\x00" + _utf16(m.name) + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def module_header(name: str, kind: ModuleKind, base: str | None = None) -> str:
    """The attribute lines the VBA editor stores at the top of a class or document module."""
    if kind == "standard":
        return f'Attribute VB_Name = "{name}"\r\n'
    base = base or _CLASS_BASE
    predeclared = "True" if kind == "document" else "False"
    customizable = "True" if kind == "document" else "False"
    return (
        f'Attribute VB_Name = "{name}"\r\n'
        f'Attribute VB_Base = "{base}"\r\n'
        "Attribute VB_GlobalNameSpace = False\r\n"
        "Attribute VB_Creatable = False\r\n"
        f"Attribute VB_PredeclaredId = {predeclared}\r\n"
        "Attribute VB_Exposed = True\r\n"
        "Attribute VB_TemplateDerived = False\r\n"
        f"Attribute VB_Customizable = {customizable}\r\n"
    )


def build_vba_project(project_name: str, modules: Sequence[VbaModule]) -> bytes:
    """The whole `vbaProject.bin` as bytes: PROJECT, PROJECTwm and the VBA storage."""
    names = [m.name for m in modules]
    if len(set(n.lower() for n in names)) != len(names):
        raise ValueError("module names must be unique")
    streams: dict[str, bytes] = {
        "PROJECT": project_stream(project_name, modules),
        "PROJECTwm": projectwm_stream(modules),
        "VBA/_VBA_PROJECT": VBA_PROJECT_SOURCE_ONLY,
        "VBA/dir": compress(dir_stream(project_name, modules)),
    }
    for m in modules:
        streams["VBA/" + m.name] = compress(m.source.encode("cp1252"))
    return write_compound_file(streams)
