"""Checking the installed data: the checksum, the hash chain, the mirror and the shipped
timelines, all at once.

:func:`verify` is what ``steelbond verify`` prints. It never raises for a failed check:
it returns a :class:`Verification` whose ``problems`` say what failed, so research code can
log the outcome (``assert steelbond.verify().ok``) and the command can exit 1.
"""

from __future__ import annotations

import attrs

__all__ = ["Verification", "verify"]


@attrs.frozen
class Verification:
    """The outcome of :func:`verify`: the events checked, the data file's SHA-256, and
    every problem found (none when the data verifies)."""

    events: int
    sha256: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return not self.problems

    def __str__(self) -> str:
        if self.ok:
            return f"ok: {self.events} events, hash chain verified, sha256 {self.sha256}"
        return "\n".join(f"verify failed: {p}" for p in self.problems)


def verify() -> Verification:
    """Check the installed data: the Parquet file against its checksum, every value and
    column of it (as :func:`steelbond.read_log` reads them), the hash chain of the file and
    of its JSON-lines mirror, that the two hold the same events, and that each shipped
    timeline is the replay of its release.

    >>> import steelbond
    >>> steelbond.verify().ok
    True
    """
    from .bundled import TIMELINE_FILE, bundled_log, bundled_path, bundled_timeline, data_version
    from .errors import IntegrityError, StorageError
    from .replay import replay
    from .storage import read_log

    path = bundled_path()
    expected_file = path.with_name(path.name + ".sha256")
    digest = data_version().sha256
    problems = []
    if not expected_file.is_file():
        problems.append(f"no checksum file {expected_file.name} beside {path}")
    elif expected_file.read_text("ascii").split()[0] != digest:
        problems.append(f"{path} does not match its checksum {expected_file.name}")
    try:  # every value and column of the file, not only its chain (see read_log)
        stored = read_log(path)
    except StorageError as exc:
        problems.append(str(exc))
        stored = bundled_log()  # the mirror is still checked below
    for log in (stored, bundled_log()):  # the Parquet file and its JSON-lines mirror
        try:
            log.verify()
        except IntegrityError as exc:
            problems.append(str(exc))
    if stored != bundled_log():
        problems.append(
            f"{path.with_suffix('.jsonl').name} does not hold the events of {path.name}"
        )
    for release in (None, *bundled_log().release_names()):
        # State queries believe the shipped timelines (when built from this log): hold
        # them to a replay here. A stale file is not believed, so it is no problem.
        shipped = bundled_timeline(release)
        if shipped is not None and shipped != replay(bundled_log(), release):
            problems.append(
                f"{TIMELINE_FILE} does not hold the replayed timeline of "
                f"{'the whole log' if release is None else 'release ' + release}"
            )
    return Verification(events=len(bundled_log()), sha256=digest, problems=tuple(problems))
