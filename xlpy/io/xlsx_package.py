"""Write the output sheets into a user's .xlsx/.xlsm by editing its zip package surgically and atomically.

Loading and saving a workbook with openpyxl destroys text boxes, sparklines and comment formatting, so
this writer touches only what it owns: the output sheets' worksheet parts, xl/workbook.xml and its
relationships (for sheets it adds), [Content_Types].xml and xl/styles.xml (formats appended at the end).
Every other zip entry is copied with its original compressed bytes, in its original order.

Choices worth knowing:
- docProps/app.xml is left alone. Its TitlesOfParts list of sheet names goes stale when a sheet is added;
  Excel ignores it on open and rewrites it on the next save.
- xl/calcChain.xml is dropped (with its relationship and content type) only when it lists cells of a
  replaced sheet; Excel rebuilds the chain on open. Our sheets hold no formulas, so after the first run
  this never happens again.
- A replaced sheet keeps its part name, sheetId, tab position, the name the user gave it, its VBA
  codeName and tab colour. Its old relationships go; parts only it referenced (drawings, comments,
  tables, printer settings) are removed.
- Defined names (print areas, filters) that point at a replaced sheet are left as they are.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import posixpath
import zlib
from collections.abc import Callable, Iterator, Sequence, Set
from io import BytesIO
from pathlib import Path
from xml.parsers import expat
from zipfile import ZipFile

from lxml import etree

from xlpy.io import safety
from xlpy.io.base import WorkbookError, sheet_key
from xlpy.io.xlsx_opc import (
    DamagedPart,
    NotAPackage,
    Package,
    Relationships,
    parse_xml,
    rels_name,
    resolve,
    serialize,
)
from xlpy.io.xlsx_sheetxml import SharedStrings, worksheet_xml
from xlpy.io.xlsx_styles import MINIMAL_STYLES, StyleBook
from xlpy.io.xlsx_zip import RawEntry, ZipTooLarge, deflate, new_entry, raw_entry_from, write_zip
from xlpy.model import OutputSheet

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
REL_OFFICE_DOCUMENT = REL + "officeDocument"
REL_WORKSHEET = REL + "worksheet"
REL_STYLES = REL + "styles"
REL_CALC_CHAIN = REL + "calcChain"
REL_SHARED_STRINGS = REL + "sharedStrings"
CT_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_XLSM = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
SUFFIX_FOR_CONTENT_TYPE = {CT_XLSX: ".xlsx", CT_XLSM: ".xlsm"}
SUFFIXES = (".xlsx", ".xlsm")
NOT_OOXML = "Resultatbladen kan bara skrivas till .xlsx/.xlsm-filer"
_Q = f"{{{NS}}}"


class XlsxPackageSink:
    """WorkbookSink writing the output sheets into the .xlsx/.xlsm file at `path`, in place."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def write_sheets(self, sheets: list[OutputSheet]) -> None:
        """Replace or add each of `sheets` in the workbook file, leaving everything else as it was.

        Raises WorkbookError (Swedish) when the file is missing, open in Excel, locked by another run,
        read-only or not an .xlsx/.xlsm workbook; the file is then unchanged.
        """
        # -- through a symbolic link, replace the file it points to; replacing the link itself would
        #    leave the user's real workbook without results and the link turned into a copy --
        path = self.path.resolve() if self.path.is_symlink() else self.path
        _check_suffix(path)
        if not path.is_file():
            raise WorkbookError(f"Filen {path.name} finns inte.")
        safety.check_not_open(path)
        safety.check_writable(path)
        with safety.workbook_lock(path), _damaged_parts_explained(path.name):
            package = _load(path.read_bytes(), path.name)
            _write_package(path, package, sheets, mode_from=path)


def uses_1904_dates(workbook: etree._Element) -> bool:
    """Whether the parsed workbook part counts dates in the 1904 system (`<workbookPr date1904="1"/>`,
    xsd:boolean, so also "true")."""
    pr = workbook.find(_Q + "workbookPr")
    return pr is not None and pr.get("date1904", "").strip().lower() in ("1", "true")


def write_copy(src: Path | str | None, dst: Path | str, sheets: list[OutputSheet], date1904: bool = False) -> None:
    """Write a new workbook `dst`: the package of `src` with `sheets` written into it, `src` untouched.

    src None, or a file that is not .xlsx/.xlsm (.xls, .ods, .csv), gives a new workbook holding only
    `sheets`, in the 1904 date system when `date1904` (so its cells copy into such a workbook
    unshifted). dst must end in .xlsx or .xlsm, matching whether `src` holds macros; an existing dst is
    replaced atomically under the same checks as XlsxPackageSink.
    """
    dst = Path(dst)
    _check_suffix(dst)
    label = Path(src).name if src is not None else dst.name
    with _damaged_parts_explained(label):
        _write_copy(src, dst, sheets, date1904)


