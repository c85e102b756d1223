#!/usr/bin/env bash
# The whole test suite, from a fresh machine: makes .venv, installs steelbond with its test and
# docs extras, then runs lint, types, the tests (doctests included) and the docs build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test,docs]'
# The official CITATION.cff schema ships inside cffconvert; its own dependencies include a
# ruamel.yaml that does not build on every machine, and the test needs only the schema file.
.venv/bin/python -m pip install -q --no-deps 'cffconvert>=2'
# R reads the exports in the docs' base-R recipe; a test runs it. Where R is missing and
# Debian's apt can install it (CI runs as root), install it; in CI the test may not skip.
if ! command -v Rscript >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
    && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends r-base-core \
        >/dev/null || { apt-get update -q >/dev/null \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            r-base-core >/dev/null; }
fi
if [ -n "${CI:-}" ]; then export STEELBOND_REQUIRE_R=1; fi
.venv/bin/ruff check src tests tools bench docs
.venv/bin/ruff format --check src tests tools bench docs
.venv/bin/mypy
.venv/bin/python tools/build_data.py --check
.venv/bin/python -m pytest -q
.venv/bin/python -m sphinx -n -W --keep-going -b html docs docs/_build/html -q
.venv/bin/python -m sphinx -n -W --keep-going -b doctest docs docs/_build/doctest -q
