"""The on-disk forms of a log, and of what ships beside it: one module per format.

=====================================  =====================================================
:mod:`steelbond.formats.parquet`       a log as one Parquet file: its Arrow schema, derived
                                       from the event classes, the write and the checked read
:mod:`steelbond.formats.jsonl`         a log as JSON lines: the bundled data's mirror of its
                                       Parquet file, read without pyarrow
:mod:`steelbond.formats.folder`        a log as a folder of Parquet segments and an index,
                                       appended to without rewriting (:class:`~steelbond.LogFolder`)
:mod:`steelbond.formats.timeline`      ``timeline.json``: the bundled log's timelines,
                                       shipped already replayed for a cold ``state_at``
:mod:`steelbond.formats.atomic`        the one atomic write every format goes through
=====================================  =====================================================

A format module knows its format and nothing of policy: which file answers a query is
:mod:`steelbond.bundled`'s business, and so is refusing to write over the installed data,
which the public writers (:func:`steelbond.write_log`, :class:`~steelbond.LogFolder`) ask it
to do. Importing this package imports none of its modules.
"""