def _write_copy(src: Path | str | None, dst: Path, sheets: list[OutputSheet], date1904: bool) -> None:
    if src is not None and Path(src).suffix.lower() in SUFFIXES:
        package = _load(Path(src).read_bytes(), Path(src).name)
    else:
        package = _load(new_workbook_bytes(date1904), dst.name)
    main_type = package.content_type(_workbook_part(package, dst.name)) or CT_XLSX
    wanted_suffix = SUFFIX_FOR_CONTENT_TYPE.get(main_type, ".xlsx")
    if dst.suffix.lower() != wanted_suffix:
        raise WorkbookError(f"Kopian måste heta något som slutar på {wanted_suffix}, inte {dst.name}.")
    if dst.exists():
        safety.check_not_open(dst)
        safety.check_writable(dst)
    with safety.workbook_lock(dst):
        _write_package(dst, package, sheets, mode_from=dst if dst.exists() else None)


def new_workbook_bytes(date1904: bool = False) -> bytes:
    """A minimal .xlsx package without sheets, to which output sheets are added (an empty <sheets/>
    is only valid once a sheet is there; write_copy always adds at least one); `date1904` gives it the
    1904 date system."""
    workbook_pr = '<workbookPr date1904="1"/>' if date1904 else ""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT_XLSX}"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{CT_STYLES}"/>'
            "</Types>"
        ).encode(),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL_OFFICE_DOCUMENT}" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ).encode(),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{NS}" xmlns:r="{NS_R}">{workbook_pr}'
            '<bookViews><workbookView/></bookViews><sheets/></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL_STYLES}" Target="styles.xml"/>'
            "</Relationships>"
        ).encode(),
        "xl/styles.xml": MINIMAL_STYLES,
    }
    out = BytesIO()
    write_zip(out, [new_entry(name, content) for name, content in parts.items()])
    return out.getvalue()


def apply_sheets(package: Package, sheets: Sequence[OutputSheet], label: str = "",
                 on_sheet_xml: Callable[[str, bytes], None] | None = None) -> list[str]:
    """Write `sheets` into `package` (in memory); returns the worksheet part names written.

    label names the file in error messages. on_sheet_xml(part, xml) is called with each worksheet's XML as
    soon as it is made (the writer checks it parses meanwhile); for a sheet of bulk rows with the document
    that is well-formed exactly when the part is (worksheet_xml's `proof`). Raises WorkbookError when the package is
    not a workbook.
    """
    keys = [sheet_key(s.name) for s in sheets]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate output sheet names: {[s.name for s in sheets]}")
    for s in sheets:
        # -- Excel refuses to open a workbook with such a sheet name, so fail before touching the file --
        if not s.name.strip() or len(s.name) > 31 or set(s.name) & set("[]:*?/\\") or s.name.startswith("'"):
            raise ValueError(f"not a valid Excel sheet name: {s.name!r}")
    wb_part = _workbook_part(package, label)
    workbook = parse_xml(package.read(wb_part))
    workbook_changed = False
    wb_rels = package.rels(wb_part)
    styles = _styles(package, wb_part)
    sheets_el = workbook.find(_Q + "sheets")
    if sheets_el is None:
        raise WorkbookError(f"{NOT_OOXML}; {label} saknar bladlista.")
    date1904 = uses_1904_dates(workbook)
    existing = {sheet_key(el.get("name", "")): el for el in sheets_el.iterchildren(_Q + "sheet")}
    replaced_ids: set[str] = set()
    orphan_candidates: set[str] = set()
    # -- (part, XML, its deflate in the worker), written into the package in order after the loop: a large
    #    sheet is deflated while the next ones are built instead of while the main thread waits for it --
    pending: list[tuple[str, bytes, concurrent.futures.Future[bytes]]] = []
    shared_part = posixpath.join(posixpath.dirname(wb_part), "sharedStrings.xml")
    # -- bulk rows' texts go into a shared-strings table, but only in a package without one (a new
    #    workbook): a user's own table is never touched, and there they stay inline --
    shared = (SharedStrings() if any(s.bulk_rows for s in sheets) and not wb_rels.by_type(REL_SHARED_STRINGS)
              and not package.has(shared_part) else None)
    try:
        for sheet in sheets:
            workbook_changed |= _prepare_sheet(package, sheet, existing, wb_part, wb_rels, sheets_el, styles,
                                               date1904, replaced_ids, orphan_candidates, pending, on_sheet_xml,
                                               shared)
    finally:
        # -- every deflate has ended before this returns or raises: none runs on behind a refusal --
        concurrent.futures.wait([f for _, _, f in pending])
    written: list[str] = []
    for part, xml, deflating in pending:
        package.write(part, xml, deflated=deflating.result())
        written.append(package.entry(part).name)
    if shared is not None and shared.index:
        wb_rels.add(REL_SHARED_STRINGS, shared_part)
        package.set_override(shared_part, CT_SHARED_STRINGS)
        package.write(shared_part, shared.to_bytes())
    _drop_calc_chain_if_needed(package, wb_part, replaced_ids)
    _remove_orphans(package, orphan_candidates)
    if workbook_changed:
        package.write(wb_part, serialize(workbook))
    styles_part = _resolve_rel(wb_part, wb_rels.by_type(REL_STYLES)[0])
    package.write(styles_part, styles.to_bytes())
    package.flush()
    return written


