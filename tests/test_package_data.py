"""A plain install finds its own files (#11 item 9): everything read at run time ships inside the
package, the packaged copies equal the repository's files, and a wheel installed outside the checkout
runs demo, report and addin build from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import xlpy
from xlpy import jobs, resources

REPO = Path(__file__).resolve().parents[1]
PACKAGE = Path(xlpy.__file__).resolve().parent


@pytest.mark.parametrize("name", sorted(resources.REPO_FILES))
def test_packaged_copy_equals_the_repository_file(name: str) -> None:
    packaged = resources.data_path(name)
    assert packaged.is_relative_to(PACKAGE) and packaged.exists(), "run `make package-data`"
    assert packaged.read_bytes() == resources.REPO_FILES[name].read_bytes(), (
        f"xlpy/data/{name} differs from {resources.REPO_FILES[name].relative_to(REPO)}: run `make package-data`")


def test_what_the_jobs_read_at_run_time_is_inside_the_package() -> None:
    import inspect

    from xlpy.report import render

    assert jobs.EXAMPLE_WORKBOOK.resolve().is_relative_to(PACKAGE)
    assert "data_path(TEMPLATE_NAME)" in inspect.getsource(render.render_report)


@pytest.mark.slow
def test_a_wheel_installed_outside_the_checkout_runs_demo_report_and_addin_build(tmp_path: Path) -> None:
    # -- pip builds the wheel as `pip install <repo>` would; it is unpacked into a folder of its own and
    #    imported from there (the dependencies come from this venv), from a folder outside the checkout --
    dist = tmp_path / "dist"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(REPO)],
                           capture_output=True, text=True)
    if built.returncode != 0 and "setuptools" in built.stderr:
        pytest.skip(f"no build backend available: {built.stderr[-300:]}")
    assert built.returncode == 0, built.stderr
    wheel = next(dist.glob("xlpy-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        z.extractall(site)
    assert {f"xlpy/data/{n}" for n in resources.REPO_FILES} <= names
    assert {"xlpy/excel/src/customUI14.xml", "xlpy/excel/src/FS_Ribbon.bas"} <= names
    elsewhere = tmp_path / "annan_mapp"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONSAFEPATH": "1"}

    def xlpy_cmd(*args: str) -> subprocess.CompletedProcess[str]:
        code = "import sys, xlpy, xlpy.cli; print(xlpy.__file__); sys.exit(xlpy.cli.main(sys.argv[1:]))"
        return subprocess.run([sys.executable, "-c", code, *args], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=300)

    demo = xlpy_cmd("demo", "ut")
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert demo.stdout.splitlines()[0].startswith(str(site)), demo.stdout  # not the checkout's xlpy
    assert (elsewhere / "ut" / "arsrapport.docx").stat().st_size > 10_000
    report = xlpy_cmd("report", "ut/forsta_steget_exempel.xlsx", "-o", "rapport.docx")
    assert report.returncode == 0 and (elsewhere / "rapport.docx").exists(), report.stdout + report.stderr
    addin = xlpy_cmd("addin", "build")
    assert addin.returncode == 0 and (elsewhere / "forsta_steget.xlam").exists(), addin.stdout + addin.stderr
    assert "Traceback" not in demo.stderr + report.stderr + addin.stderr
