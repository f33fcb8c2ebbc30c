"""Makes the TensorBoard screenshots of docs/tensorboard.md from a real TensorBoard.

    python docs/images/make_tensorboard_screenshots.py [--outdir docs/images] [--chromium PATH]

1. runs the first ```python block of docs/tensorboard.md (the training run with summaries) in a
   temporary directory, which writes `logs/quadrants`;
2. starts `tensorboard --logdir logs` on a free port of 127.0.0.1 and waits until it serves the
   run's scalars and graph;
3. photographs the Scalars and the Graphs dashboards with headless Chromium (`--screenshot`,
   a fresh profile, no network services), writing `tensorboard_scalars.png` and
   `tensorboard_graph.png`;
4. stops TensorBoard.

Needs the tensorboard package (`pip install "minigraph[tensorboard]"`) and Chromium (Debian:
`apt-get install chromium`). Run it from anywhere; minigraph is imported from this checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PAGE = ROOT / "docs" / "tensorboard.md"
RUN = "quadrants"
SHOTS = {
    "tensorboard_scalars.png": "#scalars",
    "tensorboard_graph.png": f"#graphs&run={RUN}",
}
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--window-size=1400,900", "--virtual-time-budget=15000",
]


def first_python_block(page: Path) -> str:
    """The code of the first ```python block of a markdown page."""
    match = re.search(r"^```python\n(.*?)^```", page.read_text(), re.MULTILINE | re.DOTALL)
    if match is None:
        raise SystemExit(f"{page} has no ```python block")
    return match.group(1)


def write_run(workdir: Path) -> None:
    """Runs the page's training program in `workdir` (it writes logs/quadrants there)."""
    sys.path.insert(0, str(ROOT))
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        exec(compile(first_python_block(PAGE), str(PAGE), "exec"), {"__name__": "__page__"})
    finally:
        os.chdir(cwd)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, **query) -> bytes:
    url = f"http://127.0.0.1:{port}{path}" + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


def wait_until_served(port: int, process, timeout: float = 60.0) -> None:
    """Waits until TensorBoard serves every scalar and the graph of the run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"tensorboard exited with code {process.returncode}")
        try:
            scalars = json.loads(get(port, "/data/plugin/scalars/scalars", tag="loss", run=RUN))
            graph = get(port, "/data/plugin/graphs/graph", run=RUN)
            if len(scalars) == 200 and b"node {" in graph:
                return
        except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"tensorboard did not serve run {RUN!r} within {timeout} s")


def screenshot(chromium: str, url: str, path: Path) -> None:
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    try:
        subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={path}",
             url],
            check=True, timeout=120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not path.is_file():
        raise SystemExit(f"chromium wrote no {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outdir", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--chromium", default=None, help="the Chromium or Chrome program")
    args = parser.parse_args()
    chromium = args.chromium or next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
        None)
    if chromium is None:
        raise SystemExit("Chromium not found: install it (apt-get install chromium) or pass "
                         "--chromium PATH")
    outdir = Path(args.outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        write_run(Path(workdir))
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "tensorboard.main", "--logdir", "logs",
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_served(port, process)
            for name, fragment in SHOTS.items():
                screenshot(chromium, f"http://127.0.0.1:{port}/{fragment}", outdir / name)
                print("wrote", outdir / name)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


if __name__ == "__main__":
    main()
