"""W5 memory: peak RSS of W3 at batch 2048 in a fresh process, and the cost of `import`.

`{"what": "w3"}` trains W3 at batch 2048 for a few steps and reports the process's peak resident
set size (`ru_maxrss`): the data, the parameters and Adam's slots are the same for both
implementations, so the difference is what the engine keeps alive (intermediates, gradients).
`{"what": "w3", "loops": "numpy"}` does the same for minigraph with its fused loops on numpy's
blocks instead of numba (`MINIGRAPH_JIT=numpy`: no LLVM in the process); the other implementations
have no such setting and report nothing for it. `{"what": "import"}` times `import minigraph` (or
`import numpy` alone, the floor) in a fresh interpreter and reports its resident set size
afterwards. The peers run W3 their way (see `w3_batchnorm_mlp`); their peak includes their runtime
(TensorFlow's alone is ~300 MB), so only numpy is the reference for the engine's own memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.workloads import _common

NAME = "W5 memory"
CASES = [{"what": "w3"}, {"what": "w3", "loops": "numpy"}, {"what": "import"}]
IMPLS = ("minigraph", "numpy", "tensorflow", "torch", "jax")

_IMPORT_PROBE = """
import json, resource, time
start = time.perf_counter()
import {module}
seconds = time.perf_counter() - start
with open("/proc/self/statm") as f:
    rss = int(f.read().split()[1]) * resource.getpagesize() / 2**20
print(json.dumps({{"import_s": seconds, "rss_mb": rss}}))
"""


def run(impl: str, quick: bool = False, what: str = "w3", loops: str = "") -> dict:
    if what == "import":
        module = {"minigraph": "minigraph", "numpy": "numpy", "torch": "torch", "jax": "jax",
                  "tensorflow": "tensorflow.compat.v1"}[impl]
        out = subprocess.run([sys.executable, "-c", _IMPORT_PROBE.format(module=module)],
                             capture_output=True, text=True, check=True).stdout
        return json.loads(out.strip().splitlines()[-1])
    if loops:
        if impl != "minigraph":
            return {}
        os.environ["MINIGRAPH_JIT"] = loops
    from bench.workloads import w3_batchnorm_mlp

    result = w3_batchnorm_mlp.run(impl, quick=True, batch=2048)
    return {"peak_rss_mb": _common.peak_rss_mb(), "ms_per_step": result["ms_per_step"]}


if __name__ == "__main__":
    _common.main(__name__, run, CASES)
