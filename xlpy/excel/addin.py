"""Build the ribbon add-in `forsta_steget.xlam` from text, and install it where Excel loads add-ins.

The add-in holds: the ribbon (`src/customUI14.xml`), one VBA callback per button (`src/FS_Ribbon.bas`),
xlwings' custom-add-in VBA module and its Dictionary class taken from the installed xlwings package,
the pre-generated `xlwings_udfs` module, a ThisWorkbook module registering the UDFs' Swedish help, and
the config sheet `forsta_steget.conf`. No Excel is needed to build it; building twice gives the same bytes.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Mapping
from pathlib import Path

import xlwings

from xlpy.excel.package import xlam_package
from xlpy.excel.udf_vba import UDF_MODULE, macro_options_vba, udf_vba_module
from xlpy.excel.vba import WORKBOOK_BASE, WORKSHEET_BASE, VbaModule, build_vba_project, module_header

# -- the VBA module, the xlwings DLL and the Python package must be the same version; pyproject pins it --
PINNED_XLWINGS = "0.37.8"
PROJECT_NAME = "forsta_steget"
ADDIN_FILENAME = PROJECT_NAME + ".xlam"
CONF_SHEET = PROJECT_NAME + ".conf"
CONF_CODE_NAME = "ConfSheet"
SRC = Path(__file__).resolve().parent / "src"
REPO_ADDIN = Path(__file__).resolve().parents[2] / "workbook" / ADDIN_FILENAME
_XLWINGS_DIR = Path(xlwings.__file__).resolve().parent
# -- the status-bar text when Workbook_Open cannot register the functions' Swedish help (error number follows) --
MACRO_OPTIONS_FAILED = "Första Steget: hjälptexterna till FS_-funktionerna kunde inte registreras (fel "

# -- config keys xlwings reads from the sheet (column A, from A1 down, values in B; C is help for people) --
CONFIG_HELP = {
    "Interpreter_Win": "Sökväg till python.exe på Windows. Tomt = python i PATH. Fylls i av 'xlpy addin install'.",
    "Interpreter_Mac": "Sökväg till python på Mac. Tomt = python i PATH. Fylls i av 'xlpy addin install'.",
    "PYTHONPATH": "Extra mappar där Python letar efter moduler (sällan behövs).",
    "UDF Modules": "Pythonmodulen med kalkylbladsfunktionerna (FS_...). Ändra inte.",
    "USE UDF SERVER": "True = knapparna körs i samma Python-process som FS_-funktionerna (ett klick tar då "
                      "bråkdelen av en sekund). Starta om Excel efter en uppgradering av xlpy.",
}
DEFAULT_CONFIG = {
    "Interpreter_Win": "",
    "Interpreter_Mac": "",
    "PYTHONPATH": "",
    "UDF Modules": UDF_MODULE,
    # -- without it xlwings starts a new python.exe for every click and pays every import again --
    "USE UDF SERVER": "True",
}


class AddinError(Exception):
    """The add-in cannot be built or installed; the message is Swedish and meant for the user."""


def check_xlwings_version(version: str | None = None) -> None:
    """Refuse to build against another xlwings than the pinned one (`version` None = the installed one)."""
    found = version or xlwings.__version__
    if found != PINNED_XLWINGS:
        raise AddinError(
            f"Tillägget måste byggas med xlwings {PINNED_XLWINGS}, men {found} är installerat. "
            f"Kör: pip install xlwings=={PINNED_XLWINGS}"
        )


def _crlf(text: str) -> str:
    return "\r\n".join(text.splitlines()) + "\r\n"


def xlwings_module_source() -> str:
    """xlwings' custom-add-in module with PROJECT_NAME set to ours, so the config sheet is `forsta_steget.conf`."""
    text = (_XLWINGS_DIR / "xlwings_custom_addin.bas").read_text(encoding="cp1252")
    old = 'Public Const PROJECT_NAME As String = "myaddin"'
    lines = text.splitlines()
    hits = [i for i, line in enumerate(lines) if line.strip() == old]
    if len(hits) != 1 or f"'Version: {PINNED_XLWINGS}" not in lines[:5]:
        raise AddinError("xlwings_custom_addin.bas ser inte ut som väntat; kontrollera xlwings-versionen.")
    lines[hits[0]] = f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"'
    return _crlf("\n".join(lines))


def dictionary_class_source() -> str:
    """xlwings' Dictionary class (needed on Mac), turned from its export form into the stored form."""
    text = (_XLWINGS_DIR / "addin" / "Dictionary.cls").read_text(encoding="cp1252")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Attribute VB_Name"))
    # -- the export header (VERSION/BEGIN/END) and the attributes module_header writes are dropped --
    replaced = ("VB_Name", "VB_GlobalNameSpace", "VB_Creatable", "VB_PredeclaredId", "VB_Exposed")
    body = [
        line for line in lines[start:] if not any(line.startswith(f"Attribute {a} ") for a in replaced)
    ]
    return module_header("Dictionary", "class") + _crlf("\n".join(body))


def ribbon_module_source() -> str:
    """The ribbon callbacks module from `src/FS_Ribbon.bas`, with CRLF line ends."""
    return _crlf((SRC / "FS_Ribbon.bas").read_text(encoding="utf-8"))


def ribbon_xml() -> bytes:
    """The ribbon part `customUI/customUI14.xml`, exactly as kept in `src/`."""
    return (SRC / "customUI14.xml").read_bytes()


