"""The C heap's policy for tables (lib/sources/heap.py): freed reading memory goes back to the system,
table-sized arrays reuse freed memory."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from lib.sources.heap import release_free_heap


def _resident_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20


def test_free_memory_inside_the_heap_is_returned_to_the_system():
    """200 MB of 1 KB cells freed below a cell still in use stay in the process (glibc trims only the heap's
    top by itself); after the release the process holds at least 150 MB less."""
    cells = [bytes(1000) for _ in range(200_000)]
    kept = bytes(1000)  # above the freed cells: the heap's top stays in use
    del cells
    before = _resident_mb()
    assert release_free_heap()
    assert before - _resident_mb() > 150
    assert len(kept) == 1000


_ROUNDS = r"""
import json, resource, sys
import numpy as np
if sys.argv[1] == "keep":
    from lib.sources.heap import keep_table_memory
    assert not keep_table_memory(999_999)
    assert keep_table_memory(1_000_000)
faults = []
for _ in range(4):  # four 24 MB arrays at once, as a page's temporaries on 3 M rows, then all freed
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    arrays = [np.ones(3_000_000, dtype="int64") for _ in range(4)]
    del arrays
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
print(json.dumps(faults))
"""


def _page_faults(mode: str) -> list[int]:
    root = Path(__file__).resolve().parent.parent
    # 4 KiB pages (no transparent huge pages), so that a fresh 24 MB array costs about 6 000 faults
    env = {**os.environ, "NUMPY_MADVISE_HUGEPAGE": "0", "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", _ROUNDS, mode], cwd=root, env=env, check=True,
                          capture_output=True, text=True, timeout=60)
    return json.loads(done.stdout)


def test_table_sized_arrays_reuse_freed_memory_instead_of_faulting_in_fresh_pages():
    """96 MB of arrays made and freed four times: the first round faults in its 24 576 pages; with the table
    policy the later rounds reuse the freed heap (no fault), by glibc's default they map fresh pages again."""
    pages = 4 * 3_000_000 * 8 // resource.getpagesize()
    kept = _page_faults("keep")
    assert kept[0] >= 0.9 * pages
    assert max(kept[1:]) < 0.01 * pages
    default = _page_faults("default")
    assert min(default[1:]) >= 0.5 * pages
