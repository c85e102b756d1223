"""Exports: flat tables in CSV, Parquet and Stata, a codebook and a data package, read back
by pandas, Frictionless and base R."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import steelbond
from steelbond.errors import ArgumentError, StorageError
from steelbond.exports import TABLES, describe

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    steelbond.export(folder)
    return folder


def test_every_table_is_written_in_every_format_with_a_codebook_and_package(
    exported: Path,
) -> None:
    names = {p.name for p in exported.iterdir()}
    for table in TABLES:
        assert {f"{table}.csv", f"{table}.parquet", f"{table}.dta"} <= names
    assert {"codebook.md", "datapackage.json"} <= names


def test_the_csv_parquet_and_panel_agree(exported: Path) -> None:
    year = steelbond.panel(
        steelbond.api.replayed(None, None).coverage_start.year,
        steelbond.api.replayed(None, None).coverage_end.year,
    ).to_arrow()
    assert pq.read_table(exported / "panel_year.parquet").equals(year)
    with (exported / "panel_year.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == year.num_rows
    for row, expected in zip(rows, year.to_pylist(), strict=True):
        for key in ("year", "designation", "summits_attended", "mission_to_nato", "ccode"):
            value = expected[key]
            if isinstance(value, bool):
                shown: object = "TRUE" if value else "FALSE"
            else:
                shown = "" if value is None else value
            assert row[key] == str(shown), (key, row["year"])


def test_no_exported_column_is_nested(exported: Path) -> None:
    for table in TABLES:
        schema = pq.read_schema(exported / f"{table}.parquet")
        assert not [f.name for f in schema if pa.types.is_nested(f.type)], table


def test_the_stata_file_reads_back_with_labels(exported: Path) -> None:
    with pd.io.stata.StataReader(exported / "panel_year.dta") as reader:
        frame = reader.read()
        labels = reader.variable_labels()
        values = reader.value_labels()
    year = steelbond.panel(1945, 2026).to_pandas()
    assert list(frame["year"]) == list(year["year"])
    assert labels["ccode"].startswith("Correlates of War")
    assert any(
        "partner_across_the_globe" in labelset.values() for labelset in values.values()
    )  # designation has value labels
    covered = frame[frame["coverage"] == "full"]
    assert set(covered["mission_to_nato"].dropna()) <= {0, 1}
    row = frame[frame["year"] == 2015].iloc[0]
    assert row["designation"] == steelbond.state_at("2015-12-31").designation.value


def test_the_exported_package_passes_frictionless_validation_row_by_row(exported: Path) -> None:
    from frictionless import validate

    report = validate(str(exported / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_the_codebook_describes_every_column(exported: Path) -> None:
    book = (exported / "codebook.md").read_text("utf-8")
    package = json.loads((exported / "datapackage.json").read_text("utf-8"))
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            assert f"`{field['name']}`" in book
            assert field["description"]


def test_a_column_without_a_description_is_refused() -> None:
    with pytest.raises(ArgumentError, match="no description"):
        describe("panel_year", "a_column_nobody_documented")


def test_export_refuses_the_installed_data_folder() -> None:
    from steelbond.bundled import bundled_path

    with pytest.raises(StorageError):
        steelbond.export(bundled_path().parent / "export")


def test_export_refuses_an_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ArgumentError, match="xlsx"):
        steelbond.export(tmp_path, formats=["xlsx"])
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_exports_and_writes_panels(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "steelbond.cli"]
    out = subprocess.run(
        [*run, "export", str(tmp_path / "out"), "--formats", "csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(tmp_path / "out" / "panel_year.csv") in out.stdout
    target = tmp_path / "p.dta"
    subprocess.run(
        [*run, "panel", "--from", "2020", "--to", "2022", "--by", "quarter", "--format", "dta",
         "--partner", "KOR", "--output", str(target)],
        check=True, capture_output=True,
    )  # fmt: skip
    frame = pd.read_stata(target)
    assert list(frame["period"]) == [f"{y}Q{q}" for y in (2020, 2021, 2022) for q in (1, 2, 3, 4)]
    csv_out = subprocess.run(
        [*run, "panel", "--from", "2021", "--to", "2022", "--format", "csv", "--partner", "KOR"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rows = list(csv.DictReader(csv_out.splitlines()))
    assert [r["year"] for r in rows] == ["2021", "2022"]
    refused = subprocess.run(
        [*run, "panel", "--from", "2021", "--to", "2022", "--format", "parquet"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode == 2 and "--output" in refused.stderr


def test_cite_on_the_command_line_gives_bibtex_with_the_article() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "steelbond.cli", "cite", "--format", "bibtex"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    entry = out.split("@article{simikic2026,")[1].split("\n}")[0]
    assert "journal = {Politeia" in entry and "pages = {121--138}" in entry
    assert "publisher" not in entry


def test_base_r_reads_the_export_as_python_does(exported: Path) -> None:
    """The docs' base-R recipe, run by R itself against the export; CI installs R
    (r-base-core) and sets STEELBOND_REQUIRE_R, so there the test cannot skip."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        if os.environ.get("STEELBOND_REQUIRE_R"):
            pytest.fail("Rscript is not installed, and STEELBOND_REQUIRE_R is set")
        pytest.skip("R is not installed")
    out = subprocess.run(
        [rscript, str(ROOT / "docs" / "recipes" / "read_export.R"), str(exported)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    got = dict(line.split(" ", 1) for line in out.strip().splitlines())
    got = {k: v.strip() for k, v in got.items()}
    everyone = steelbond.panel(1945, 2026).to_arrow()
    assert got["partners"] == ",".join(sorted(set(everyone["partner"].to_pylist())))
    year = steelbond.panel(1945, 2026, partner="KOR").to_arrow().to_pylist()
    full = [r for r in year if r["coverage"] == "full"]
    assert int(got["rows"]) == len(year)
    assert got["designation_2015"] == steelbond.state_at("2015-12-31").designation.value
    assert got["mission_2023"] == "TRUE"
    assert int(got["summits_total_2024"]) == len(steelbond.state_at("2024-12-31").summits)
    assert int(got["summits_attended_sum"]) == sum(r["summits_attended"] for r in full)
    assert int(got["na_outside_coverage"]) == len(year) - len(full)
    facts = steelbond.sql(
        "SELECT count(*) FILTER (standing AND NOT corroborated) FROM facts", partner="KOR"
    )
    assert int(got["uncorroborated"]) == facts.fetchall()[0][0]
