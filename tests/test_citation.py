"""Citing the data: cite(), data_version(), CITATION.cff, datapackage.json, package metadata."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

import steelbond
from steelbond.bundled import bundled_path

ROOT = Path(__file__).resolve().parents[1]


def test_data_version_names_the_release_and_the_files_checksum():
    v = steelbond.data_version()
    assert v.sha256 == hashlib.sha256(bundled_path().read_bytes()).hexdigest()
    assert v.release == steelbond.bundled_log().release_names()[-1]
    assert v.events == len(steelbond.bundled_log())


@pytest.mark.parametrize("fmt", ["text", "bibtex"])
def test_cite_covers_software_data_and_every_source(fmt):
    text = steelbond.cite(fmt)
    assert steelbond.__version__ in text
    assert steelbond.data_version().sha256 in text
    for source in steelbond.sources():
        assert source.title in text


def test_cite_refuses_an_unknown_format():
    with pytest.raises(steelbond.errors.ArgumentError, match="'ris'"):
        steelbond.cite("ris")  # type: ignore[arg-type]


def test_citation_cff_is_valid_against_the_official_schema():
    """The CFF 1.2.0 JSON schema, as shipped in cffconvert's wheel (found without importing
    cffconvert, whose own dependencies are not installed)."""
    import importlib.util

    import jsonschema

    spec = importlib.util.find_spec("cffconvert")
    assert spec is not None and spec.submodule_search_locations, "pip install --no-deps cffconvert"
    schema_path = Path(next(iter(spec.submodule_search_locations))) / "schemas/1.2.0/schema.json"
    schema = json.loads(schema_path.read_text("utf-8"))
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    cff = json.loads(json.dumps(cff, default=str))  # YAML dates to strings, as the schema asks
    jsonschema.validate(cff, schema, format_checker=jsonschema.FormatChecker())
    broken = dict(cff, authors=[])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_citation_cff_matches_the_package():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert cff["cff-version"] == "1.2.0"
    assert {"cff-version", "message", "title", "authors"} <= cff.keys()
    assert str(cff["version"]) == project["version"] == steelbond.__version__
    assert {r["type"] for r in cff["references"]} >= {"data", "article"}


def test_datapackage_is_in_step_with_the_shipped_tables():
    out = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "datapackage.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout
    package = json.loads((ROOT / "datapackage.json").read_text("utf-8"))
    by_name = {r["name"]: r for r in package["resources"]}
    events = by_name["events"]
    with (ROOT / events["path"]).open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert [f["name"] for f in events["schema"]["fields"]] == header
    assert package["version"] == steelbond.data_version().release


def test_the_shipped_datapackage_passes_frictionless_validation_row_by_row():
    """Not only the descriptor: every row of every table is checked against its schema
    (types, missing values), as `frictionless validate datapackage.json` does."""
    from frictionless import Package, validate

    descriptor = json.loads((ROOT / "datapackage.json").read_text("utf-8"))
    assert list(Package.metadata_validate(descriptor)) == []
    report = validate(str(ROOT / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    broken = dict(descriptor, resources=[{"name": "Not A Name!", "path": 5}])
    assert list(Package.metadata_validate(broken))


def test_pyproject_metadata_is_complete_for_pypi():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    for key in ("description", "readme", "license", "classifiers", "urls", "requires-python"):
        assert project.get(key), key
    assert "CC-BY-4.0" in project["license"] and "MIT" in project["license"]


def test_the_built_sdist_and_wheel_pass_twine_check(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    dists = sorted(str(p) for p in tmp_path.iterdir())
    assert len(dists) == 2
    out = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *dists], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_release_workflow_publishes_with_trusted_publishing():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text("utf-8"))
    jobs = workflow["jobs"]
    publish = jobs["publish"]
    assert publish["permissions"]["id-token"] == "write"
    assert any("pypa/gh-action-pypi-publish" in s.get("uses", "") for s in publish["steps"])
    assert "tags" in workflow[True]["push"]  # YAML reads the key `on` as True


def test_package_metadata_rates_at_least_nine_with_pyroma():
    """pyroma's checks of what PyPI users see (description, classifiers, author e-mail...)."""
    from pyroma import projectdata, ratings

    data = projectdata.get_data(str(ROOT))
    rating = ratings.rate(data)
    assert rating[0] >= 9, rating[1]
