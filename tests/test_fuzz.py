"""The fuzzer (``tools/fuzz.py``): every target exercised, nothing foreign or wrong found."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from .helpers import (
    FUZZ_INPUTS,
    ROOT,
    reliability,
)

FUZZ = ROOT / "tools" / "fuzz.py"


@pytest.fixture(scope="module")
def fuzz_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], str]:
    out = tmp_path_factory.mktemp("fuzz") / "result.json"
    proc = subprocess.run(
        [sys.executable, str(FUZZ), "--n", str(FUZZ_INPUTS), "--seed", "0", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert out.exists(), proc.stdout + proc.stderr
    print(proc.stdout)
    return proc.returncode, json.loads(out.read_text("utf-8")), proc.stdout


@reliability
def test_the_fuzzer_exercises_every_target(fuzz_run):
    _, result, _ = fuzz_run
    assert result["n"] == FUZZ_INPUTS
    for name in (
        "parse_date",
        "state_at",
        "states_at",
        "events",
        "structure_event",
        "read_ledger",
        "read_log",
        "cli",
    ):
        target = result["targets"][name]
        assert target["inputs"] > FUZZ_INPUTS // 100, name
        if name == "cli":  # the command line refuses with exit code 2
            assert {"exit-0", "exit-2"} <= target["outcomes"].keys()
        else:
            assert target["accepted"] > 0 and sum(target["refused"].values()) > 0, name


@reliability
def test_the_fuzzer_finds_nothing_foreign_and_no_wrong_answer(fuzz_run):
    """Every finding fails CI: no exception but steelbond's own, no answer that disagrees
    with a fresh replay (the findings so far are fixed, and replay from the fuzzer's corpus)."""
    code, result, report = fuzz_run
    assert (result["foreign"], result["violations"]) == ({}, {}), report
    assert (result["foreign_total"], result["violations_total"]) == (0, 0), report
    assert code == 0
