"""steelbond's import graph, read from the source with ``ast``: which module imports which, and
where code reaches into another module's private names.

Every import statement counts, wherever it is: at the top, inside a function (a lazy import
is still a dependency) or under ``if TYPE_CHECKING:`` (a type is still a dependency). The one
exception is a package's ``__init__`` re-exporting its own modules lazily (under
``TYPE_CHECKING`` or inside a function): that is the package's surface, not a dependency.

A *private name* starts with one underscore (``_write``; dunders such as ``__version__``
are not private). A module may use its own; nothing may use another module's, whether by
``from m import _name`` or ``m._name``. A private *module* (``steelbond._grown``) belongs to
its package: the package's modules may import it, code outside (tools, docs, bench) may not.

Used by ``tests/test_architecture.py`` (no cycles, no reaches) and ``docs/_generate.py``
(the module diagram on the concepts page). Run it to print the graph's problems::

    python tools/import_graph.py
"""

from __future__ import annotations

import ast
import sys
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "steelbond"
ELSEWHERE = ("tools", "docs", "bench")
"""The folders outside the package that must keep to its public names too."""


def modules(src: Path = ROOT / "src") -> dict[str, Path]:
    """Every module of the package under ``src``, by dotted name."""
    found = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module, lazy_too: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements of ``tree``; with ``lazy_too`` false, only those that run
    when the module is imported (not under ``TYPE_CHECKING``, not inside a function)."""
    if lazy_too:
        yield from (n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom))
        return
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and not _type_checking(node):
            todo += node.body + node.orelse
        elif isinstance(node, ast.Try):
            todo += node.body + node.orelse + node.finalbody
            for handler in node.handlers:
                todo += handler.body


class Scan:
    """The imports of one file, and its reaches into private names."""

    def __init__(
        self, path: Path, current: str | None, known: dict[str, Path], root: Path = ROOT
    ) -> None:
        self.path, self.current, self.known, self.root = path, current, known, root
        self.imports: set[str] = set()
        self.external: set[str] = set()
        self.reaches: list[str] = []
        is_init = path.name == "__init__.py"
        self._package = current if is_init else (current or "").rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        aliases: dict[str, str] = {}
        # a package's __init__ re-exporting its own modules lazily is not a dependency
        lazy_too = not (is_init and current is not None)
        eager = set(_imports(tree, lazy_too=False))
        type_only = {
            n
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and _type_checking(block)
            for n in ast.walk(block)
        }
        for node in _imports(tree, lazy_too=True):
            counts = lazy_too or node in eager
            if node not in type_only:
                self._note_external(node)
            if isinstance(node, ast.ImportFrom):
                self._import_from(node, aliases, counts)
            else:
                for alias in node.names:
                    if alias.name.split(".")[0] == PACKAGE:
                        self._use_module(alias.name, node, counts)
                        aliases[alias.asname or alias.name.split(".")[0]] = (
                            alias.name if alias.asname else PACKAGE
                        )
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                self._attribute(node, aliases)

    def _note_external(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if not node.level else []
        else:
            names = [alias.name for alias in node.names]
        self.external.update(n.split(".")[0] for n in names if n.split(".")[0] != PACKAGE)

    def _where(self, node: ast.AST) -> str:
        path = (
            self.path.relative_to(self.root) if self.path.is_relative_to(self.root) else self.path
        )
        return f"{path.as_posix()}:{getattr(node, 'lineno', 0)}"

    def _resolve(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = self._package.split(".")
        base = base[: len(base) - (node.level - 1)]
        return ".".join([*base, *([node.module] if node.module else [])])

    def _use_module(self, module: str, node: ast.AST, counts: bool) -> None:
        """``module`` (known to be the package's) is imported here."""
        if module not in self.known or module == self.current:
            return
        if counts:
            self.imports.add(module)
        parts = module.split(".")
        for depth, part in enumerate(parts):
            if _private(part):
                owner = ".".join(parts[:depth])
                inside = self.current is not None and (
                    self.current == owner or self.current.startswith(owner + ".")
                )
                if not inside:
                    self.reaches.append(f"{self._where(node)}: imports private module {module}")

    def _import_from(self, node: ast.ImportFrom, aliases: dict[str, str], counts: bool) -> None:
        target = self._resolve(node)
        if target.split(".")[0] != PACKAGE:
            return
        for alias in node.names:
            sub = f"{target}.{alias.name}"
            if sub in self.known:
                self._use_module(sub, node, counts)
                aliases[alias.asname or alias.name] = sub
                continue
            self._use_module(target, node, counts)
            if _private(alias.name) and target != self.current:
                self.reaches.append(f"{self._where(node)}: from {target} import {alias.name}")

    def _attribute(self, node: ast.Attribute, aliases: dict[str, str]) -> None:
        chain: list[str] = []
        value: ast.expr = node
        while isinstance(value, ast.Attribute):
            chain.insert(0, value.attr)
            value = value.value
        if not isinstance(value, ast.Name) or value.id not in aliases:
            return
        module = aliases[value.id]
        for name in chain:
            if f"{module}.{name}" in self.known:
                module = f"{module}.{name}"
                continue
            if _private(name) and module != self.current:
                self.reaches.append(f"{self._where(node)}: {module}.{name}")
            return


class Graph:
    """What :func:`scan` found."""

    def __init__(self) -> None:
        self.imports: dict[str, set[str]] = {}
        """Each module of the package, to the package's modules it imports."""
        self.external: dict[str, set[str]] = {}
        """Each module of the package, to the other packages it imports when it runs (not
        under ``TYPE_CHECKING``), by top-level name: ``pyarrow``, ``attrs``, ``json``."""
        self.reaches: list[str] = []
        """Every reach into a private name, in the package and in :data:`ELSEWHERE`."""


def scan(root: Path = ROOT) -> Graph:
    """The import graph of the package under ``root / "src"``, and the reaches into private
    names there and in :data:`ELSEWHERE` under ``root``."""
    known = modules(root / "src")
    graph = Graph()
    reaches: list[str] = []
    for name, path in known.items():
        found = Scan(path, name, known, root)
        graph.imports[name] = found.imports
        graph.external[name] = found.external
        reaches += found.reaches
    for folder in ELSEWHERE:
        for path in sorted((root / folder).rglob("*.py")):
            if "_build" not in path.parts:
                reaches += Scan(path, None, known, root).reaches
    graph.reaches = sorted(set(reaches))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The graph's strongly connected components of more than one module (Tarjan's
    algorithm), each sorted: every import cycle is inside one."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def importers(graph: dict[str, set[str]], modules: Iterable[str]) -> dict[str, set[str]]:
    """For each of ``modules``, the modules that import it."""
    wanted = set(modules)
    out: dict[str, set[str]] = {m: set() for m in wanted}
    for module, imported in graph.items():
        for m in imported & wanted:
            out[m].add(module)
    return out


