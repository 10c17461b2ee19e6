"""The built add-in, read back with independent readers: olevba, LibreOffice (UNO), lxml against the
customUI schema, python-calamine; plus reproducibility and the install path logic."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import olefile
import pytest
from lxml import etree
from oletools.olevba import VBA_Parser
from python_calamine import CalamineWorkbook

from xlpy.excel import addin
from xlpy.excel.package import REL_RIBBON, RIBBON_PART

REPO = Path(__file__).resolve().parents[1]
# -- the shared folder sits beside the checkout (../shared); a worktree one level deeper finds it too --
SHARED = next((p / "shared" for p in Path(__file__).resolve().parents[1:4] if (p / "shared" / "schemas").is_dir()),
              Path(__file__).resolve().parents[2] / "shared")
NS_UI = "http://schemas.microsoft.com/office/2009/07/customui"
BUTTONS = ["Beräkna mål", "Kontrollera data", "Skapa årsrapport", "Ny arbetsbok", "Sammanställ", "Om"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return addin.build_addin(tmp_path_factory.mktemp("addin") / addin.ADDIN_FILENAME)


@pytest.fixture(scope="module")
def modules() -> dict[str, str]:
    return {m.name: m.source for m in addin.vba_modules()}


def _part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def test_building_twice_gives_identical_bytes(built: Path, tmp_path: Path) -> None:
    again = addin.build_addin(tmp_path / "again.xlam")
    assert again.read_bytes() == built.read_bytes()


def test_committed_addin_is_the_current_build(built: Path) -> None:
    committed = REPO / "workbook" / addin.ADDIN_FILENAME
    assert committed.exists(), "run `xlpy addin build` and commit workbook/forsta_steget.xlam"
    assert committed.read_bytes() == built.read_bytes(), "the committed add-in is stale: rebuild it"


def test_olevba_returns_exactly_the_modules_and_sources(built: Path, modules: dict[str, str]) -> None:
    found = {}
    for _, _, filename, code in VBA_Parser(str(built)).extract_macros():
        found[filename.rsplit(".", 1)[0]] = code
    assert found == modules
    assert set(found) == {"ThisWorkbook", "ConfSheet", "xlwings", "Dictionary", "FS_Ribbon", "xlwings_udfs"}


def test_ribbon_module_is_the_repo_source(modules: dict[str, str]) -> None:
    repo_text = (REPO / "xlpy" / "excel" / "src" / "FS_Ribbon.bas").read_text(encoding="utf-8")
    assert modules["FS_Ribbon"].splitlines() == repo_text.splitlines()


def test_vba_project_stream_is_the_source_only_form(built: Path) -> None:
    ole = olefile.OleFileIO(io.BytesIO(_part(built, "xl/vbaProject.bin")))
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")


def test_xlwings_module_comes_from_installed_package_with_our_project_name(modules: dict[str, str]) -> None:
    text = modules["xlwings"]
    assert 'Public Const PROJECT_NAME As String = "forsta_steget"' in text
    assert '"myaddin"' not in text
    assert f'Public Const XLWINGS_VERSION As String = "{addin.PINNED_XLWINGS}"' in text


def test_build_refuses_another_xlwings_version() -> None:
    with pytest.raises(addin.AddinError, match="0.37.8"):
        addin.check_xlwings_version("0.33.1")


def test_every_ribbon_action_has_a_matching_callback_sub(built: Path, modules: dict[str, str]) -> None:
    ui = etree.fromstring(_part(built, RIBBON_PART))
    actions = [b.get("onAction") for b in ui.iter(f"{{{NS_UI}}}button")]
    assert len(actions) == 6  # -- Beräkna mål, Kontrollera data, Skapa årsrapport, Ny arbetsbok, Sammanställ, Om --
    for action in actions:
        module, _, sub = action.rpartition(".")
        source = modules[module or "FS_Ribbon"]
        assert re.search(rf"^Sub {re.escape(sub)}\(control As IRibbonControl\)\r$", source, re.M), action


def test_callbacks_run_the_matching_python_action(modules: dict[str, str]) -> None:
    from xlpy.excel import actions

    calls = re.findall(r'RunPython "import xlpy\.excel\.actions as a; a\.(\w+)\(\)"', modules["FS_Ribbon"])
    assert calls == ["recalculate", "check_data", "create_report", "consolidate", "new_workbook", "about"]
    assert all(callable(getattr(actions, c)) for c in calls)


def test_ribbon_has_the_swedish_tab_and_buttons(built: Path) -> None:
    ui = etree.fromstring(_part(built, RIBBON_PART))
    assert ui.tag == f"{{{NS_UI}}}customUI"
    tab = ui.find(f".//{{{NS_UI}}}tab")
    assert tab.get("label") == "Första Steget"
    buttons = list(ui.iter(f"{{{NS_UI}}}button"))
    assert [b.get("label") for b in buttons] == BUTTONS
    for b in buttons:
        assert b.get("size") == "large" and b.get("imageMso") and b.get("screentip") and b.get("supertip")


def test_every_image_mso_is_an_excel_control_id(built: Path) -> None:
    ids_file = SHARED / "schemas" / "excel-control-ids.txt"
    if not ids_file.exists():
        pytest.skip(f"shared control list not found at {ids_file}")
    excel_ids = set(ids_file.read_text(encoding="utf-8").split())
    ui = etree.fromstring(_part(built, RIBBON_PART))
    images = [e.get("imageMso") for e in ui.iter() if e.get("imageMso")]
    assert len(images) == len(BUTTONS)
    assert [i for i in images if i not in excel_ids] == []  # e.g. ExportWord is Access's, not Excel's


def test_workbook_open_reports_a_failed_macro_options_in_the_status_bar(modules: dict[str, str]) -> None:
    code = modules["ThisWorkbook"]
    body = code[code.index("Private Sub Workbook_Open()"):code.index("End Sub")]
    assert "On Error Resume Next" not in body
    lines = [line.strip() for line in body.splitlines()]
    assert lines[1] == "On Error GoTo Failed"
    # -- every MacroOptions call sits before the handler; the handler writes the error to the status bar --
    handler = lines.index("Failed:")
    assert lines[handler - 1] == "Exit Sub"
    assert all(i < handler for i, line in enumerate(lines) if line.startswith("Application.MacroOptions"))
    assert lines[handler + 1].startswith(f'Application.StatusBar = "{addin.MACRO_OPTIONS_FAILED}" & Err.Number')
    assert "Err.Description" in lines[handler + 1]


def test_ribbon_xml_validates_against_customui14_schema(built: Path) -> None:
    xsd = SHARED / "schemas" / "customui14.xsd"
    if not xsd.exists():
        pytest.skip(f"shared schemas not found at {xsd}")
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    doc = etree.fromstring(_part(built, RIBBON_PART))
    assert schema.validate(doc), schema.error_log


def test_package_relates_ribbon_and_declares_an_addin(built: Path) -> None:
    rels = etree.fromstring(_part(built, "_rels/.rels"))
    targets = {r.get("Target"): r.get("Type") for r in rels}
    assert targets[RIBBON_PART] == REL_RIBBON
    types = _part(built, "[Content_Types].xml").decode()
    assert 'PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.addin.macroEnabled.main+xml"' in types
    wb_rels = _part(built, "xl/_rels/workbook.xml.rels").decode()
    assert "relationships/vbaProject" in wb_rels and 'Target="vbaProject.bin"' in wb_rels


def test_zip_entries_have_fixed_timestamps(built: Path) -> None:
    with zipfile.ZipFile(built) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert b"2020-01-01T00:00:00Z" in _part(built, "docProps/core.xml")


def test_config_sheet_holds_the_xlwings_keys_from_a1(built: Path) -> None:
    wb = CalamineWorkbook.from_path(str(built))
    assert wb.sheet_names == ["forsta_steget.conf"]
    rows = wb.get_sheet_by_name("forsta_steget.conf").to_python()
    assert [r[0] for r in rows] == ["Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "UDF Modules",
                                    "USE UDF SERVER"]
    assert rows[3][1] == "xlpy.excel.udfs"
    # -- xlwings' VBA reads it as a Boolean (CBool("True")): clicks run in the UDF server, no new python.exe --
    assert rows[4][1] == "True"
    sheet_xml = _part(built, "xl/worksheets/sheet1.xml").decode()
    assert 'codeName="ConfSheet"' in sheet_xml and "hidden" not in sheet_xml


def test_config_values_can_be_set_and_unknown_keys_are_refused(tmp_path: Path) -> None:
    path = addin.build_addin(tmp_path / "c.xlam", {"Interpreter_Win": r"C:\Python311\python.exe"})
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("forsta_steget.conf").to_python()
    assert rows[0][:2] == ["Interpreter_Win", r"C:\Python311\python.exe"]
    with pytest.raises(addin.AddinError):
        addin.config_rows({"Interpreter": "x"})


def test_udf_wrappers_and_their_swedish_help_are_in_the_project(modules: dict[str, str]) -> None:
    from xlpy.excel.udfs import UDF_NAMES

    for name in UDF_NAMES:
        assert f"Function {name}(" in modules["xlwings_udfs"]
        assert f'Application.MacroOptions Macro:="{name}"' in modules["ThisWorkbook"]
    assert "Private Sub Workbook_Open()" in modules["ThisWorkbook"]
    assert 'Category:="Första Steget"' in modules["ThisWorkbook"]


UNO_SCRIPT = r'''
import json, os, subprocess, sys, tempfile, time
import uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

path, profile = os.path.abspath(sys.argv[1]), tempfile.mkdtemp()
pipe = "xlpytest%d" % os.getpid()
proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo",
                         "-env:UserInstallation=file://" + profile, "--accept=pipe,name=%s;urp;" % pipe],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
desktop = None
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(160):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.25)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0,
                                       (prop("FilterName", "Calc MS Excel 2007 XML"), prop("Hidden", True)))
    libs = doc.BasicLibraries
    out = {}
    for name in libs.getElementNames():
        libs.loadLibrary(name)
        lib = libs.getByName(name)
        out[name] = {m: lib.getByName(m) for m in lib.getElementNames()}
    sheets = list(doc.Sheets.getElementNames())
    doc.close(True)
    print(json.dumps({"libraries": out, "sheets": sheets}))
finally:
    try:
        desktop.terminate()
    except Exception:
        pass
    proc.terminate()
    proc.wait(timeout=20)
'''


def _uno_python() -> str | None:
    system_python = Path("/usr/bin/python3")
    if not system_python.exists() or shutil.which("soffice") is None:
        return None
    ok = subprocess.run([str(system_python), "-c", "import uno"], capture_output=True).returncode == 0
    return str(system_python) if ok else None


def test_libreoffice_opens_the_addin_and_lists_the_same_modules(  # slow-ish: starts LibreOffice (~3 s)
    built: Path, modules: dict[str, str], tmp_path: Path
) -> None:
    python = _uno_python()
    if python is None:
        pytest.skip("LibreOffice with Python UNO (/usr/bin/python3 + python3-uno) is not installed")
    script = tmp_path / "lo_modules.py"
    script.write_text(UNO_SCRIPT)
    run = subprocess.run([python, str(script), str(built)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["sheets"] == ["forsta_steget.conf"]
    lo_modules = result["libraries"][addin.PROJECT_NAME]
    assert set(lo_modules) == set(modules)
    for name, source in modules.items():
        # -- LibreOffice drops Attribute lines and adds its own Rem/Option header; the code is the same --
        code = [line for line in source.splitlines() if line and not line.startswith("Attribute ")]
        lo_lines = lo_modules[name].splitlines()
        assert all(line in lo_lines for line in code), name


def test_install_path_on_windows_uses_appdata(tmp_path: Path) -> None:
    env = {"APPDATA": str(tmp_path / "Roaming")}
    assert addin.addin_dir("Windows", env) == tmp_path / "Roaming" / "Microsoft" / "AddIns"
    message = addin.install_addin("Windows", env, tmp_path)
    target = tmp_path / "Roaming" / "Microsoft" / "AddIns" / "forsta_steget.xlam"
    assert target.exists() and str(target) in message
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("forsta_steget.conf").to_python()
    assert rows[0][:2] == ["Interpreter_Win", sys.executable]


def test_install_path_on_macos_is_the_office_group_container(tmp_path: Path) -> None:
    expected = tmp_path / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content" / "Add-Ins"
    assert addin.addin_dir("Darwin", {}, tmp_path) == expected
    addin.install_addin("Darwin", {}, tmp_path)
    rows = CalamineWorkbook.from_path(str(expected / "forsta_steget.xlam")).get_sheet_by_name(
        "forsta_steget.conf"
    ).to_python()
    assert rows[1][:2] == ["Interpreter_Mac", sys.executable]


def test_install_elsewhere_writes_nothing_and_says_what_to_do(tmp_path: Path) -> None:
    message = addin.install_addin("Linux", {}, tmp_path)
    assert "xlpy addin build" in message and "docs/excel.md" in message
    assert list(tmp_path.iterdir()) == []


def test_pinned_xlwings_matches_pyproject() -> None:
    import tomllib

    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert f"xlwings=={addin.PINNED_XLWINGS}" in [d.replace(" ", "") for d in deps]


def test_oletools_strict_parser_accepts_the_dir_stream(built: Path, modules: dict[str, str]) -> None:
    from oletools.olevba import VBA_Project

    ole = olefile.OleFileIO(io.BytesIO(_part(built, "xl/vbaProject.bin")))
    project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
    project.parse_project_stream()
    parsed = {name.rsplit(".", 1)[0]: code for _, name, code in project.parse_modules()}
    assert parsed == modules
    assert (project.projectname, project.codepage, project.lcid) == ("forsta_steget", 1252, 0x0409)
    assert {m.name: (m.textoffset, m.type) for m in project.modules} == {
        name: (0, 0x21 if name in ("xlwings", "FS_Ribbon", "xlwings_udfs") else 0x22) for name in modules
    }


def test_install_over_a_locked_addin_asks_to_close_excel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(*_: object, **__: object) -> Path:
        raise PermissionError(13, "file in use")

    monkeypatch.setattr(addin, "build_addin", locked)
    with pytest.raises(addin.AddinError, match="Stäng Excel"):
        addin.install_addin("Windows", {"APPDATA": str(tmp_path)}, tmp_path)
