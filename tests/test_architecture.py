"""The shape of the code, read from the source (``tools/import_graph.py``, with ``ast``): no
import cycles among steelbond's modules, function-level and ``TYPE_CHECKING`` imports
included, and no reach into another module's private names from the package, the tools,
the docs or the benchmarks."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

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


@pytest.fixture(scope="module")
def scanned() -> tuple[dict[str, set[str]], list[str]]:
    return import_graph.scan(ROOT)


def test_no_import_cycles_among_the_modules(scanned):
    graph, _ = scanned
    assert len(graph) > 20  # the package was found
    assert import_graph.cycles(graph) == []


def test_no_code_reaches_into_another_modules_private_names(scanned):
    _, reaches = scanned
    assert reaches == []


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
    graph, reaches = import_graph.scan(tmp_path)
    assert graph["steelbond"] == set()
    assert graph["steelbond.d"] == {"steelbond.a"}
    assert import_graph.cycles(graph) == [["steelbond.a", "steelbond.b", "steelbond.c"]]
    assert reaches == []


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
    _, reaches = import_graph.scan(tmp_path)
    found = {r.split(":", 2)[0] + ":" + r.split(":", 2)[2] for r in reaches}
    assert found == {
        "src/steelbond/sub/n.py: from steelbond.m import _own",
        "tools/t.py: steelbond.m._own",
        "docs/d.py: steelbond.m._own",
        "bench/b.py: imports private module steelbond._hidden",
    }
    assert sum("bench/b.py" in r for r in reaches) == 2  # both forms, each on its line
