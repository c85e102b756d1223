"""The shape of the code, read from the source (``tools/import_graph.py``, with ``ast``): no
import cycles among steelbond's modules, function-level and ``TYPE_CHECKING`` imports
included; no reach into another module's private names from the package, the tools, the
docs or the benchmarks; events and replay free of the storage and query engines; build-time
code off the runtime path."""

from __future__ import annotations

import importlib.util
import re
import sys
import textwrap
from pathlib import Path

import pytest

from .helpers import (
    reliability,
)

ROOT = Path(__file__).resolve().parents[1]


def _load_import_graph():
    spec = importlib.util.spec_from_file_location(
        "import_graph", ROOT / "tools" / "import_graph.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("import_graph", module)
    spec.loader.exec_module(module)
    return module


import_graph = _load_import_graph()


DOMAIN = (
    "steelbond._grown",
    "steelbond._pending",
    "steelbond.converter",
    "steelbond.designation",
    "steelbond.errors",
    "steelbond.factmodel",
    "steelbond.kinds",
    "steelbond.log",
    "steelbond.replay",
    "steelbond.state",
)
"""Events, the log and replay: the core, which knows nothing of storage or SQL. (Not
``steelbond.dates``: its ``day_numbers`` reads many query dates from NumPy, Arrow, pandas or
polars, importing NumPy and pyarrow when it is called; replay never calls it.)"""
ENGINES = {"pyarrow", "numpy", "duckdb", "pandas", "polars", "matplotlib", "sqlite3"}
BUILD_TIME = {"steelbond.build", "steelbond.ledger"}
"""Code that makes the bundled data, never run by a query."""
SHIMS = {"steelbond.logfile", "steelbond.snapshot"}
"""Old import paths, forwarding to the new ones for one release."""


@pytest.fixture(scope="module")
def graph():
    return import_graph.scan(ROOT)


def test_no_import_cycles_among_the_modules(graph):
    assert len(graph.imports) > 20  # the package was found
    assert import_graph.cycles(graph.imports) == []


def test_no_code_reaches_into_another_modules_private_names(graph):
    assert graph.reaches == []


def test_events_and_replay_import_no_storage_or_query_engine(graph):
    assert set(DOMAIN) <= graph.imports.keys()
    used = {m: sorted(graph.external[m] & ENGINES) for m in DOMAIN}
    assert used == {m: [] for m in DOMAIN}


def test_build_time_code_is_off_the_runtime_path(graph):
    users = import_graph.importers(graph.imports, BUILD_TIME)
    runtime_users = {m: sorted(u - BUILD_TIME - SHIMS) for m, u in users.items()}
    assert runtime_users == {m: [] for m in BUILD_TIME}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_check_finds_a_cycle_through_a_function_level_or_type_only_import(tmp_path):
    _write(
        tmp_path,
        {
            "src/steelbond/__init__.py": """
                from typing import TYPE_CHECKING
                if TYPE_CHECKING:
                    from .a import A  # a lazy re-export: not a dependency
            """,
            "src/steelbond/a.py": "from .b import B\nA = 1\n",
            "src/steelbond/b.py": "def f():\n    from . import c\nB = 1\n",
            "src/steelbond/c.py": """
                from typing import TYPE_CHECKING
                if TYPE_CHECKING:
                    from steelbond.a import A
            """,
            "src/steelbond/d.py": "import steelbond.a\n",
        },
    )
    found = import_graph.scan(tmp_path)
    assert found.imports["steelbond"] == set()
    assert found.imports["steelbond.d"] == {"steelbond.a"}
    assert import_graph.cycles(found.imports) == [["steelbond.a", "steelbond.b", "steelbond.c"]]
    assert found.reaches == []


def test_the_check_finds_every_form_of_private_reach(tmp_path):
    _write(
        tmp_path,
        {
            "src/steelbond/__init__.py": "",
            "src/steelbond/_hidden.py": "X = 1\n",
            "src/steelbond/m.py": "_own = 1\nprint(_own)\nfrom . import _hidden\n",
            "src/steelbond/sub/__init__.py": "",
            "src/steelbond/sub/n.py": "from ..m import _own\n",
            "tools/t.py": "import steelbond.m as m\nprint(m._own)\n",
            "docs/d.py": "import steelbond\nprint(steelbond.m._own)\n",
            "bench/b.py": "from steelbond import _hidden\nfrom steelbond._hidden import X\n",
        },
    )
    reaches = import_graph.scan(tmp_path).reaches
    found = {r.split(":", 2)[0] + ":" + r.split(":", 2)[2] for r in reaches}
    assert found == {
        "src/steelbond/sub/n.py: from steelbond.m import _own",
        "tools/t.py: steelbond.m._own",
        "docs/d.py: steelbond.m._own",
        "bench/b.py: imports private module steelbond._hidden",
    }
    assert sum("bench/b.py" in r for r in reaches) == 2  # both forms, each on its line


def test_no_type_ignore_in_the_package():
    """mypy --strict checks the package whole: no line opts out."""
    ignored = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "src" / "steelbond").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "type: ignore" in line
    ]
    assert ignored == []


