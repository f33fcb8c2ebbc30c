"""minigraph's modules import each other without a cycle (lower layers never import higher ones).

The import graph is read from the source with `ast`, so nothing is imported to build it. Every
`import` statement counts, at module level or inside a function: an import deferred into a
function body still ties the two modules together, it only hides the cycle until run time.

An edge goes to the module an import names: `from minigraph.ops import math_ops` and
`import minigraph.ops.math_ops` point at `minigraph.ops.math_ops`, `from minigraph import
Variable` at the package `minigraph` itself (its `__init__.py`). The parent packages Python
loads on the way (`minigraph`, `minigraph.ops`) are not edges: every submodule implies them, and
a package's `__init__.py` only re-exports its own submodules.
"""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "minigraph"


def _module_files(package_dir: Path) -> dict:
    """Module name ("minigraph.ops.math_ops") -> its file, for every .py in the package."""
    files = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        files[".".join(parts)] = path
    return files


def _resolve_from(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module name of `from <node.module> import ...` written in `module`."""
    if node.level == 0:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _imports(module: str, path: Path, modules: dict) -> dict:
    """Module -> line of the first statement in `module` that imports it (minigraph's only)."""
    found = {}

    def add(target, line):
        if target in modules and target != module:
            found.setdefault(target, line)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            source = _resolve_from(module, path, node)
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                add(submodule if submodule in modules else source, node.lineno)
    return found


def import_graph(package_dir: Path = PACKAGE_DIR) -> tuple:
    """(edges: module -> {imported module: line}, files: module -> path)."""
    files = _module_files(package_dir)
    return {m: _imports(m, p, files) for m, p in files.items()}, files


def strongly_connected(edges: dict) -> list:
    """The components of more than one module (each a sorted list): Tarjan's, iteratively."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(edges[root])))]
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(edges[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def a_cycle(edges: dict, component: list) -> list:
    """One shortest cycle through the component's first module: [m0, m1, ..., m0]."""
    start, members = component[0], set(component)
    parent = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in sorted(edges[node]):
            if target == start:
                path = [node]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])
                return list(reversed(path)) + [start]
            if target in members and target not in parent:
                parent[target] = node
                queue.append(target)
    raise AssertionError(f"no cycle through {start} in {component}")


def _describe(edges: dict, files: dict, cycle: list) -> str:
    steps = []
    for a, b in zip(cycle, cycle[1:]):
        where = files[a].relative_to(PACKAGE_DIR.parent)
        steps.append(f"  {a} imports {b} ({where}:{edges[a][b]})")
    return " -> ".join(cycle) + "\n" + "\n".join(steps)


def test_no_import_cycle_in_the_package():
    edges, files = import_graph()
    assert len(files) > 40 and "minigraph.ops.math_ops" in files
    cycles = [a_cycle(edges, c) for c in strongly_connected(edges)]
    assert not cycles, "Import cycles in minigraph/:\n" + "\n".join(
        _describe(edges, files, c) for c in cycles
    )


def test_the_checker_finds_a_cycle_and_names_it(tmp_path):
    package = tmp_path / "minigraph"
    (package / "ops").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "ops" / "__init__.py").write_text("")
    (package / "graph.py").write_text("def f():\n    from minigraph import viz\n")
    (package / "viz.py").write_text("from minigraph.graph import f\n")
    (package / "ops" / "a.py").write_text("from . import b\n")
    (package / "ops" / "b.py").write_text("import minigraph.ops.a\n")
    (package / "ops" / "c.py").write_text("from minigraph.ops import a, b\nimport numpy\n")
    edges, _ = import_graph(package)
    assert edges["minigraph.graph"] == {"minigraph.viz": 2}  # a function-level import counts
    assert edges["minigraph.ops.a"] == {"minigraph.ops.b": 1}  # relative imports resolve
    components = strongly_connected(edges)
    assert components == [
        ["minigraph.graph", "minigraph.viz"],
        ["minigraph.ops.a", "minigraph.ops.b"],
    ]
    cycle = a_cycle(edges, components[1])
    assert cycle == ["minigraph.ops.a", "minigraph.ops.b", "minigraph.ops.a"]
