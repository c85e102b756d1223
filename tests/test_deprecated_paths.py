"""Names that moved import from their old paths for one release, with a DeprecationWarning
naming the new one, and are the same objects."""

from __future__ import annotations

import importlib

import pytest

import steelbond
from steelbond import build, bundled, errors
from steelbond.formats import atomic, folder, parquet
from steelbond.formats import timeline as timeline_format

MOVED = [
    ("steelbond.logfile", "LogFile", folder.LogFile),
    ("steelbond.logfile", "Appended", folder.Appended),
    ("steelbond.logfile", "FANOUT", folder.FANOUT),
    ("steelbond.logfile", "is_log_folder", folder.is_log_folder),
    ("steelbond.storage", "arrow_schema", parquet.arrow_schema),
    ("steelbond.storage", "log_to_table", parquet.log_to_table),
    ("steelbond.storage", "log_from_table", parquet.log_from_table),
    ("steelbond.storage", "refuse_installed", bundled.refuse_installed),
    ("steelbond.storage", "protected_folders", bundled.protected_folders),
    ("steelbond.storage", "path_argument", errors.path_argument),
    ("steelbond.storage", "fsync_folder", atomic.fsync_folder),
    ("steelbond.snapshot", "decode_timeline", timeline_format.decode_timeline),
    ("steelbond.snapshot", "read_timeline", timeline_format.read_timeline),
    ("steelbond.snapshot", "render", build.render_timelines),
]


@pytest.mark.parametrize(("module", "name", "moved_to"), MOVED, ids=lambda v: str(v)[:40])
def test_a_moved_name_still_imports_with_a_warning_naming_its_new_home(module, name, moved_to):
    old = importlib.import_module(module)
    with pytest.warns(DeprecationWarning, match=rf"{module}\.{name} moved to steelbond\."):
        assert getattr(old, name) is moved_to


@pytest.mark.parametrize("module", ["steelbond.logfile", "steelbond.storage", "steelbond.snapshot"])
def test_an_unknown_name_of_an_old_module_is_still_an_attribute_error(module):
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        importlib.import_module(module).nothing_here  # noqa: B018


def test_the_top_level_names_are_unchanged_and_do_not_warn(recwarn):
    assert steelbond.LogFolder is folder.LogFolder
    assert steelbond.read_log is importlib.import_module("steelbond.storage").read_log
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning)]


def test_log_file_is_log_folder_with_head_as_a_method_and_a_warning(tmp_path):
    with pytest.warns(DeprecationWarning, match="LogFolder"):
        old = steelbond.LogFile(tmp_path / "mine")
    with pytest.warns(DeprecationWarning, match="LogFolder"):
        old = folder.LogFile(tmp_path / "mine")
    new = folder.LogFolder(tmp_path / "mine")
    done = old.append(steelbond.testing.sample_event("a"))
    assert old.head() == new.head == done.head
    assert old.read() == new.read()


def test_event_log_as_of_release_is_release_with_a_warning():
    log = steelbond.bundled_log()
    with pytest.warns(DeprecationWarning, match=r"EventLog.release"):
        old = log.as_of_release("0.1.0")
    assert old == log.release("0.1.0")
