"""The benchmark workloads, one module each (see bench/README.md).

Every module has the same shape: `NAME`, `CASES` (the parameter sets the table shows), `IMPLS`
(which implementations exist), `run(impl, quick=False, **case) -> dict of metrics`, optionally
`check(**case) -> dict` (minigraph against numpy on the same data), and a `__main__` that runs
one (impl, case) and prints its metrics as one JSON line, which is how `bench/run.py` calls it in a
fresh subprocess.
"""
