"""The child's program for one submission: one interpreter starts numpy once, then runs each exercise in a fork.

Starting an interpreter and importing numpy costs about 0.1 s of CPU, two or three times what the checks of an
exercise cost; a class of 200 has 800 exercises. So one sandbox (``seqlab.grading.sandbox.run_isolated``) holds
the whole submission: this host imports numpy and everything the driver needs, then forks one process per
exercise, each in its own folder, process group and limits, and runs ``driver.child_main`` there. Student code
runs only in the forks, never in the host: each fork starts from the host's clean state, so one exercise's module
(a patched ``np.tanh``, a planted ``numpy.py``) cannot reach another's, and no fork's CPU time includes the start.

This file is not imported by the child: ``runner`` appends its source to the driver's and runs the two as one
program, ``python -I -S -c <driver + host> NUMPY_SITE REQUEST`` where REQUEST is JSON::

    {"exercises": ["gru", "attention"], "cpu_seconds": 1, "wall_seconds": 10.0}

Each exercise ``e`` gets, from the moment it is forked: RLIMIT_CPU ``cpu_seconds`` (soft = hard: SIGKILL), a
wall-clock limit ``wall_seconds`` (its process group is killed), stdin and stdout/stderr on /dev/null (nothing of
its output is used; a flood then costs its CPU limit, not the host's). When every fork has ended, the host
writes ``host.json``: ``{e: {"returncode": int or null (timed out), "timed_out": bool, "stopped": bool,
"cpu_seconds": float, "wall_seconds": float}}`` (``returncode`` as ``subprocess`` reports it: -N for signal N). The forks share the
sandbox's uid, so a hostile exercise can kill the host or a sibling: the parent trusts none of this file, and
reruns in a sandbox of its own any exercise whose end a sibling may have caused (``runner.run_submission``).
"""

import json
import os
import select
import signal
import sys
import time

# What child_main and the calls need, imported once here rather than once per fork.
import importlib.util  # noqa: F401
import numpy.random  # noqa: F401  (a call draws its random inputs from it)
import zipfile  # noqa: F401  (np.load / np.savez)

def _exercise_process(folder, cpu_seconds):
    """The fork: its own process group, no output, its own CPU limit, its own folder. Never returns."""
    import resource  # POSIX only, as fork is

    code = 1
    try:
        os.setpgid(0, 0)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        os.chdir(folder)
        child_main()  # noqa: F821  (the driver's, defined above this source in the same program)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _signal_group(pid, signum):
    for target in (os.killpg, os.kill):  # the group, and the fork itself should it not have made one yet
        try:
            target(pid, signum)
        except OSError:
            pass


def host_main(request):
    """Forks the exercises and supervises them. In a fork it returns at once, (folder, CPU seconds), so that the
    exercise runs from the program's top level: no frame of the host's (its request, its forks) is on the stack
    that a submission can walk.

    The host sleeps until a fork changes state (SIGCHLD, through a wakeup pipe) or a wall-clock limit is due. A
    fork that is stopped (a sibling's SIGSTOP) is continued at once and reported ``"stopped"``; a fork that has
    ended has what is left of its process group killed, so that nothing of it outlives it beside its siblings."""
    cpu_seconds, wall_seconds = int(request["cpu_seconds"]), float(request["wall_seconds"])
    if not hasattr(os, "fork"):  # Windows: the runner sends one exercise per child, and it runs in the host
        return _run_in_host(request["exercises"])
    wake, woken = os.pipe()
    for fd in (wake, woken):
        os.set_blocking(fd, False)
    signal.set_wakeup_fd(woken)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)  # a handler: only a handled signal wakes the pipe
    forks, status, stopped = {}, {}, set()
    for name in request["exercises"]:
        pid = os.fork()
        if pid == 0:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.close(wake)
            os.close(woken)
            return name, cpu_seconds
        forks[pid] = (name, time.monotonic())
    while forks:
        for pid, (name, start) in list(forks.items()):
            timed_out = time.monotonic() - start >= wall_seconds
            if timed_out:
                _signal_group(pid, signal.SIGKILL)
            done, wait_status, usage = os.wait4(pid, 0 if timed_out else os.WNOHANG | os.WUNTRACED)
            if done == 0:
                continue
            if os.WIFSTOPPED(wait_status):
                stopped.add(name)
                _signal_group(pid, signal.SIGCONT)
                continue
            del forks[pid]
            _signal_group(pid, signal.SIGKILL)
            status[name] = {"returncode": None if timed_out else os.waitstatus_to_exitcode(wait_status),
                            "timed_out": timed_out, "stopped": name in stopped,
                            "cpu_seconds": usage.ru_utime + usage.ru_stime, "wall_seconds": time.monotonic() - start}
        if forks:
            due = min(start + wall_seconds for _, start in forks.values()) - time.monotonic()
            select.select([wake], [], [], max(due, 0))
            try:
                while os.read(wake, 512):
                    pass
            except BlockingIOError:
                pass
    _write_status(status)
    return None


def _write_status(status):
    with open("host.json.tmp", "w") as handle:
        json.dump(status, handle)
    os.replace("host.json.tmp", "host.json")


def _run_in_host(exercises):
    """Without fork: the one exercise runs in this process (the child's own limits bind it)."""
    (name,) = exercises
    start = time.monotonic()
    os.chdir(name)
    child_main()  # noqa: F821
    os.chdir(os.pardir)
    _write_status({name: {"returncode": 0, "timed_out": False, "stopped": False, "cpu_seconds": time.process_time(),
                          "wall_seconds": time.monotonic() - start}})


if __name__ == "__main__":
    _forked = host_main(json.loads(sys.argv[2]))
    if _forked is not None:
        _exercise_process(*_forked)
