"""Peak memory of loading a flights CSV and computing the six pages' sheets, in this fresh process.

    python -m bench.memory PATH.csv   → one JSON line: frame_mb, baseline_mb (after imports), peak_mb
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path


def _rss_mb() -> float:
    """Resident memory now (Linux /proc), in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB. Not `ru_maxrss`: that one survives fork and exec,
    so a child of a large process (the bench itself) would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(path: str) -> None:
    from bench.pages import pages
    from lib.facts.base import Scope
    from lib.sources.embedded import read_flights_csv

    computes = pages()  # imports the six fact modules (and scipy, pyarrow): the baseline is after the imports
    baseline = _rss_mb()
    frame = read_flights_csv(Path(path))
    scope = Scope.of("bench:memory", "flights")
    for compute in computes.values():
        compute(frame, scope)
    peak = _peak_mb()
    frame_mb = frame.memory_usage(deep=True).sum() / 2**20
    print(json.dumps({"frame_mb": frame_mb, "baseline_mb": baseline, "peak_mb": peak}))


if __name__ == "__main__":
    main(sys.argv[1])
