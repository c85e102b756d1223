"""The package as users get it: a cheap import, a small declared API, a wheel with its data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import steelbond

ROOT = Path(__file__).resolve().parents[1]


def test_import_loads_neither_pyarrow_nor_duckdb():
    heavy = "('pyarrow', 'duckdb', 'numpy', 'cattrs')"
    code = f"import sys, steelbond; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_cold_state_query_needs_neither_pyarrow_nor_numpy():
    code = (
        "import sys, steelbond; steelbond.state_at('2015-06-30'); "
        "print(sorted(m for m in ('pyarrow', 'numpy', 'duckdb') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_declared_name_resolves():
    for name in steelbond.__all__:
        assert getattr(steelbond, name) is not None


def test_public_functions_are_not_shadowed_by_submodules():
    import steelbond.api
    import steelbond.kinds
    import steelbond.replay

    for name in ("events", "state_at", "states_at", "timeline", "conflicts", "sources", "sql"):
        assert callable(getattr(steelbond, name)), name
        assert not isinstance(getattr(steelbond, name), type(steelbond)), name


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'stat_at'"):
        steelbond.stat_at  # noqa: B018


def test_py_typed_ships():
    assert (ROOT / "src" / "steelbond" / "py.typed").is_file()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("steelbond-*.whl")
    return found


def test_the_wheel_carries_the_data_and_the_type_marker(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    assert "steelbond/data/events.parquet" in names
    assert "steelbond/data/events.jsonl" in names
    assert "steelbond/data/timeline.json" in names
    assert "steelbond/py.typed" in names


def test_the_installed_wheel_answers_a_state_query_outside_the_source_tree(
    wheel: Path, tmp_path: Path
):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    # It answers from the timeline shipped in the wheel: the file is there and believed
    # (bundled_timeline gives it), and the log was neither read nor replayed.
    code = (
        "import steelbond; s = steelbond.state_at('2015-06-30'); "
        "print(steelbond.__file__); print(s.designation.value); "
        "from steelbond.bundled import bundled_log, bundled_timeline; "
        "print(bundled_timeline() is not None, bundled_log.cache_info().currsize, "
        "'steelbond.replay' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {code}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    where, designation, shipped, logs_read, replayed = out.stdout.split()
    assert where.startswith(str(target))
    assert designation == steelbond.state_at("2015-06-30").designation.value
    assert (shipped, logs_read, replayed) == ("True", "0", "False")


def test_the_top_level_is_declared_once_and_every_name_resolves():
    import ast
    import warnings

    tree = ast.parse((Path(steelbond.__file__)).read_text("utf-8"))
    typed: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom) and stmt.level == 1 and stmt.module:
                    typed |= {a.asname or a.name for a in stmt.names}
    exported = set(steelbond._EXPORTS)
    # the type checker sees exactly the names __all__ lists (and the submodules)
    assert typed - steelbond._SUBMODULES == exported
    assert steelbond.__all__ == [*steelbond._EXPORTS, "__version__"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none of the public names is deprecated
        for name in steelbond.__all__:
            assert getattr(steelbond, name) is not None, name
    assert len(exported) <= 45  # research code's surface, not every class


@pytest.mark.parametrize("name", sorted(steelbond._MOVED))
def test_a_name_moved_off_the_top_level_still_resolves_with_a_warning(name):
    import importlib

    home = importlib.import_module(f"steelbond.{steelbond._MOVED[name]}")
    with pytest.warns(DeprecationWarning, match=f"steelbond.{steelbond._MOVED[name]}"):
        value = getattr(steelbond, name)
    assert value is getattr(home, name)


def test_the_version_is_the_package_metadata_s():
    from importlib.metadata import version

    assert steelbond.__version__ == version("steelbond")


def test_verify_returns_the_outcome_the_command_prints():
    outcome = steelbond.verify()
    assert outcome.ok and outcome.problems == ()
    assert outcome.events == len(steelbond.bundled_log())
    assert str(outcome).startswith(f"ok: {outcome.events} events")


def test_clear_caches_forgets_and_the_answers_stay_the_same():
    before = steelbond.state_at("2015-06-30")
    first = steelbond.bundled_log()
    steelbond.clear_caches()
    assert steelbond.bundled_log() is not first  # read again
    assert steelbond.state_at("2015-06-30") == before
