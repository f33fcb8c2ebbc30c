"""A session keeps freed large arrays in the C heap (glibc's mmap and trim thresholds), so a
step's arrays do not fault in new pages every step; `MINIGRAPH_MALLOC=0` or glibc's own
variables leave the allocator alone."""

import json
import os
import subprocess
import sys

import pytest

from minigraph import allocator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Allocates and frees arrays of a few MB as a training step does (a 6 MB one first, so that
# glibc's own threshold adjustment has happened), after creating a session or not; prints the
# page faults per round.
_PROBE = """
import json, resource, sys
import numpy as np
import minigraph as tf
if sys.argv[1] == "session":
    tf.Session().close()
np.ones(6 << 18, np.float32)
def round_():
    arrays = [np.ones((1024, 1024 + 64 * i), np.float32) for i in range(6)]
    return sum(float(a[0, 0]) for a in arrays)
round_()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    round_()
print(json.dumps((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 10))
"""


def _faults_per_round(mode: str, **env) -> float:
    environment = dict(os.environ, PYTHONPATH=ROOT, **env)
    for name in allocator.MALLOC_ENVIRONMENT + ("MINIGRAPH_MALLOC", "GLIBC_TUNABLES"):
        if name not in env:
            environment.pop(name, None)
    out = subprocess.run([sys.executable, "-c", _PROBE, mode], env=environment, cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def glibc():
    import ctypes

    try:
        ctypes.CDLL(None).gnu_get_libc_version  # noqa: B018
    except (OSError, AttributeError):
        pytest.skip("not glibc")


def test_a_session_stops_the_page_faults_of_large_arrays(glibc):
    plain = _faults_per_round("plain")
    with_session = _faults_per_round("session")
    assert plain > 1000  # ~6 arrays of 4-6 MB mapped afresh each round
    assert with_session < 0.05 * plain


def test_minigraph_malloc_zero_leaves_the_allocator_alone(glibc):
    assert _faults_per_round("session", MINIGRAPH_MALLOC="0") > 1000


def test_glibc_variables_of_the_user_win(glibc):
    # The user's (small) trim threshold is kept: the session does not raise it.
    assert _faults_per_round("session", MALLOC_TRIM_THRESHOLD_="131072") > 1000


@pytest.mark.parametrize("env, expected", [
    ({}, True),
    ({"MINIGRAPH_MALLOC": "0"}, False),
    ({"MINIGRAPH_MALLOC": "1"}, True),
    ({"MALLOC_MMAP_THRESHOLD_": "65536"}, False),
    ({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=0"}, False),
    ({"GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX512F"}, True),
])
def test_wanted_follows_the_environment(monkeypatch, env, expected):
    for name in allocator.MALLOC_ENVIRONMENT + ("MINIGRAPH_MALLOC", "GLIBC_TUNABLES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert allocator.wanted() is expected
