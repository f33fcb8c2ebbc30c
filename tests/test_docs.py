"""Docs are tests: every ```python block of README.md and docs/**/*.md runs, and links resolve.

For each markdown file (one test per file, named after it), its ```python blocks run in order in
one fresh namespace, as if pasted one after the other into a Python shell: in a temporary working
directory, after `tf.reset_default_graph()`, with matplotlib's Agg backend. Blocks fenced as
```text, ```bash and so on are shown, never run.

Two more conventions keep the pages honest:

* a block fenced as ```output right after a ```python block (blank lines between are allowed)
  is what that block prints, and must match it exactly (trailing spaces aside); with a
  tolerance in its info string, ```output rtol=0.1 atol=0.02, the text between the numbers
  must still match exactly, and each number may differ from the one written by
  `atol + rtol * |written|` (numpy's `isclose` rule), so a measured mean may move a little on
  another machine or random stream while every word of a verdict stays checked; `spread=3`
  lets a number written right after "±" (a standard deviation over a few seeds, itself a rough
  estimate) be up to 3 times larger or smaller, give or take `atol`;
* every relative link `[..](path)` in README.md and docs/*.md, and every `demos/..`, `docs/..`
  or `bench/..` path written in README.md or docs/index.md, must exist; and docs/index.md must
  link every docs page, so a new page cannot be missed.

Code runs with the file's own line numbers: a traceback points at the line in the markdown file.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

import minigraph as tf

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = [ROOT / "README.md"] + sorted((ROOT / "docs").rglob("*.md"))
INDEX = ROOT / "docs" / "index.md"

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass
class Block:
    """One fenced code block: its language, first code line (1-based) and code."""

    lang: str
    line: int
    code: str
    expected_output: Optional[str] = None
    info: str = ""
    tolerance: Optional[tuple] = None  # (rtol, atol) of the ```output block after it


def _blocks(path: Path) -> list:
    """All fenced blocks of a markdown file, with ```output blocks attached to their python."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = []
    i = 0
    last_end = -1
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, fence = match["indent"], match["fence"]
        lang = match["info"].strip().split(" ")[0].lower() if match["info"].strip() else ""
        start = i + 1
        j = start
        while j < len(lines) and not lines[j].strip().startswith(fence):
            j += 1
        body = [line[len(indent):] if line.startswith(indent) else line.lstrip()
                for line in lines[start:j]]
        code = "\n".join(body) + "\n"
        between_is_blank = all(not line.strip() for line in lines[last_end + 1:i])
        info = match["info"].strip()
        if lang == "output" and blocks and blocks[-1].lang == "python" and between_is_blank:
            blocks[-1].expected_output = code
            blocks[-1].tolerance = _tolerance(info, path, start)
        blocks.append(Block(lang, start + 1, code, info=info))
        last_end = j
        i = j + 1
    return blocks


_TOLERANCE_KEY = re.compile(r"^(rtol|atol|spread)=(\S+)$")


def _tolerance(info: str, path: Path, line: int) -> Optional[tuple]:
    """(rtol, atol[, spread]) from an info string such as `output rtol=0.1 atol=0.02`."""
    words = info.split()[1:]
    if not words:
        return None
    found = {"rtol": 0.0, "atol": 0.0}
    for word in words:
        match = _TOLERANCE_KEY.match(word)
        if not match:
            raise ValueError(f"{path}:{line}: an ```output block takes `rtol=R`, `atol=A` and "
                             f"`spread=F` after its name, not {word!r}")
        found[match[1]] = float(match[2])
    if "spread" in found:
        return found["rtol"], found["atol"], found["spread"]
    return found["rtol"], found["atol"]


# A number as Python and numpy print them: 3, -0.25, 1e-05, 2.5E+3, nan, inf (not inside a
# word, so `W1` or `x2` stay text).
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+|nan|inf)(?![\w.])")


def _split_numbers(text: str) -> tuple:
    """(the text with every number replaced by `#`, the numbers as floats, and for each
    whether it is a spread: written right after "±")."""
    matches = list(_NUMBER.finditer(text))
    numbers = [float(m[0]) for m in matches]
    spreads = [text[:m.start()].rstrip().endswith("±") for m in matches]
    return _NUMBER.sub("#", text), numbers, spreads


def _close(got: float, want: float, rtol: float, atol: float) -> bool:
    return (got != got and want != want) or abs(got - want) <= atol + rtol * abs(want)