# --- the flow of data, as the concepts page draws it -----------------------------------------

STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dates", ("dates", "designation")),
    ("events", ("kinds", "converter", "testing")),
    (
        "log",
        (
            "log",
            "storage",
            "bundled",
            "formats",
            "formats.parquet",
            "formats.jsonl",
            "formats.folder",
            "formats.timeline",
            "formats.atomic",
        ),
    ),
    ("facts, replay", ("factmodel", "replay")),
    ("state", ("state", "tables", "api", "panels")),
    ("edges", ("views", "cli", "plot", "exports", "cite", "verification", "caches")),
)
"""The stages data flows through, in order, and the package's modules in each (without the
``steelbond.`` prefix). Every import points back along the flow, to the module's own stage
or an earlier one, with the exceptions of :data:`BUILDS_THE_STATE`."""
BENEATH = ("errors", "frames", "countries", "_grown", "_pending")
"""Modules every stage may use: the errors, dataframes and HTML, the partners' country codes,
replay's shared sequences."""
BUILD_TIME = ("ledger", "build")
"""Modules run only to make the bundled data: they may use anything, and no stage uses them."""
OLD_PATHS = ("logfile", "snapshot")
"""Modules that only forward old import paths to the new ones, for one release."""
BUILDS_THE_STATE = frozenset(
    {("bundled", "state"), ("formats.timeline", "state"), ("replay", "state")}
)
"""The imports that point forward: replay builds the state's values (``steelbond.state``),
and the shipped timelines are read back into them, so their modules import the values'
module, which imports neither of them (nor the events, nor the log)."""


