"""The structure holds: imports only point down the layers, and no module imports itself
back through others (no import circles)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

# Bottom to top. An app may import its own modules and any app of a lower layer.
LAYERS = [
    {"oficialia"},
    {"firmas"},  # the trust the administración installs for signatures; NOM-151 constancias
    {"correspondencia"},
    {"turnos"},
    {"oficios", "notificaciones"},  # the signed answer; the acuse de notificación electrónica
    {"busqueda"},  # the staff search over escritos, answers and attachments' text
    {"cuentas"},
    {"portal"},
    {"contraloria", "fila", "transparencia", "archivo", "interoperabilidad"},
    {"demo"},
    {"config"},
]
LEVEL = {app: i for i, layer in enumerate(LAYERS) for app in layer}


def _modules() -> dict[str, Path]:
    modules = {}
    for app in LEVEL:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `name` imports, wherever the import statement stands."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_every_app_of_the_project_has_a_layer():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"config"}
    assert apps <= set(LEVEL), f"add {apps - set(LEVEL)} to LAYERS"


def test_no_module_imports_an_app_above_its_own(graph):
    upward = [
        f"{name} -> {target}"
        for name, targets in graph.items()
        for target in targets
        if LEVEL[target.split(".")[0]] > LEVEL[name.split(".")[0]]
    ]
    assert upward == []


def test_the_kernel_imports_no_domain_app(graph):
    outside = sorted(
        f"{name} -> {target}"
        for name, targets in graph.items()
        if name.split(".")[0] == "oficialia"
        for target in targets
        if target.split(".")[0] != "oficialia"
    )
    assert outside == []


def test_there_are_no_import_circles(graph):
    # Tarjan's strongly connected components: any with more than one module is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert circles == []


def test_the_check_sees_an_upward_import(tmp_path):
    """The checker itself: a lower module importing a higher one is found."""
    (tmp_path / "low.py").write_text("from portal import views\n")
    modules = {"correspondencia.low": tmp_path / "low.py", "portal.views": tmp_path / "low.py"}
    assert _imports("correspondencia.low", tmp_path / "low.py", modules) == {"portal.views"}
