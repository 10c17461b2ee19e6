"""Files the program reads at run time, shipped inside the package (`xlpy/data/`) so that a plain
`pip install` finds them: the example workbook (`xlpy demo`) and the Word report template.

The repository keeps them where users look for them, `workbook/forsta_steget_exempel.xlsx` and
`word_templates/arsrapport.docx`; those are what the builders write (`make example`,
`python -m xlpy.report.template_build`) and what people open and edit. The package holds byte-identical
copies, refreshed by `python -m xlpy.resources` (the builders and `make example` call it), and a test
fails when a copy differs from its repository file. The add-in's sources (`xlpy/excel/src/`) and the
xlwings VBA files (inside the installed xlwings package) are package data already.
"""

from __future__ import annotations

import shutil
import sys
from importlib import resources
from pathlib import Path

EXAMPLE_NAME = "forsta_steget_exempel.xlsx"
TEMPLATE_NAME = "arsrapport.docx"
_CHECKOUT = Path(__file__).resolve().parent.parent
# -- the repository file each packaged copy is made from (absent in an installed package) --
REPO_FILES = {
    EXAMPLE_NAME: _CHECKOUT / "workbook" / EXAMPLE_NAME,
    TEMPLATE_NAME: _CHECKOUT / "word_templates" / TEMPLATE_NAME,
}


def data_path(name: str) -> Path:
    """The installed path of the packaged file `name` (one of REPO_FILES), found via importlib.resources.

    A wheel installs into a folder, so the resource is an ordinary file; a zipped install is refused
    with a Swedish sentence rather than read from a temporary copy that could vanish.
    """
    found = resources.files("xlpy").joinpath("data", name)
    if not isinstance(found, Path):
        raise FileNotFoundError(f"Programmets fil {name} kan inte läsas direkt ur installationen ({found}). "
                                "Installera om med pip install utan zip.")
    return found


def sync(names: list[str] | None = None) -> list[Path]:
    """Copy the repository files `names` (default: all of REPO_FILES) into the package; returns the copies."""
    copied = []
    for name in names or list(REPO_FILES):
        target = data_path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO_FILES[name], target)
        copied.append(target)
    return copied


if __name__ == "__main__":
    for path in sync(sys.argv[1:] or None):
        print(f"Kopierade {path}")
