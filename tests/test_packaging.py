"""Packaging is a test: the wheel is built, installed into a fresh virtualenv and imported.

This is what catches a package that works from the source tree but not once installed: a new
subpackage that `setup.cfg` does not ship, a module importing a file left out of the wheel, or a
hard dependency that is not declared. Steps:

1. copy the project's packaging inputs (setup.cfg, pyproject.toml, README.md, minigraph/) to a
   temporary directory and build the wheel there (`pip wheel --no-deps`), so stale `build/`
   files in the working tree can neither leak into the wheel nor be disturbed by parallel runs;
2. every `minigraph/**/*.py` of the source tree must be in the wheel;
3. create a fresh venv that also sees this interpreter's site-packages (so numpy comes from
   the host and nothing is downloaded), install the wheel into it with `--no-deps`, and, from an
   empty working directory, import every module listed in the wheel, checking that each one
   comes from the venv.

The README's quick-start commands and `.ci/run` are checked against each other here too.
"""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING_INPUTS = ["setup.cfg", "pyproject.toml", "README.md", "setup.py", "LICENSE"]

# Runs inside the fresh venv: imports each module and reports where it was loaded from.
IMPORT_ALL = """
import importlib, json, sys
found = {}
for name in json.loads(sys.argv[1]):
    module = importlib.import_module(name)
    found[name] = module.__file__
print(json.dumps(found))
"""


def _run(cmd: list, cwd: Path, timeout: int = 240) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_REQUIRE_VIRTUALENV")}
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, (
        f"{' '.join(map(str, cmd))} failed with code {result.returncode}:\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def _can_build_without_isolation() -> bool:
    """True if this Python can build the wheel offline (setuptools >= 61, and `wheel` when
    setuptools is older than 70.1, which folded bdist_wheel in)."""
    if importlib.util.find_spec("setuptools") is None:
        return False
    import setuptools

    version = tuple(int(p) for p in re.findall(r"\d+", setuptools.__version__)[:2])
    if version < (61, 0):
        return False
    return version >= (70, 1) or importlib.util.find_spec("wheel") is not None


def _module_name(wheel_path: str) -> str:
    parts = wheel_path[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("packaging")
    src = work / "src"
    src.mkdir()
    for name in PACKAGING_INPUTS:
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "minigraph", src / "minigraph",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
           "-w", str(work / "dist"), "."]
    if _can_build_without_isolation():
        cmd.insert(4, "--no-build-isolation")
    _run(cmd, cwd=src)
    wheels = list((work / "dist").glob("minigraph-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.mark.slow
def test_wheel_ships_every_module(wheel: Path):
    with zipfile.ZipFile(wheel) as zf:
        shipped = {n for n in zf.namelist() if n.startswith("minigraph/") and n.endswith(".py")}
    source = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "minigraph").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    missing = sorted(source - shipped)
    assert not missing, (
        f"the wheel leaves out {missing}: is a package directory missing its __init__.py?"
    )
    assert "minigraph/__init__.py" in shipped


@pytest.mark.slow
def test_wheel_installs_into_fresh_venv_and_every_module_imports(wheel: Path, tmp_path: Path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # NOTE: `--system-site-packages` would expose the *base* interpreter's packages, which in CI
    # (itself a venv) lack numpy and pip. So the fresh venv gets this interpreter's site dirs
    # through a .pth file instead: they come after the venv's own site-packages on sys.path, so
    # the wheel installed below wins over any minigraph installed here (checked at the end).
    site_dirs = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    venv_site = _run([str(python), "-c", purelib], cwd=tmp_path).stdout.strip()
    Path(venv_site, "_host_site_packages.pth").write_text("\n".join(site_dirs) + "\n")
    _run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed",
          "--disable-pip-version-check", str(wheel)], cwd=tmp_path)

    with zipfile.ZipFile(wheel) as zf:
        # `__main__` modules are command lines (python -m ...): shipped, but not imported here.
        modules = sorted(_module_name(n) for n in zf.namelist()
                         if n.startswith("minigraph/") and n.endswith(".py")
                         and not n.endswith("/__main__.py"))
    empty_cwd = tmp_path / "cwd"
    empty_cwd.mkdir()
    result = _run([str(python), "-c", IMPORT_ALL, json.dumps(modules)], cwd=empty_cwd)
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert sorted(found) == modules
    venv_root = env_dir.resolve()
    outside = {name: f for name, f in found.items() if venv_root not in Path(f).resolve().parents}
    assert not outside, f"imported from outside the fresh venv (not the wheel): {outside}"


def test_declared_metadata():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    requires = cfg["options"]["install_requires"].split()
    assert [r for r in requires if r] and all(r.startswith("numpy") for r in requires), (
        "numpy is the only hard dependency"
    )
    extras = {k: {line.strip() for line in v.splitlines() if line.strip()}
              for k, v in cfg["options.extras_require"].items()}
    assert {"test", "viz", "demos", "dask", "all"} <= set(extras)
    union = set().union(*(v for k, v in extras.items() if k != "all"))
    assert extras["all"] == union, f"`all` must be every extra: missing {union - extras['all']}"
    assert "setuptools.build_meta" in (ROOT / "pyproject.toml").read_text()


def _quick_start_commands() -> list:
    """The commands of the first code block of README.md's "Quick start" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```(?:bash|sh|console)?\n(.*?)```", section, re.S).group(1)
    return [line.strip() for line in block.strip().splitlines()]


def test_readme_quick_start_is_two_commands_and_ci_runs_the_second():
    commands = _quick_start_commands()
    assert len(commands) == 2, commands
    install_and_demo, install_and_test = commands
    assert "demos/" in install_and_demo and "pip install" in install_and_demo
    assert "pytest" in install_and_test and "pip install" in install_and_test
    ci = (ROOT / ".ci" / "run").read_text()
    declared = re.search(r"^QUICK_START_TEST='(.*)'$", ci, re.M)
    assert declared, ".ci/run must declare QUICK_START_TEST='<the README's test command>'"
    assert declared.group(1) == install_and_test, (
        f".ci/run runs {declared.group(1)!r} but the README says {install_and_test!r}"
    )
    demo = re.search(r"python (demos/\S+\.py)", install_and_demo).group(1)
    assert (ROOT / demo).exists()
