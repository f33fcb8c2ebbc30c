"""`import minigraph` loads no heavy module that training does not need: numba and llvmlite
(66 MB resident), OpenSSL through `hashlib`/`secrets` (3.5 MB), `multiprocessing` and the
process pool (3.2 MB with OpenSSL), `zipfile` (1.8 MB). Each is imported where it is used."""

import os
import subprocess
import sys

HEAVY = ("numba", "llvmlite", "hashlib", "_hashlib", "hmac", "secrets", "multiprocessing",
         "concurrent.futures.process", "zipfile", "minigraph.chunked_kernels",
         "minigraph.c_kernels")


def test_import_minigraph_loads_none_of_the_heavy_modules():
    code = ("import sys, minigraph\n"
            f"print([m for m in {HEAVY!r} if m in sys.modules])\n")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(__file__)))
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == "[]"
