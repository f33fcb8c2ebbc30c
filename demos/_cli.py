"""The command line every demo shares: `python demos/<name>.py [--quick] [--outdir DIR]`.

Each demo defines `main(quick=False, outdir=".")` and ends with

    if __name__ == "__main__":
        from _cli import run_demo  # demos/_cli.py: --help, --quick, --outdir

        run_demo(main, __doc__)

`run_demo` parses the arguments with argparse (`--help` prints the demo's docstring; an
unknown flag is an error), creates the output folder, calls `main`, and then lists the files the
demo wrote and where. Without `--outdir` the files go to `<temp dir>/minigraph-demos/<name>/`
(e.g. /tmp/minigraph-demos/babysit/), never into the working directory. A demo that needs an
optional package which is missing says which extra installs it (`pip install
"minigraph[examples]"` for the demos' scikit-learn, matplotlib and tqdm). The import sits inside
the `__main__` block because `demos/` is on `sys.path` only when a demo runs as a script (or
under `python -m minigraph.viz`); tests and notebooks import a demo and call `main` directly.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Callable, Optional, Sequence

from minigraph._optional import EXTRAS, MissingDependencyError, install_command


def default_outdir(name: str) -> Path:
    """Where a demo writes without `--outdir`: `<temp dir>/minigraph-demos/<name>`."""
    return Path(tempfile.gettempdir()) / "minigraph-demos" / name


def parse_args(name: str, doc: Optional[str], argv: Optional[Sequence[str]] = None):
    """The demo's arguments: `.quick` (bool) and `.outdir` (a Path)."""
    parser = argparse.ArgumentParser(
        prog=f"python demos/{name}.py",
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true",
                        help="a short run (what the tests run): fewer steps, same pictures")
    parser.add_argument("--outdir", type=Path, default=None, metavar="DIR",
                        help=f"folder for the pictures and other files, created if missing "
                        f"(default: {default_outdir(name)})")
    args = parser.parse_args(argv)
    if args.outdir is None:
        args.outdir = default_outdir(name)
    return args


def _files(folder: Path) -> dict:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def _explain_missing(name: str, error: ModuleNotFoundError) -> None:
    """Turns a missing optional package into the command that installs it (SystemExit)."""
    top = (error.name or "").split(".")[0]
    if isinstance(error, MissingDependencyError) or top not in EXTRAS:
        return  # minigraph's own message already names the extra, or not an optional package
    extra = "examples" if EXTRAS[top] in ("tuning", "examples") else EXTRAS[top]
    raise SystemExit(f"demos/{name}.py needs the optional package `{top}`, which is not "
                     f"installed. Install the demos' packages with: {install_command(extra)}")


def run_demo(main: Callable, doc: Optional[str], argv: Optional[Sequence[str]] = None):
    """Parses the arguments, runs `main(quick=..., outdir=...)`, says where its files went.

    Returns:
        Whatever `main` returned.
    """
    name = Path(main.__globals__.get("__file__", "demo")).stem
    args = parse_args(name, doc, argv)
    outdir = args.outdir
    existed = outdir.is_dir()
    outdir.mkdir(parents=True, exist_ok=True)
    before = _files(outdir)
    try:
        result = main(quick=args.quick, outdir=str(outdir))
    except ModuleNotFoundError as e:
        _explain_missing(name, e)
        raise
    written = sorted(p for p, mtime in _files(outdir).items() if before.get(p) != mtime)
    if written:
        names = ", ".join(str(p.relative_to(outdir)) for p in written)
        print(f"\n{len(written)} file(s) written to {outdir}: {names}")
    elif not existed and not any(outdir.iterdir()):
        outdir.rmdir()  # a demo that writes nothing leaves nothing behind
    return result
