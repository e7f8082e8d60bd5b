"""When class grading starts one more student: keep the cores working, and let waiting children wait aside.

A student's grading is four sandboxed children. A child that computes is over within its CPU-time limit
(``Limits.cpu_seconds``: the kernel kills it there), so a child still alive after that much wall time while cores
sat idle has spent its time waiting (a sleep, a lock, ``signal.pause()``), and it may go on waiting until the
wall-clock limit. Such a child holds no core, only a slot among the students in flight. So:

    in flight < workers                                            -> start one (one student per core)
    in flight < most, one in flight older than grace, cores idle   -> start one more (someone is waiting)
    otherwise                                                      -> wait for a student to finish

``workers`` students are graded at once while all of them work (the default: one per core); up to ``most`` while
some of them wait. Idle cores are measured from the kernel's counters (``/proc/stat``, the cores this process may
use), so on a machine that others keep busy no extra student is started. Where they cannot be read (not Linux),
class grading keeps to ``workers``.
"""

from __future__ import annotations

import os
import time

MOST_PER_WORKER = 4  # students in flight per worker at most, while some of them wait


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

    def __init__(self, workers: int, most: int, grace: float, meter: IdleMeter | None = None,
                 spacing: float = 0.5, clock=time.time):
        self.workers, self.most, self.grace, self.spacing, self.clock = workers, max(most, workers), grace, spacing, clock
        self.meter = meter if meter is not None else IdleMeter()
        self.last_extra = float("-inf")
        self.idle: float | None = None  # the last measurement, refreshed by measure()
        self.extra = 0  # students started beyond `workers` so far
        self.peak = 0  # the most students in flight at once

    def measure(self) -> None:
        """Reads the idle cores since the previous measurement (call it at a steady pace, e.g. every 0.25 s)."""
        self.idle = self.meter.idle_cores()

    def wanted(self, started: list[float | None]) -> bool:
        """Whether to start one more student, given when the grading of each student in flight began (clock()
        time), None for one still queued (a worker process starting, say)."""
        if len(started) < self.workers:
            self.peak = max(self.peak, len(started) + 1)
            return True
        now = self.clock()
        if len(started) >= self.most or now - self.last_extra < self.spacing:
            return False
        waiting = any(t is not None and now - t > self.grace for t in started)
        if waiting and self.idle is not None and self.idle >= 0.5:
            self.last_extra = now
            self.idle = None  # the next decision needs a measurement taken with this student running
            self.extra += 1
            self.peak = max(self.peak, len(started) + 1)
            return True
        return False
