"""The **verify** figure: re-hashing every event of a long log.

``EventLog.verify()`` of the N-event synthetic log against the same hash chain computed
with hashlib alone over the same bytes (``sha256(prev_hash) + canonical bytes`` per event,
the bytes encoded beforehand with ``steelbond.converter.canonical_bytes``); median of 3.
"""

from __future__ import annotations

import argparse
import hashlib

from common import Logs, Result, fmt_bytes, fmt_s, log, median_time, timed

KEY = "verify"


def figure(args: argparse.Namespace, logs: Logs) -> Result:
    from steelbond.converter import canonical_bytes
    from steelbond.log import GENESIS

    big = logs.full()
    n = len(big)
    runs = 3
    log(f"verify: encoding {n:,} events' canonical bytes for the reference")
    enc_t, blobs = timed(lambda: [canonical_bytes(e) for e in big])
    sha256 = hashlib.sha256

    def chain() -> str:
        prev = GENESIS
        for b in blobs:
            h = sha256(prev.encode("ascii"))
            h.update(b)
            prev = h.hexdigest()
        return prev

    assert chain() == big.head, "reference chain differs from the log's"
    log(f"verify: {runs} runs of EventLog.verify() and of the hashlib chain")
    ref_t, _ = median_time(chain, runs)
    v_t, v_all = median_time(big.verify, runs)
    total = sum(len(b) for b in blobs)
    joined = b"".join(blobs)
    one_t, _ = median_time(lambda: sha256(joined).hexdigest(), 3)
    ratio = v_t / ref_t
    return Result(
        "verify",
        f"`verify()` of a {n:,}-event log",
        f"{fmt_s(v_t)} ({ratio:.1f}x)",
        f"hashlib chain over the same bytes: {fmt_s(ref_t)}",
        "within 2x",
        ratio <= 2,
        [
            f"median of {runs}; verify runs {', '.join(fmt_s(t) for t in v_all)}",
            f"the canonical bytes: {fmt_bytes(total)}, {total / n:.0f} B per event; encoding them "
            f"(canonical_bytes for every event) alone takes {fmt_s(enc_t)}, "
            f"{enc_t / v_t:.0%} of verify; one sha256 over all of them at once {fmt_s(one_t)}",
        ],
        {"verify": v_t, "hashlib": ref_t, "encode": enc_t, "ratio": ratio, "bytes": total},
    )