_DANGEROUS = {
    "pickle": r"\b_?pickle\b",
    "marshal": r"\bmarshal\b",
    "shelve": r"\bshelve\b",
    "eval": r"(?<![\w.])eval\(",
    "exec": r"(?<![\w.])exec\(",
    "compile": r"(?<![\w.])compile\(",
    "__import__": r"__import__\(",
    "yaml.load": r"yaml\.(unsafe_)?load\(",
    "allow_pickle": r"allow_pickle\s*=\s*True",
    "os.system": r"\bos\.(system|popen)\(",
    "subprocess": r"\bsubprocess\b",
}


@reliability
def test_no_code_is_executed_from_data():
    sources = sorted((ROOT / "src" / "steelbond").rglob("*.py"))
    assert sources
    found = [
        f"{path.name}:{n}: {name}: {line.strip()}"
        for path in sources
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        for name, pattern in _DANGEROUS.items()
        if re.search(pattern, line)
    ]
    assert found == []
    # dynamic imports: steelbond's own submodules (relative to the package), or a module
    # whose name every caller of require() gives as a string literal; never a name from data
    text = "\n".join(path.read_text("utf-8") for path in sources)
    for line in text.splitlines():
        if "import_module(" in line:
            relative = 'import_module(f".' in line and "__name__)" in line
            assert relative or "import_module(module)" in line, line
    for args in re.findall(r"(?<![\w.])require\(([^)]*)\)", text):
        assert re.fullmatch(r'"[\w.]+", "\w+"', args) or args.startswith("module: str"), args


def test_the_picture_of_the_flow_places_every_module_and_no_import_runs_against_it(graph):
    assert import_graph.flow_problems(graph.imports) == []
    short = {
        (a.removeprefix("steelbond."), b.removeprefix("steelbond."))
        for a, imported in graph.imports.items()
        for b in imported
    }
    assert import_graph.BUILDS_THE_STATE.issubset(short)  # each exception is a real import


def test_the_picture_fails_on_a_module_left_out_or_an_import_against_the_flow():
    imports = {
        "steelbond.dates": {"steelbond.views"},  # dates (first) importing an edge (last)
        "steelbond.views": set(),
        "steelbond.newcomer": set(),
    }
    problems = import_graph.flow_problems(imports)
    assert "newcomer is in no stage of the picture" in problems
    assert "dates (dates) imports views (edges), against the flow" in problems


def test_the_concepts_page_shows_the_picture_drawn_from_the_code():
    page = (ROOT / "docs" / "concepts.rst").read_text(encoding="utf-8")
    assert ".. include:: _generated/modules.inc" in page
    drawn = import_graph.render_flow(import_graph.scan(ROOT).imports)
    for _, members in import_graph.STAGES:
        assert all(m in drawn for m in members)
