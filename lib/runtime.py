"""Process-wide settings the app applies once at start.

glibc raises its mmap threshold each time a large block is freed, so after the first frame is loaded, the
next large arrays (a page's temporary columns) come from the heap and stay resident after they are freed:
resident memory then grows with every page although the live data does not. A fixed threshold keeps
every block of 128 KiB or more mapped on its own and returned to the system when freed (load + six pages
of flights: peak 2.9× → 2.7× the frame, bench/memory.py). Elsewhere than glibc this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
MMAP_THRESHOLD_BYTES = 128 * 1024

_applied = False


def tune_allocator() -> bool:
    """Fix glibc's mmap threshold (once per process); False where there is no glibc `mallopt`."""
    global _applied
    if _applied:
        return True
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    _applied = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
    return _applied