def _prepare_sheet(package: Package, sheet: OutputSheet, existing: dict[str, etree._Element], wb_part: str,
                   wb_rels: Relationships, sheets_el: etree._Element, styles: StyleBook, date1904: bool,
                   replaced_ids: set[str], orphan_candidates: set[str],
                   pending: list[tuple[str, bytes, concurrent.futures.Future[bytes]]],
                   on_sheet_xml: Callable[[str, bytes], None] | None, shared: SharedStrings | None) -> bool:
    """One sheet of apply_sheets: its part chosen (the replaced sheet's, or a new one), its XML made and
    checked (on_sheet_xml), its deflate started and appended to `pending`. Returns whether the workbook
    part changed (a sheet added)."""
    workbook_changed = False
    el = existing.get(sheet_key(sheet.name))
    rel = wb_rels.by_id(el.get(f"{{{NS_R}}}id", "")) if el is not None else None
    if el is not None and rel is not None and rel.get("TargetMode") != "External":
        part = _resolve_rel(wb_part, rel)
        code_name, tab_color = _kept_sheet_pr(package, part)
        orphan_candidates |= _drop_sheet_rels(package, part)
        if rel.get("Type") != REL_WORKSHEET:
            # -- a chart sheet or dialog sheet of that name becomes a worksheet in the same slot --
            rel.set("Type", REL_WORKSHEET)
            wb_rels.changed = True
        package.set_override(part, CT_WORKSHEET)
        replaced_ids.add(el.get("sheetId", ""))
    else:
        if el is not None:
            # -- a sheet entry whose part is missing: drop it and add the sheet afresh --
            sheets_el.remove(el)
        part = _new_sheet_part(package, {p.lower() for p, _, _ in pending})
        rid = wb_rels.add(REL_WORKSHEET, part)
        ids = [int(s.get("sheetId", "0")) for s in sheets_el.iterchildren(_Q + "sheet")]
        # -- nsmap: where the prefix is not declared above (openpyxl declares it on each <sheet>), lxml
        #    would invent ns0:id; some readers look for the literal r:id. Not redeclared when in scope --
        etree.SubElement(sheets_el, _Q + "sheet", {"name": sheet.name, "sheetId": str(max(ids, default=0) + 1),
                                                   f"{{{NS_R}}}id": rid}, nsmap={"r": NS_R})
        workbook_changed = True
        package.set_override(part, CT_WORKSHEET)
        code_name, tab_color = None, ""
    proof: list[bytes] = []
    xml = worksheet_xml(sheet, styles.xf_index, code_name, tab_color, date1904=date1904, proof=proof, shared=shared)
    # -- deflated in a thread while on_sheet_xml checks it here and the next sheets are made (zlib
    #    releases the GIL, expat does not); the same bytes as deflating after the check --
    pending.append((part, xml, _deflater().submit(deflate, xml)))
    if on_sheet_xml is not None:
        # -- a consolidated sheet of 300 000 rows is checked through its proof (worksheet_xml) --
        on_sheet_xml(part, proof[0] if proof else xml)
    return workbook_changed


_DEFLATERS: dict[int, concurrent.futures.ThreadPoolExecutor] = {}


