"""Timed calls reuse memory, as a long-running program does, and each result says how many page faults it paid.

A call that returns a fresh M-byte array pays one page fault per page the first time it writes there (4 KiB, or
2 MiB with transparent huge pages): the kernel maps and zeroes the page. glibc's malloc keeps freed blocks below
its mmap threshold in its heap, so the next call's array lands on pages already mapped; larger blocks get a
fresh mapping each call and go back to the OS when freed. The threshold grows as such blocks are freed, but only
up to 32 MiB on 64-bit Linux. An RNN's output (n, d, B) in fp32 reaches 32 MiB at n = 2048 for d = 128, B = 32,
so from there on every call page-faulted its whole output in again: a cost per output byte, hence per step, that
shorter sequences did not pay (docs/benchmarks.md, "The per-step anomaly", has the measurements).

keep_freed_memory() makes glibc serve every block from its heap (M_MMAP_MAX = 0) and keep the heap's free top
(M_TRIM_THRESHOLD at its maximum, 2 GiB - 1), so after the checked warm-up call the timed rounds write into pages
already mapped, at any n. A GPU needs nothing of the kind: torch's CUDA caching allocator already keeps freed
device memory.
"""

import ctypes
import platform

try:
    import resource
except ImportError:  # not on Windows
    resource = None

# From glibc's <malloc.h>.
M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4
_INT_MAX = 2 ** 31 - 1  # mallopt takes an int


def keep_freed_memory():
    """Keep freed memory in this process for reuse (glibc only); return a sentence saying what was set."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return f"system allocator unchanged ({platform.system()}, not glibc): freed memory may go back to the OS"
    libc = ctypes.CDLL("libc.so.6")
    if libc.mallopt(M_MMAP_MAX, 0) != 1 or libc.mallopt(M_TRIM_THRESHOLD, _INT_MAX) != 1:
        return "glibc malloc: mallopt refused, allocator unchanged: freed blocks >= 32 MiB go back to the OS"
    return "glibc malloc: freed memory kept for reuse (M_MMAP_MAX=0, M_TRIM_THRESHOLD=2 GiB)"


def page_faults():
    """Page faults (minor + major) this process has taken so far, or None where the OS does not count them."""
    if resource is None:
        return None
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_minflt + usage.ru_majflt