def _outputs_match(got: str, want: str, tolerance: Optional[tuple]) -> bool:
    """Whether printed text `got` matches the ```output text `want` (see the module docstring)."""
    if tolerance is None:
        return got == want
    got_text, got_numbers, _ = _split_numbers(got)
    want_text, want_numbers, spreads = _split_numbers(want)
    if got_text != want_text or len(got_numbers) != len(want_numbers):
        return False
    rtol, atol = tolerance[:2]
    factor = tolerance[2] if len(tolerance) > 2 else None
    for g, w, is_spread in zip(got_numbers, want_numbers, spreads):
        if is_spread and factor is not None:
            if not w / factor - atol <= g <= w * factor + atol:
                return False
        elif not _close(g, w, rtol, atol):
            return False
    return True


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _reset_matplotlib() -> None:
    if "matplotlib" in sys.modules:
        import matplotlib

        matplotlib.use("Agg")
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


class _Tee(io.StringIO):
    """Captures what a block prints while still passing it on (pytest shows it on failure)."""

    def __init__(self, stream):
        super().__init__()
        self._stream = stream

    def write(self, text):
        self._stream.write(text)
        return super().write(text)


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def test_docs_exist():
    names = {_relative(p) for p in DOC_FILES}
    assert {"README.md", "docs/index.md", "docs/getting_started.md",
            "docs/how_it_works.md"} <= names, names
    runnable = {_relative(p) for p in RUNNABLE}
    assert {"README.md", "docs/getting_started.md", "docs/how_it_works.md"} <= runnable, runnable


RUNNABLE = [p for p in DOC_FILES if any(b.lang == "python" for b in _blocks(p))]


@pytest.mark.parametrize("path", RUNNABLE, ids=[_relative(p) for p in RUNNABLE])
def test_python_blocks_run(path: Path, tmp_path: Path, monkeypatch):
    blocks = [b for b in _blocks(path) if b.lang == "python"]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    _reset_matplotlib()
    tf.reset_default_graph()
    name = _relative(path)
    namespace = {"__name__": "__main__", "__file__": str(path)}
    try:
        for block in blocks:
            # Pad with newlines so line numbers in tracebacks are the markdown file's own.
            source = "\n" * (block.line - 1) + block.code
            try:
                code = compile(source, name, "exec")
                printed = _Tee(sys.stdout)
                with contextlib.redirect_stdout(printed):
                    exec(code, namespace)
            except Exception:
                pytest.fail(
                    f"{name}: the ```python block starting at line {block.line} failed:\n"
                    f"{traceback.format_exc(limit=-8)}",
                    pytrace=False,
                )
            if block.expected_output is not None:
                got, want = _normalise(printed.getvalue()), _normalise(block.expected_output)
                within = "" if block.tolerance is None else (
                    " (numbers within rtol=%g, atol=%g)" % block.tolerance[:2])
                assert _outputs_match(got, want, block.tolerance), (
                    f"{name}: the ```python block starting at line {block.line} printed\n{got}\n"
                    f"but the ```output block after it says{within}\n{want}"
                )
    finally:
        for session in list(namespace.values()):
            if isinstance(session, tf.Session):
                session.close()
        _reset_matplotlib()
        tf.reset_default_graph()


# ------------------------------------------------------------------ links
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|!\[[^\]]*\]\(([^)\s]+)\)")
_PATH = re.compile(r"(?<![\w/.-])((?:demos|docs|bench)/[\w./-]*\w\.(?:py|md|png|svg))")


