"""No function in minigraph/ is above cyclomatic complexity 15 (STYLE.md rule 14).

ruff's mccabe check (C901, configured in ruff.toml) is the measure CI uses; ruff is in the
`test` extra. radon, when it is installed, is a second and stricter opinion (it also counts
`and`/`or` and comprehensions), and the same limit holds for it.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
MAX_COMPLEXITY = 15

# (file, function) allowed above the limit: none. The tests fail when an entry is no longer
# needed, so an exception cannot outlive its reason.
ALLOWED_BY_RUFF: set = set()
ALLOWED_BY_RADON: set = set()


def _ruff() -> list:
    """The ruff command: the package of the Python running the tests, else one on PATH."""
    try:
        import ruff  # noqa: F401 - the package ships the binary

        return [sys.executable, "-m", "ruff"]
    except ImportError:
        found = shutil.which("ruff")
        if found is None:
            pytest.skip("ruff is not installed (pip install -e '.[test]')")
        return [found]


def too_complex_by_ruff(root: pathlib.Path) -> dict:
    """(file, function) -> complexity, for every function of root/minigraph above the limit."""
    out = subprocess.run(
        _ruff() + ["check", "--isolated", "--select", "C901", "--config",
                   f"lint.mccabe.max-complexity = {MAX_COMPLEXITY}", "--output-format", "json",
                   "minigraph"],
        capture_output=True, text=True, cwd=root,
    )
    assert out.returncode in (0, 1), out.stderr
    found = {}
    for item in json.loads(out.stdout or "[]"):
        # The message reads "`_compile_plan` is too complex (37 > 15)".
        name = item["message"].split("`")[1]
        complexity = int(item["message"].rsplit("(", 1)[1].split(" ")[0])
        path = pathlib.Path(item["filename"]).resolve().relative_to(root.resolve()).as_posix()
        found[(path, name)] = complexity
    return found


def too_complex_by_radon(root: pathlib.Path) -> dict:
    """(file, function) -> radon's complexity, for every function and method above the limit."""
    from radon.complexity import cc_visit

    found = {}
    for path in sorted((root / "minigraph").rglob("*.py")):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            for function in getattr(block, "methods", [block]):
                if function.complexity > MAX_COMPLEXITY:
                    found[(path.relative_to(root).as_posix(), function.name)] = function.complexity
    return found


def check(found: dict, allowed: set, tool: str) -> None:
    """AssertionError listing the functions above the limit that are not allowed, and the
    allowed ones that no longer are."""
    unexpected = sorted(key for key in found if key not in allowed)
    assert not unexpected, (
        f"Functions above cyclomatic complexity {MAX_COMPLEXITY} by {tool}; split them into "
        "steps with names that say what they do:\n"
        + "\n".join(f"  {path}: {name} ({found[(path, name)]})" for path, name in unexpected)
    )
    stale = sorted(allowed - set(found))
    assert not stale, (
        f"No longer above the limit by {tool}; remove them from the allow-list: {stale}"
    )


def test_no_function_above_the_limit_by_ruff():
    check(too_complex_by_ruff(ROOT), ALLOWED_BY_RUFF, "ruff C901")


def test_no_function_above_the_limit_by_radon():
    pytest.importorskip("radon")
    check(too_complex_by_radon(ROOT), ALLOWED_BY_RADON, "radon")


def test_the_check_names_a_function_above_the_limit(tmp_path):
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(MAX_COMPLEXITY))
    (tmp_path / "minigraph").mkdir()
    (tmp_path / "minigraph" / "tangle.py").write_text(f"def tangle(x):\n{branches}    return -1\n")
    found = too_complex_by_ruff(tmp_path)
    assert found == {("minigraph/tangle.py", "tangle"): MAX_COMPLEXITY + 1}
    with pytest.raises(AssertionError, match=r"minigraph/tangle.py: tangle \(16\)"):
        check(found, set(), "ruff C901")
    with pytest.raises(AssertionError, match="remove them from the allow-list"):
        check({}, {("minigraph/tangle.py", "tangle")}, "ruff C901")
