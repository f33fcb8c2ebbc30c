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


def _config() -> configparser.ConfigParser:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    return cfg


def _extras() -> dict:
    return {k: {line.strip() for line in v.splitlines() if line.strip()}
            for k, v in _config()["options.extras_require"].items()}


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0].lower()


def test_declared_metadata():
    cfg = _config()
    requires = cfg["options"]["install_requires"].split()
    assert [r for r in requires if r] and all(r.startswith("numpy") for r in requires), (
        "numpy is the only hard dependency"
    )
    extras = _extras()
    assert {"test", "viz", "tuning", "examples", "dask", "notebooks", "optuna", "dev",
            "all"} <= set(extras)
    union = set().union(*(v for k, v in extras.items() if k != "all"))
    assert extras["all"] == union, f"`all` must be every extra: missing {union - extras['all']}"
    names = {k: {_requirement_name(r) for r in v} for k, v in extras.items()}
    assert {"tqdm", "matplotlib"} <= names["tuning"]
    assert "scikit-learn" in names["examples"] and "ruff" in names["dev"]
    assert "optuna" in names["optuna"] and {"nbclient", "ipykernel"} <= names["notebooks"]
    assert "setuptools.build_meta" in (ROOT / "pyproject.toml").read_text()


def test_the_extra_named_for_each_optional_package_installs_it():
    """minigraph._optional.EXTRAS says which extra to install for a missing package: each of
    those extras must exist and hold that package."""
    from minigraph._optional import _PIP_NAMES, EXTRAS

    extras = {k: {_requirement_name(r) for r in v} for k, v in _extras().items()}
    wrong = {module: extra for module, extra in EXTRAS.items()
             if _requirement_name(_PIP_NAMES.get(module, module)) not in extras.get(extra, ())}
    assert not wrong, f"these extras do not install the package named for them: {wrong}"


def test_licence_file_matches_the_declared_licence():
    metadata = _config()["metadata"]
    assert metadata["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")
    assert "License :: OSI Approved :: MIT License" in metadata["classifiers"]
    assert metadata["license_files"].strip() == "LICENSE"


def test_wheel_metadata_has_licence_urls_and_readme(wheel: Path):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        metadata = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    text = metadata.decode("utf-8")
    assert any(".dist-info/" in n and n.endswith("/LICENSE") for n in names), (
        "LICENSE is not in the wheel")
    assert "License: MIT" in text
    url = _config()["metadata"]["url"]
    assert f"Home-page: {url}" in text or f"Project-URL: Homepage, {url}" in text
    assert f"Project-URL: Source, {url}" in text
    assert "Provides-Extra: optuna" in text and "Provides-Extra: notebooks" in text
    assert "## Quick start" in text  # the README is the long description


def _python_versions() -> tuple:
    """(python_requires' minimum, the classifiers' versions), as (major, minor) tuples."""
    cfg = _config()
    minimum = re.fullmatch(r">=\s*(\d+)\.(\d+)", cfg["options"]["python_requires"].strip())
    assert minimum, "python_requires must read >=3.N"
    listed = re.findall(r"Programming Language :: Python :: (\d+)\.(\d+)\s*$",
                        cfg["metadata"]["classifiers"], re.M)
    return tuple(map(int, minimum.groups())), sorted(tuple(map(int, v)) for v in listed)


def test_classifiers_run_from_python_requires_up_to_a_tested_version():
    minimum, listed = _python_versions()
    assert listed and listed[0] == minimum, (minimum, listed)
    assert listed == [(3, minor) for minor in range(minimum[1], listed[-1][1] + 1)], listed
    assert sys.version_info[:2] in listed, (
        f"this suite runs on Python {sys.version_info[0]}.{sys.version_info[1]}, which the "
        f"classifiers do not list ({listed}): add it to setup.cfg once the suite passes"
    )


def test_every_source_file_parses_with_the_oldest_supported_python_grammar():
    minimum, _ = _python_versions()
    import ast

    files = [p for folder in ("minigraph", "demos", "tests", "bench")
             for p in sorted((ROOT / folder).rglob("*.py"))]
    bad = []
    for path in files:
        try:
            ast.parse(path.read_text(encoding="utf-8"), feature_version=minimum)
        except SyntaxError as e:
            bad.append(f"{path.relative_to(ROOT)}:{e.lineno}: {e.msg}")
    assert not bad, f"syntax newer than Python {minimum[0]}.{minimum[1]}: {bad}"


_MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_readme_links_are_absolute_links_into_the_repository():
    """README.md is also the long description on the package index, where relative links
    break; each link is absolute, and those into the repository point at files that exist."""
    url = _config()["metadata"]["url"].rstrip("/")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = _MARKDOWN_LINK.findall(text)
    assert targets, "the README has no links?"
    relative = [t for t in targets if not re.match(r"^[a-z]+:", t) and not t.startswith("#")]
    assert not relative, f"relative links in README.md (use {url}/blob/main/...): {relative}"
    dead = []
    for target in targets:
        match = re.match(re.escape(url) + r"/(?:blob|tree)/main/([^#]*)", target)
        if match and not (ROOT / match.group(1)).exists():
            dead.append(target)
    assert not dead, f"README.md links to files that do not exist: {dead}"
    assert any(t.startswith(url + "/") for t in targets)


def _quick_start_commands() -> list:
    """The commands of the first code block of README.md's "Quick start" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```(?:bash|sh|console)?\n(.*?)```", section, re.S).group(1)
    return [line.strip() for line in block.strip().splitlines()]


def test_readme_quick_start_is_two_commands_and_ci_runs_both():
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
    declared = re.search(r"^QUICK_START_RUN='(.*)'$", ci, re.M)
    assert declared, ".ci/run must declare QUICK_START_RUN='<the README's first command>'"
    assert declared.group(1) == install_and_demo, (
        f".ci/run runs {declared.group(1)!r} but the README says {install_and_demo!r}"
    )
    demo = re.search(r"python (demos/\S+\.py)", install_and_demo).group(1)
    assert (ROOT / demo).exists()