def _deflater() -> concurrent.futures.ThreadPoolExecutor:
    """One deflate worker per process (a ribbon click reuses it). Per process id: a child forked by
    multiprocessing inherits the parent's pool without its thread, and would wait forever on it."""
    pid = os.getpid()
    pool = _DEFLATERS.get(pid)
    if pool is None:
        pool = _DEFLATERS[pid] = concurrent.futures.ThreadPoolExecutor(max_workers=1,
                                                                       thread_name_prefix="xlpy-deflate")
    return pool


def verify_package(path: Path, expected: list[RawEntry]) -> None:
    """Raise if the zip at `path` is unreadable or its entries differ from `expected`: names, order, CRCs
    and the exact compressed bytes meant to be written.

    Comparing the bytes on disk with the bytes meant to be written proves every entry is exactly the one
    intended, copied or produced, without inflating the large input sheets again (that was a third of
    the time of writing). That the produced parts parse is checked on their XML before it is compressed
    (see _write_package).
    """
    with ZipFile(path) as zf, open(path, "rb") as fp:
        infos = zf.infolist()
        if [i.filename for i in infos] != [e.name for e in expected]:
            raise OSError("entry list differs after writing")
        for info, want in zip(infos, expected, strict=True):
            got = raw_entry_from(fp, info)
            if got.data != want.data or got.crc != want.crc:
                raise OSError(f"entry {info.filename} differs after writing")


# -- internals ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def _damaged_parts_explained(label: str) -> Iterator[None]:
    """A part of the package that does not parse or inflate (styles, workbook, relationships, content
    types; an entry lying about its size) becomes one Swedish sentence; the file is unchanged."""
    try:
        yield
    except (etree.XMLSyntaxError, NotAPackage, zlib.error) as exc:  # -- not ExpatError: that is our own XML --
        raise WorkbookError(
            f"{label} är skadad: en del av filen (t.ex. formatmallar, bladlista eller relationer) går inte att "
            "läsa, så resultatbladen kan inte skrivas. Öppna filen i Excel, spara den och försök igen."
        ) from exc


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise WorkbookError(f"{NOT_OOXML}; {path.name} är ingen sådan fil.")


def _load(data: bytes, label: str) -> Package:
    try:
        return Package(data)
    except DamagedPart:
        raise  # -- explained by _damaged_parts_explained: the file is a workbook, one part is damaged --
    except NotAPackage:
        raise WorkbookError(f"{NOT_OOXML}; {label} är ingen giltig sådan fil.") from None


def _workbook_part(package: Package, label: str) -> str:
    try:
        for _id, rel_type, part in package.rels("").internal_targets():
            if rel_type == REL_OFFICE_DOCUMENT and package.content_type(part) in SUFFIX_FOR_CONTENT_TYPE:
                return package.entry(part).name
    except (etree.XMLSyntaxError, NotAPackage, KeyError):
        pass
    # -- a workbook part that is there but not reached from the package root (a damaged _rels/.rels): the
    #    file is a workbook (reading finds xl/workbook.xml directly), but one Excel cannot open as saved --
    try:
        if package.has("xl/workbook.xml") and package.content_type("xl/workbook.xml") in SUFFIX_FOR_CONTENT_TYPE:
            raise WorkbookError(
                f"{label} är skadad: filens relationer pekar inte ut bladlistan, så resultatbladen kan inte "
                "skrivas. Öppna filen i Excel, spara den och försök igen.")
    except (etree.XMLSyntaxError, NotAPackage):
        pass
    raise WorkbookError(f"{NOT_OOXML}; {label} är ingen giltig sådan fil.")


def _write_package(path: Path, package: Package, sheets: list[OutputSheet], mode_from: Path | None) -> None:
    if not sheets:
        raise ValueError("no output sheets to write")
    # -- every part this run produces must parse before the file is replaced; copied parts are as valid
    #    as they were. Each worksheet is checked as soon as it is made, before it is compressed --
    checked: set[str] = set()

    def check(part: str, xml: bytes) -> None:
        _check_parses(xml)
        checked.add(part.lower())

    apply_sheets(package, sheets, path.name, on_sheet_xml=check)
    for name in package.names():
        if name.lower() in package.touched and name.lower() not in checked:
            _check_parses(package.read(name))

    save_package(path, package, mode_from)


def save_package(path: Path, package: Package, mode_from: Path | None) -> None:
    """Write `package` to `path` atomically (a temporary file, read back and compared, then renamed);
    its parts must already have been checked to parse. A package over the zip format's 4 GB is refused."""

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as f:
            try:
                write_zip(f, package.entries)
            except ZipTooLarge:
                raise WorkbookError(f"{path.name} är för stor för att skrivas (över 4 GB).") from None

    expected = list(package.entries)
    safety.atomic_write(path, write, lambda tmp: _verify(tmp, expected), mode_from=mode_from)


