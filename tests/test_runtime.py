"""The allocator setting the app applies at start (lib/runtime.py)."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys
from pathlib import Path

from lib.runtime import tune_allocator

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import sys
sys.path.insert(0, {root!r})
if {tune}:
    from lib.runtime import tune_allocator
    tune_allocator()
from pathlib import Path
import numpy as np
def rss():
    return int(Path('/proc/self/statm').read_text().split()[1]) * 4096 / 2**20
first = np.ones(2**20)  # 8 MB, mapped; freeing it raises glibc's moving threshold to 8 MB
del first
base = rss()
blocks = [np.ones(2**19) for _ in range(50)]  # 50 × 4 MB
del blocks[::2]  # free every other block: 100 MB live
print(rss() - base)
"""


def _resident_after_freeing_half(tune: bool) -> float:
    result = subprocess.run([sys.executable, "-c", SCRIPT.format(root=str(ROOT), tune=tune)], capture_output=True,
                            text=True, check=True, timeout=60)
    return float(result.stdout)


def test_tune_allocator_applies_on_glibc_and_is_idempotent():
    expected = ctypes.util.find_library("c") is not None  # this machine (Debian) has glibc
    assert tune_allocator() is expected
    assert tune_allocator() is expected


def test_freed_blocks_between_live_ones_leave_resident_memory():
    """200 MB in 4 MB blocks, every other one freed: with the fixed threshold each block is its own mapping and
    the freed 100 MB leave; with glibc's moving threshold the blocks sit in the heap, whose holes stay."""
    assert _resident_after_freeing_half(tune=True) < 110  # the 100 MB still live, and no more
    assert _resident_after_freeing_half(tune=False) > 190  # what the setting prevents
