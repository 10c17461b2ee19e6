"""Excel integration: the ribbon add-in built from text, xlwings ribbon actions and UDFs.

Importing this package imports nothing heavy; `xlpy.excel.addin` builds and installs the add-in,
`xlpy.excel.actions` holds the ribbon actions and `xlpy.excel.udfs` the worksheet functions.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["build_addin", "install_addin"]


def build_addin(out_path: str | Path) -> Path:
    """Build the add-in `.xlam` at `out_path` (see xlpy.excel.addin.build_addin); returns the path."""
    from xlpy.excel.addin import build_addin as _build

    return _build(out_path)


def install_addin() -> str:
    """Install the add-in where Excel loads it (see xlpy.excel.addin.install_addin); returns a Swedish message."""
    from xlpy.excel.addin import install_addin as _install

    return _install()
