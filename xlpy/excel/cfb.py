"""A small deterministic writer for Compound File Binary files ([MS-CFB], version 3, 512-byte sectors).

Written here rather than taken from a package so that the add-in is byte-identical from build to build:
every directory entry has zero timestamps and a zero CLSID, and the layout depends only on the input.
Streams under the 4096-byte cutoff go to the mini stream, as the format requires.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN
    size: int = 0


def _sort_key(name: str) -> tuple[int, str]:
    # -- [MS-CFB] 2.6.4: siblings compare by name length first, then by upper-case name --
    return (len(name), name.upper())


def _tree(entries: list[_Entry]) -> int:
    """Link sorted siblings as a balanced binary tree (all black, which readers accept); returns the root."""
    if not entries:
        return NOSTREAM
    mid = len(entries) // 2
    root = entries[mid]
    root.left = _tree(entries[:mid])
    root.right = _tree(entries[mid + 1 :])
    return root.sid


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else ENDOFCHAIN


def _pad(data: bytes, size: int) -> bytes:
    rest = len(data) % size
    return data if rest == 0 else data + b"\x00" * (size - rest)


def write_compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding `streams`, keyed by slash-separated path (e.g. "VBA/dir").

    Storages are created from the paths. Raises ValueError for names over 31 characters.
    """
    root = _Entry("Root Entry", 5)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for part in parts[:-1]:
            node = node.children.setdefault(part, _Entry(part, 1))
        node.children[parts[-1]] = _Entry(parts[-1], 2, data=data)

    order: list[_Entry] = []

    def number(node: _Entry) -> None:
        node.sid = len(order)
        order.append(node)
        kids = sorted(node.children.values(), key=lambda e: _sort_key(e.name))
        for kid in kids:
            number(kid)
        node.child = _tree(kids)

    number(root)
    for e in order:
        if len(e.name) > 31:
            raise ValueError(f"name too long for a compound file: {e.name}")

    # -- mini stream: small streams packed in 64-byte sectors --
    mini = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for e in order:
        if e.kind != 2:
            continue
        e.size = len(e.data)
        if e.size == 0:
            e.start = ENDOFCHAIN
        elif e.size < MINI_CUTOFF:
            first = len(mini) // MINI_SECTOR
            n = (e.size + MINI_SECTOR - 1) // MINI_SECTOR
            minifat.extend([0] * n)
            _chain(minifat, first, n)
            e.start = first
            mini += _pad(e.data, MINI_SECTOR)
        else:
            big.append(e)

    # -- regular sectors: big streams, mini stream container, mini FAT, directory, then FAT --
    body = bytearray()
    fat: list[int] = []

    def place(data: bytes) -> int:
        if not data:
            return ENDOFCHAIN
        first = len(body) // SECTOR
        n = (len(data) + SECTOR - 1) // SECTOR
        fat.extend([0] * n)
        _chain(fat, first, n)
        body.extend(_pad(data, SECTOR))
        return first

    for e in big:
        e.start = place(e.data)
    root.start = place(bytes(mini))
    root.size = len(mini)
    minifat_bytes = b"".join(struct.pack("<I", x) for x in minifat)
    minifat_start = place(minifat_bytes)
    minifat_count = (len(minifat_bytes) + SECTOR - 1) // SECTOR

    directory = bytearray()
    for e in order:
        name = e.name.encode("utf-16-le") + b"\x00\x00"
        directory += name.ljust(64, b"\x00")
        directory += struct.pack("<HBB", len(name), e.kind, 1)
        directory += struct.pack("<III", e.left, e.right, e.child)
        directory += b"\x00" * 16 + struct.pack("<I", 0) + b"\x00" * 16
        directory += struct.pack("<IQ", e.start if e.kind != 1 else 0, e.size)
    while len(directory) % SECTOR:
        # -- unused directory slots: empty name, free, no siblings --
        directory += b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0)
        directory += struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + b"\x00" * 44
    dir_start = place(bytes(directory))

    # -- FAT sectors describe themselves too, so grow until the count is stable --
    n_fat = 1
    while (len(fat) + n_fat) > n_fat * (SECTOR // 4):
        n_fat += 1
    if n_fat > 109:
        raise ValueError("file too large for a header-only DIFAT")
    fat_start = len(fat)
    fat.extend([FATSECT] * n_fat)
    fat.extend([FREESECT] * (n_fat * (SECTOR // 4) - len(fat)))
    fat_bytes = b"".join(struct.pack("<I", x) for x in fat)

    header = bytearray()
    header += _SIGNATURE + b"\x00" * 16
    header += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
    header += b"\x00" * 6
    header += struct.pack("<II", 0, n_fat)
    header += struct.pack("<II", dir_start, 0)
    header += struct.pack("<I", MINI_CUTOFF)
    header += struct.pack("<II", minifat_start if minifat else ENDOFCHAIN, minifat_count)
    header += struct.pack("<II", ENDOFCHAIN, 0)
    difat = [fat_start + i for i in range(n_fat)] + [FREESECT] * (109 - n_fat)
    header += b"".join(struct.pack("<I", x) for x in difat)
    assert len(header) == SECTOR
    return bytes(header) + bytes(body) + fat_bytes