def thisworkbook_source() -> str:
    """ThisWorkbook: registers the UDFs' Swedish descriptions for the function wizard when the add-in opens."""
    return module_header("ThisWorkbook", "document", WORKBOOK_BASE) + _crlf(
        "\n".join(
            [
                "' Registers the Swedish help texts of the FS_ worksheet functions (generated at build time).",
                "' A failure is shown in the status bar (not hidden): the functions still work without the help.",
                "Private Sub Workbook_Open()",
                "    On Error GoTo Failed",
                macro_options_vba(),
                "    Exit Sub",
                "Failed:",
                f'    Application.StatusBar = "{MACRO_OPTIONS_FAILED}" & Err.Number & ": " & Err.Description & ")."',
                "End Sub",
            ]
        )
    )


def vba_modules() -> list[VbaModule]:
    """Every module of the add-in's VBA project, in project order."""
    check_xlwings_version()
    return [
        VbaModule("ThisWorkbook", "document", thisworkbook_source()),
        VbaModule(CONF_CODE_NAME, "document", module_header(CONF_CODE_NAME, "document", WORKSHEET_BASE)),
        VbaModule("xlwings", "standard", xlwings_module_source()),
        VbaModule("Dictionary", "class", dictionary_class_source()),
        VbaModule("FS_Ribbon", "standard", ribbon_module_source()),
        VbaModule("xlwings_udfs", "standard", udf_vba_module(ADDIN_FILENAME)),
    ]


def config_rows(config: Mapping[str, str] | None = None) -> list[list[str]]:
    """Rows of the config sheet: key, value, Swedish help. `config` overrides DEFAULT_CONFIG values."""
    values = {**DEFAULT_CONFIG, **(config or {})}
    unknown = set(values) - set(CONFIG_HELP)
    if unknown:
        raise AddinError(f"Okända inställningar för tillägget: {', '.join(sorted(unknown))}")
    return [[key, values[key], CONFIG_HELP[key]] for key in CONFIG_HELP]


def addin_bytes(config: Mapping[str, str] | None = None) -> bytes:
    """The whole add-in file as bytes (deterministic for the same xlwings, sources and config)."""
    vba = build_vba_project(PROJECT_NAME, vba_modules())
    return xlam_package(vba, ribbon_xml(), CONF_SHEET, CONF_CODE_NAME, config_rows(config))


def build_addin(out_path: str | Path = REPO_ADDIN, config: Mapping[str, str] | None = None) -> Path:
    """Write the add-in to `out_path` (default workbook/forsta_steget.xlam) and return the path.

    `config` sets values of the config sheet (keys of CONFIG_HELP); None keeps the defaults, which leave
    the interpreter to Python on PATH. Raises AddinError (Swedish) on an xlwings version mismatch.
    """
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(addin_bytes(config))
    return out


def addin_dir(system: str | None = None, env: Mapping[str, str] | None = None, home: Path | None = None) -> Path | None:
    """Where Excel loads add-ins for this user, or None on a system without desktop Excel.

    Windows: %APPDATA%\\Microsoft\\AddIns (then tick it under Excel-tillägg once). macOS: Office's
    sandboxed add-in folder under ~/Library/Group Containers. `system`, `env`, `home` are for tests.
    """
    system = system or platform.system()
    env = os.environ if env is None else env
    home = home or Path.home()
    if system == "Windows":
        appdata = env.get("APPDATA")
        base = Path(appdata) if appdata else home / "AppData" / "Roaming"
        return base / "Microsoft" / "AddIns"
    if system == "Darwin":
        return home / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content" / "Add-Ins"
    return None


def install_addin(
    system: str | None = None, env: Mapping[str, str] | None = None, home: Path | None = None
) -> str:
    """Build the add-in with this Python as interpreter and copy it where Excel loads add-ins.

    Returns a Swedish message saying where it went and what to do next; on a system without desktop
    Excel nothing is written and the message says what to do instead. Raises AddinError (Swedish) when
    the file cannot be written, e.g. while Excel has the add-in loaded.
    """
    system = system or platform.system()
    target_dir = addin_dir(system, env, home)
    if target_dir is None:
        return (
            f"Excel för Windows eller Mac hittades inte på det här systemet ({system}). "
            f"Bygg tillägget med 'xlpy addin build' och kopiera {ADDIN_FILENAME} till en dator med Excel; "
            "se docs/excel.md."
        )
    key = "Interpreter_Win" if system == "Windows" else "Interpreter_Mac"
    try:
        target = build_addin(target_dir / ADDIN_FILENAME, {key: sys.executable})
    except PermissionError as exc:
        # -- Windows locks a loaded add-in; the usual cause is an Excel still running --
        raise AddinError(
            f"Kunde inte skriva {target_dir / ADDIN_FILENAME}. Stäng Excel och försök igen."
        ) from exc
    steps = (
        "Öppna Excel, välj Arkiv > Alternativ > Tillägg > Hantera: Excel-tillägg > Gå…, "
        "och bocka i 'Första Steget'."
        if system == "Windows"
        else "Öppna Excel, välj Verktyg > Excel-tillägg… och bocka i 'Första Steget'."
    )
    return f"Tillägget installerades i {target}. Python: {sys.executable}. {steps} Fliken 'Första Steget' visas sedan i menyfliksområdet."
