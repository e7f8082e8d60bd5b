"""When class grading starts one more student: keep the cores working, and let waiting children wait aside.

A student's grading is one sandboxed child (a process per exercise, four at once) and a little judging. An
exercise that computes holds a core until it ends, at the latest at its CPU-time limit (``Limits.cpu_seconds``);
one that waits (a sleep, a lock, ``signal.pause()``) holds none, and may wait until the wall-clock limit. Grading
`workers` students at a time (one per core) would leave a core idle for every student stuck behind a waiting
exercise. So:

    in flight < workers                                       -> start one
    in flight < most, every one in flight has begun (its worker process is up), at least half a core idle over
    the last measurement, none started in the last `spacing` seconds                  -> start one more
    otherwise                                                 -> wait for a student to finish

``workers`` students are graded at once while they keep the cores busy (the default: one per core); up to ``most``
while cores sit idle, which is what children that wait (and the moments a worker spends judging) leave them.
Idle cores are measured from the kernel's counters (``/proc/stat``, the cores this process may use), so on a
machine that others keep busy no extra student is started. Where they cannot be read (not Linux), class grading
keeps to ``workers``.
"""

from __future__ import annotations

import os
import time

MOST_PER_WORKER = 4  # students in flight per worker at most, while cores sit idle
IDLE_CORES = 0.5  # idle cores over the last measurement that start one more student


def usable_cores() -> set[int] | None:
    try:
        return set(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return None


class IdleMeter:
    """How many cores were idle, on average, between two readings of /proc/stat (idle + iowait time)."""

    def __init__(self, cores: set[int] | None = None, stat: str = "/proc/stat"):
        self.cores, self.stat = cores if cores is not None else usable_cores(), stat
        self.previous = self._read()

    def _read(self) -> tuple[float, float] | None:
        """(idle jiffies, all jiffies) summed over the usable cores, or None where there is no /proc/stat."""
        if self.cores is None:
            return None
        try:
            with open(self.stat) as handle:
                lines = handle.read().splitlines()
        except OSError:
            return None
        idle = total = 0.0
        for line in lines:
            name, *fields = line.split()
            if not name.startswith("cpu") or name == "cpu" or int(name[3:]) not in self.cores:
                continue
            values = [float(v) for v in fields[:8]]  # user nice system idle iowait irq softirq steal
            idle += values[3] + values[4]
            total += sum(values)
        return idle, total

    def idle_cores(self) -> float | None:
        """Idle cores since the previous call (0 to the number of usable cores); None when unknown."""
        now = self._read()
        before, self.previous = self.previous, now
        if now is None or before is None or now[1] <= before[1]:
            return None
        return len(self.cores) * (now[0] - before[0]) / (now[1] - before[1])


class Admission:
    """The rule of the module docstring. `clock` and `meter` are replaceable (tests)."""

    def __init__(self, workers: int, most: int, meter: IdleMeter | None = None, spacing: float = 0.5,
                 clock=time.monotonic):
        self.workers, self.most, self.spacing, self.clock = workers, max(most, workers), spacing, clock
        self.meter = meter if meter is not None else IdleMeter()
        self.last_extra = float("-inf")
        self.idle: float | None = None  # the last measurement, refreshed by measure()
        self.extra = 0  # students started beyond `workers` so far
        self.peak = 0  # the most students in flight at once

    def measure(self) -> None:
        """Reads the idle cores since the previous measurement (call it at a steady pace, e.g. every 0.25 s)."""
        self.idle = self.meter.idle_cores()

    def wanted(self, in_flight: int, all_begun: bool) -> bool:
        """Whether to start one more student, with `in_flight` students being graded; `all_begun`: whether every
        one of them has begun (none is still queued behind a worker process that is starting)."""
        if in_flight < self.workers:
            self.peak = max(self.peak, in_flight + 1)
            return True
        now = self.clock()
        if in_flight >= self.most or not all_begun or now - self.last_extra < self.spacing:
            return False
        if self.idle is not None and self.idle >= IDLE_CORES:
            self.last_extra = now
            self.idle = None  # the next decision needs a measurement taken with this student running
            self.extra += 1
            self.peak = max(self.peak, in_flight + 1)
            return True
        return False
