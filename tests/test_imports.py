"""The package's modules import one way, down the stack: no module imports one that imports it back."""

import ast
from pathlib import Path

import casey_nlp

PACKAGE = Path(casey_nlp.__file__).parent


def _relative_imports(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module)
            else:  # `from . import name`: a module of the package, or a name from its __init__
                found |= {a.name if (PACKAGE / f"{a.name}.py").exists() else "__init__" for a in node.names}
    return found - {path.stem}


def _import_graph() -> dict[str, set[str]]:
    return {path.stem: _relative_imports(path) for path in PACKAGE.glob("*.py")}


def _cycle(graph):
    """One import cycle as a list of modules, or None."""
    done, on_path = set(), []

    def visit(module):
        if module in on_path:
            return on_path[on_path.index(module):] + [module]
        if module in done:
            return None
        on_path.append(module)
        for imported in sorted(graph.get(module, ())):
            found = visit(imported)
            if found:
                return found
        on_path.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        found = visit(module)
        if found:
            return found
    return None


def test_the_import_graph_has_no_cycle():
    assert _cycle(_import_graph()) is None


def test_the_cycle_finder_finds_a_cycle():
    # The check above must be able to fail: the model/persistence cycle of 0.2.0.
    assert _cycle({"_model": {"_persist"}, "_persist": {"_model", "_labels"}}) == ["_model", "_persist", "_model"]


def test_no_module_imports_the_package_init_back():
    # The version, for one, comes from _version at the bottom of the stack.
    graph = _import_graph()
    assert sorted(module for module, imported in graph.items() if "__init__" in imported) == []
    assert graph["_version"] == set()
