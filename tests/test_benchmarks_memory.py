"""benchmarks.memory: with freed memory kept, a fresh 64 MiB array every call stops page-faulting.

64 MiB is above the 32 MiB that glibc's malloc ever keeps by default, so without the setting every call maps new
pages and faults each of them in (16384 faults with 4 KiB pages, fewer with huge pages, never 0); with it, the
second and later calls reuse the heap's pages. Each way runs in its own process: the setting is process-wide,
and must not leak into the test session.
"""

import pathlib
import platform
import subprocess
import sys

import pytest

PROGRAM = """
import sys
import numpy as np
from benchmarks.memory import keep_freed_memory, page_faults
if sys.argv[1] == "kept":
    print(keep_freed_memory(), file=sys.stderr)
faults = []
for _ in range(4):
    before = page_faults()
    np.ones(16 * 2**20, dtype=np.float32)  # 64 MiB, freed at once
    faults.append(page_faults() - before)
print(*faults)
"""

ROOT = pathlib.Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc settings")


def faults_per_call(way):
    done = subprocess.run([sys.executable, "-c", PROGRAM, way], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    return [int(f) for f in done.stdout.split()], done.stderr


def test_kept_memory_is_reused_without_page_faults():
    default, _ = faults_per_call("default")
    kept, note = faults_per_call("kept")
    assert min(default[1:]) > 0  # the default allocator faults the array in again on every call
    assert kept[1:] == [0, 0, 0], kept  # the first call grows the heap; the others reuse it
    assert "kept for reuse" in note