def _outside_code(path: Path) -> str:
    """The markdown text with fenced code blocks blanked out (their contents are code)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    fenced = set()
    for block in _blocks(path):  # the fence lines too: their backticks would pair with others
        fenced.update(range(block.line - 2, block.line + block.code.count("\n")))
    return "\n".join("" if i in fenced else line for i, line in enumerate(lines))


def _relative_links(path: Path) -> list:
    links = []
    for match in _LINK.finditer(_outside_code(path)):
        target = match.group(1) or match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # http:, mailto:, or an anchor in this page
        links.append(target.split("#")[0])
    return links


@pytest.mark.parametrize("path", DOC_FILES, ids=[_relative(p) for p in DOC_FILES])
def test_relative_links_resolve(path: Path):
    dead = [t for t in _relative_links(path) if not (path.parent / t).exists()]
    assert not dead, f"{_relative(path)} links to files that do not exist: {dead}"


@pytest.mark.parametrize("path", [ROOT / "README.md", INDEX], ids=["README.md", "docs/index.md"])
def test_mentioned_demos_and_pages_exist(path: Path):
    """Paths such as `demos/quadratic.py` written in the text (or in a command) must exist."""
    text = path.read_text(encoding="utf-8")
    missing = sorted({p for p in _PATH.findall(text) if not (ROOT / p).exists()})
    assert not missing, f"{_relative(path)} mentions files that do not exist: {missing}"


def test_readme_api_names_exist():
    """Every `tf.name` the README mentions in backticks is really there, so the list of what
    is covered cannot claim more than minigraph has."""
    text = _outside_code(ROOT / "README.md")
    text = re.sub(r"(`{2,}).*?\1", "", text)  # ```` ```python ```` spans would shift the pairs
    names = set()
    for code in re.findall(r"`([^`]+)`", text):
        names.update(re.findall(r"\btf\.([A-Za-z_][\w.]*\w)", code))
    assert names, "the README mentions no tf.* names"
    missing = []
    for dotted in sorted(names):
        obj = tf
        for part in dotted.split("."):
            obj = getattr(obj, part, None)
        if obj is None:
            missing.append("tf." + dotted)
    assert not missing, f"README.md mentions names minigraph does not have: {missing}"


def test_index_links_every_docs_page():
    linked = {(INDEX.parent / t).resolve() for t in _relative_links(INDEX)}
    pages = [p for p in sorted((ROOT / "docs").rglob("*.md")) if p != INDEX]
    unlinked = [_relative(p) for p in pages if p.resolve() not in linked]
    assert not unlinked, (
        f"docs/index.md does not link {unlinked}: add a line `- [Title](page.md) — what it "
        "covers` to its table of contents."
    )


def test_index_links_every_demo():
    linked = {(INDEX.parent / t).resolve() for t in _relative_links(INDEX)}
    demos = sorted((ROOT / "demos").glob("*.py"))
    unlinked = [_relative(p) for p in demos if p.resolve() not in linked]
    assert not unlinked, (
        f"docs/index.md does not link {unlinked}: add a line `- [demos/name.py](../demos/name.py)"
        " — what it shows` to its Demos section."
    )


def test_block_parser_reads_fences_and_outputs(tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text(
        "Intro\n\n```python\nprint(1 + 1)\n```\n\n```output\n2\n```\n\n"
        "```bash\npip install .\n```\n\n- item:\n\n  ```python\n  x = 3\n  ```\n"
    )
    blocks = _blocks(page)
    assert [(b.lang, b.line) for b in blocks] == [
        ("python", 4), ("output", 8), ("bash", 12), ("python", 18)
    ]
    assert blocks[0].expected_output == "2\n"
    assert blocks[3].code == "x = 3\n"


def test_output_tolerance_compares_numbers_loosely_and_words_exactly(tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text("```python\nprint(1)\n```\n\n```output rtol=0.1 atol=0.02\n1\n```\n")
    assert _blocks(page)[0].tolerance == (0.1, 0.02)
    tolerance = (0.1, 0.02)
    want = "accuracy 0.95 ± 0.01 at lr 1e-3, layer W1: better"
    assert _outputs_match("accuracy 0.97 ± 0.02 at lr 0.0011, layer W1: better", want, tolerance)
    assert not _outputs_match("accuracy 0.75 ± 0.01 at lr 1e-3, layer W1: better", want,
                              tolerance)  # 0.75 is more than 0.02 + 0.1 * 0.95 from 0.95
    assert not _outputs_match("accuracy 0.95 ± 0.01 at lr 1e-3, layer W1: worse", want,
                              tolerance)  # the verdict is a word: exact
    assert not _outputs_match("accuracy 0.95 ± 0.01 at lr 1e-3, layer W2: better", want,
                              tolerance)  # W1 is a name, not a number
    assert not _outputs_match("accuracy 0.95 0.01 ± 0.01 at lr 1e-3, layer W1: better", want,
                              tolerance)
    assert _outputs_match("[nan 2.]", "[nan 2.]", (0.0, 0.0))
    # spread=3: a number after "±" may be 3 times larger or smaller (give or take atol)
    loose = (0.0, 0.01, 3.0)
    assert _outputs_match("0.50 ± 0.25", "0.50 ± 0.10", loose)
    assert _outputs_match("0.50 ± 0.04", "0.50 ± 0.10", loose)
    assert not _outputs_match("0.50 ± 0.35", "0.50 ± 0.10", loose)
    assert not _outputs_match("0.52 ± 0.10", "0.50 ± 0.10", loose)  # the mean: atol only
    page.write_text("```python\nprint(1)\n```\n\n```output atol=0.1 spread=3\n1\n```\n")
    assert _blocks(page)[0].tolerance == (0.0, 0.1, 3.0)
    assert not _outputs_match("accuracy 0.951", "accuracy 0.95", None)  # no tolerance: exact
    page.write_text("```python\nprint(1)\n```\n\n```output within=3\n1\n```\n")
    with pytest.raises(ValueError, match="rtol=R"):
        _blocks(page)
