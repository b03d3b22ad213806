"""The layout holds: imports point down the layers, no cycles, no private names across modules, small rooms.

Layers, lowest first (README, "Layout"): a module may import from its own
package and from any lower layer, never from a higher one or from a sibling
job. Every import counts, including those inside functions and under
``TYPE_CHECKING``: a lazy import is still an arrow.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tariffcli"

LAYERS: dict[str, int] = {
    "model": 0,
    "texts": 1,
    "inputs": 2,
    "engine": 3,
    "compare": 4,
    "analyze": 5,
    "batch": 5,
    "render": 6,
    "cli": 7,
}
"""Top-level package -> layer. ``tariffcli/__init__.py`` (the public API) and ``__main__`` sit above them all."""

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
LONG_REASON = "Long because"
"""A function over MAX_FUNCTION_LINES says why in its docstring, in a sentence starting with these words."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(importer: str, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    is_package = MODULES[importer].name == "__init__.py"
    base = importer.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(name: str) -> list[tuple[str, tuple[str, ...], int]]:
    """``(module, names, line)`` for every import of a tariffcli module in module ``name``."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, (), node.lineno) for a in node.names if a.name.split(".")[0] == "tariffcli"]
        elif isinstance(node, ast.ImportFrom):
            target = resolve(name, node)
            if target.split(".")[0] != "tariffcli":
                continue
            names = tuple(a.name for a in node.names)
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
            found += [(m, (), node.lineno) for m in submodules]
            rest = tuple(n for n in names if f"{target}.{n}" not in MODULES)
            if rest or not submodules:
                found.append((target, rest, node.lineno))
    return found


GRAPH: dict[str, set[str]] = {
    name: {m for m, _, _ in imports_of(name) if m in MODULES and m != name} for name in MODULES
}


def layer_of(name: str) -> tuple[str, int | None]:
    parts = name.split(".")
    top = parts[1] if len(parts) > 1 else ""
    return top, LAYERS.get(top)


def test_every_package_has_a_layer():
    tops = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert tops <= set(LAYERS), f"packages without a layer: {sorted(tops - set(LAYERS))}"


def test_imports_point_down_the_layers():
    wrong = []
    for name in MODULES:
        top, layer = layer_of(name)
        if layer is None:  # the public API and __main__ may import anything
            continue
        for target, _, line in imports_of(name):
            t_top, t_layer = layer_of(target)
            if t_top == top:
                continue
            if t_layer is None or t_layer >= layer:
                wrong.append(f"{MODULES[name].relative_to(PACKAGE.parent)}:{line}: {name} imports {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other (size > 1, or a self-loop)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def test_no_import_cycles():
    assert strongly_connected(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_private_name_is_imported_from_another_module():
    wrong = []
    for name in MODULES:
        for target, names, line in imports_of(name):
            if target == name:
                continue
            for n in names:
                if n.startswith("_") and not n.startswith("__"):
                    wrong.append(f"{MODULES[name].relative_to(PACKAGE.parent)}:{line}: {n} from {target}")
    assert not wrong, "private names imported across modules:\n" + "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_are_small(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines (at most {MAX_MODULE_LINES})"


def test_long_functions_say_why():
    wrong = []
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                doc = ast.get_docstring(node) or ""
                if length > MAX_FUNCTION_LINES and LONG_REASON not in doc:
                    wrong.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {node.name} ({length} lines)")
    assert not wrong, f"functions over {MAX_FUNCTION_LINES} lines without '{LONG_REASON} ...':\n" + "\n".join(wrong)


def test_the_core_never_imports_the_terminal_libraries():
    """typer only in cli; rich only in render and cli."""
    wrong = []
    for name, path in MODULES.items():
        top, layer = layer_of(name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            mods = []
            if isinstance(node, ast.Import):
                mods = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                mods = [node.module.split(".")[0]]
            for m in mods:
                if (m == "typer" and top != "cli") or (m == "rich" and top not in ("render", "cli")):
                    wrong.append(f"{name}:{node.lineno} imports {m}")
    assert not wrong, "\n".join(wrong)


CLOCK = re.compile(r"\b(?:time\.(?:time|time_ns)\(|datetime\.(?:now|utcnow|today)\(|date\.today\()")


def test_the_core_never_reads_the_clock():
    """Only cli/ (and render/) may ask the time; the core is given it, so its results are reproducible."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        part = path.relative_to(PACKAGE).parts[0]
        if part in ("cli", "render"):
            continue
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if CLOCK.search(line.split("#", 1)[0]):
                offenders.append(f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}")
    assert not offenders, offenders