def _check_parses(xml: bytes) -> None:
    """Raise ExpatError unless `xml` is well-formed. expat builds no tree: lxml's tree of a 20 000-participant
    Måluppfyllelse took ~100 MB and four times as long, and the check needs no tree."""
    expat.ParserCreate().Parse(xml, True)


def _verify(tmp: Path, expected: list[RawEntry]) -> None:
    # -- a module-level indirection so tests can inject a failure at the last moment --
    verify_package(tmp, expected)


def _resolve_rel(source: str, rel: etree._Element) -> str:
    return resolve(source, rel.get("Target", ""))


def _styles(package: Package, wb_part: str) -> StyleBook:
    wb_rels = package.rels(wb_part)
    found = wb_rels.by_type(REL_STYLES)
    if found and package.has(_resolve_rel(wb_part, found[0])):
        return StyleBook(package.read(_resolve_rel(wb_part, found[0])))
    for rel in found:
        wb_rels.remove(rel)
    part = posixpath.join(posixpath.dirname(wb_part), "styles.xml")
    wb_rels.add(REL_STYLES, part)
    package.set_override(part, CT_STYLES)
    package.write(part, MINIMAL_STYLES)
    return StyleBook(MINIMAL_STYLES)


def _new_sheet_part(package: Package, reserved: Set[str] = frozenset()) -> str:
    # -- reserved: lower-cased parts chosen for sheets not yet written into the package --
    n = 1
    while package.has(f"xl/worksheets/sheet{n}.xml") or f"xl/worksheets/sheet{n}.xml" in reserved:
        n += 1
    return f"xl/worksheets/sheet{n}.xml"


def _kept_sheet_pr(package: Package, part: str) -> tuple[str | None, str]:
    """The codeName and the <tabColor/> XML of the sheet being replaced (None, "" when absent)."""
    if not package.has(part):
        return None, ""
    try:
        root = parse_xml(package.read(part))
    except etree.XMLSyntaxError:
        return None, ""
    sheet_pr = root.find(_Q + "sheetPr")
    if sheet_pr is None:
        return None, ""
    tab = sheet_pr.find(_Q + "tabColor")
    tab_xml = ""
    if tab is not None:
        attrs = "".join(f' {k}="{v}"' for k, v in sorted(tab.attrib.items()) if "{" not in k)
        tab_xml = f"<tabColor{attrs}/>"
    return sheet_pr.get("codeName"), tab_xml


def _drop_sheet_rels(package: Package, part: str) -> set[str]:
    """Delete the replaced sheet's relationships; return every part they led to, transitively."""
    if not package.has(rels_name(part)):
        return set()
    found: set[str] = set()
    stack = [part]
    while stack:
        source = stack.pop()
        if not package.has(rels_name(source)):
            continue
        for _id, _type, target in package.rels(source).internal_targets():
            if package.has(target) and target.lower() not in found:
                found.add(target.lower())
                stack.append(package.entry(target).name)
    package.drop_rels(part)
    return found


def _remove_orphans(package: Package, candidates: set[str]) -> None:
    """Delete the candidate parts nothing reachable refers to any more, with their relationships."""
    if not candidates:
        return
    reachable = package.reachable()
    for lower in sorted(candidates - reachable):
        if not package.has(lower):
            continue
        name = package.entry(lower).name
        package.drop_rels(name)
        package.delete(name)
        package.remove_override(name)


def _drop_calc_chain_if_needed(package: Package, wb_part: str, replaced_ids: set[str]) -> None:
    wb_rels = package.rels(wb_part)
    for rel in wb_rels.by_type(REL_CALC_CHAIN):
        part = _resolve_rel(wb_part, rel)
        if package.has(part) and not _calc_chain_mentions(package.read(part), replaced_ids):
            continue
        wb_rels.remove(rel)
        package.delete(part)
        package.remove_override(part)


def _calc_chain_mentions(data: bytes, sheet_ids: set[str]) -> bool:
    # -- each <c> carries i= (the sheetId) or inherits the previous cell's --
    try:
        root = parse_xml(data)
    except etree.XMLSyntaxError:
        return True
    current = None
    for c in root.iterchildren(_Q + "c"):
        current = c.get("i", current)
        if current in sheet_ids:
            return True
    return False