ROLES = {
    "views": "views (SQL)",
    "cli": "cli (CLI)",
    "cite": "cite (exports)",
    "tables": "tables (Arrow)",
}
"""What an edge module is, where its name does not say it, as the picture labels it."""


def _short(module: str) -> str:
    return module.removeprefix(PACKAGE + ".")


def flow_problems(imports: dict[str, set[str]]) -> list[str]:
    """What keeps the package from the picture: a module in no stage or in two, a module
    placed that does not exist, and any import pointing forward along the flow but those of
    :data:`BUILDS_THE_STATE`."""
    modules = {_short(m) for m in imports if m != PACKAGE}
    placed: dict[str, str] = {}
    problems = []
    groups = [*STAGES, ("beneath", BENEATH), ("build time", BUILD_TIME), ("old", OLD_PATHS)]
    for stage, members in groups:
        for m in members:
            if m in placed:
                problems.append(f"{m} is in two stages: {placed[m]} and {stage}")
            placed[m] = stage
    problems += [f"{m} is in no stage of the picture" for m in sorted(modules - placed.keys())]
    problems += [f"{m} is pictured but is no module" for m in sorted(placed.keys() - modules)]
    order = {stage: k for k, (stage, _) in enumerate(STAGES)}
    for module, imported in sorted(imports.items()):
        source = placed.get(_short(module))
        if source not in order:
            continue
        for other in sorted(imported):
            target = placed.get(_short(other))
            forward = target in order and order[target] > order[source]
            if forward and (_short(module), _short(other)) not in BUILDS_THE_STATE:
                problems.append(
                    f"{_short(module)} ({source}) imports {_short(other)} ({target}), "
                    "against the flow"
                )
    return problems


def render_flow(imports: dict[str, set[str]]) -> str:
    """The picture of the stages and their modules, as reStructuredText (a literal block),
    with what each stage takes from the stages before it, read from ``imports``."""
    columns = [
        [stage, "-" * len(stage), *(ROLES.get(m, m) for m in members)] for stage, members in STAGES
    ]
    widths = [max(map(len, column)) for column in columns]
    rows = max(map(len, columns))
    lines = []
    for r in range(rows):
        cells = [
            (column[r] if r < len(column) else "").ljust(width)
            for column, width in zip(columns, widths, strict=True)
        ]
        joint = " --> " if r == 0 else "     "
        lines.append(joint.join(cells).rstrip())
    stage_of = {m: stage for stage, members in STAGES for m in members}
    order = [stage for stage, _ in STAGES]
    lines += ["", "what each stage imports from the stages before it:"]
    for k, (stage, members) in enumerate(STAGES):
        earlier: dict[str, set[str]] = {}
        for m in members:
            for other in imports.get(f"{PACKAGE}.{m}", ()):
                target = stage_of.get(_short(other))
                if target is not None and order.index(target) < k:
                    earlier.setdefault(target, set()).add(_short(other))
        if earlier:
            taken = "; ".join(
                f"{s}: {', '.join(sorted(earlier[s]))}" for s in order if s in earlier
            )
            lines += textwrap.wrap(
                taken, 88, initial_indent=f"  {stage:<14} <- ", subsequent_indent=" " * 20
            )
    forward = sorted(f"{a} -> {b}" for a, b in BUILDS_THE_STATE)
    lines += [
        "",
        "the only imports that point forward (the state's values, built by replay and read",
        f"back from the shipped timelines): {', '.join(forward)}",
        f"beneath every stage: {', '.join(BENEATH)}",
        f"build time only (imported by no stage): {', '.join(BUILD_TIME)}",
        f"old import paths, forwarding for one release: {', '.join(OLD_PATHS)}",
    ]
    body = "\n".join(("   " + line).rstrip() for line in lines)
    return f"::\n\n{body}\n"


if __name__ == "__main__":
    graph = scan()
    loops = cycles(graph.imports)
    for loop in loops:
        print("cycle:", " -> ".join(loop))
    for reach in graph.reaches:
        print("private:", reach)
    print(
        f"{len(graph.imports)} modules, {len(loops)} import cycles, "
        f"{len(graph.reaches)} private reaches"
    )
    problems = flow_problems(graph.imports)
    for problem in problems:
        print("flow:", problem)
    sys.exit(1 if loops or graph.reaches or problems else 0)
