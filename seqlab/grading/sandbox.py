"""Runs untrusted code in a child process: limits, a process-tree kill and, where the machine allows, a boundary.

The grader calls ``run_isolated(argv, workdir)`` once per submission (``seqlab.grading.runner``: the child forks a
process per exercise, ``seqlab.grading.host``); ``argv`` is a Python command, best built by ``python_argv(code)``. The child gets its inputs as files in ``workdir``, writes raw arrays and a small JSON status
there and exits; the caller judges afterwards. What protects the grading process depends on the machine;
``active_protections()`` names what is in force:

* everywhere: a wall-clock limit, a kill of the child's whole process tree, a minimal environment, a cap on
  captured output (a flood is drained and dropped, so it neither blocks nor fills the parent) and numpy plus the
  standard library only (``numpy_only_site``): the child's interpreter runs without site-packages (-I -S) and gets
  a private site folder holding numpy (and the shared libraries its wheel bundles, numpy.libs/) and nothing else;
  ``NUMPY_ONLY``, the first lines of every program ``python_argv`` builds, refuses any other top-level import with
  "only numpy and the Python standard library are available to exercises (tried to import torch)";
* POSIX: a new session (process group) and RLIMIT_CPU / RLIMIT_AS / RLIMIT_FSIZE / RLIMIT_CORE;
* Linux: the grading process becomes a child subreaper (orphans that ``setsid`` or double-fork away are
  reparented to it, killed and reaped) and non-dumpable (its memory and environ are closed to /proc);
* with bubblewrap: the child runs in new mount, pid, network, ipc and uts namespaces. It sees ``/usr`` (its
  Python package folders covered by empty unreadable ones), the interpreter and its standard library, the
  private numpy site, a private ``/tmp`` and its work directory, nothing else: no answer key, no repository, no
  venv, no grading process in ``/proc``, no network. A folder appended to sys.path finds nothing;
* as root, with the users ``seqlab-sandbox0..N`` that ``.ci/install-sandbox.sh`` creates, with or without
  bubblewrap: the child runs as one of these users (one per concurrent child, held by a lock), its groups
  cleared, without capabilities and with no_new_privs (``unprivileged_uid``). Only then do RLIMIT_NPROC and
  permissions bind it: it cannot read what is root's alone (a Gradescope source folder, the secret), nor signal
  or ptrace anything of the grader's or of another child's. Before this function returns, every process of
  that uid is killed. Without bubblewrap the child also gets a copy of the interpreter beside the numpy site
  (the sandbox user may not be able to reach the original, e.g. under /root) and a private work folder, 0700
  and its own, in a 0711 folder of the grader's (``private_workdir``: no sibling can open or write it).
  A grader that is not root runs bubblewrap in a user namespace; the child then keeps the grader's uid, which
  is not ``unprivileged_uid``: SEQLAB_SANDBOX=required needs a root grader, as in CI.
* without bubblewrap, on Linux 5.13+ where the container's seccomp profile allows it: the child first restricts
  itself with Landlock (``LANDLOCK``): it may read only the interpreter, the numpy site and the system's shared
  libraries and write only its work folder (``landlock_filesystem``: the repository, other submissions, /proc
  and /tmp are closed), from ABI 4 open no TCP connection (``landlock_tcp``), from ABI 6 signal nothing and
  reach no abstract socket outside itself (``landlock_scope``).

Without a pid namespace or a sandbox user (the portable mode), "everything the child started" means its
process tree, group and session at the end of the run: a grandchild that double-forks and ``setsid()``s away
in between is not recognised, and its zombie is left to the grading process; and children share the grader's
uid and /tmp, so they can reach each other's files. That is why ``SEQLAB_SANDBOX=required`` exists, and why
class and official grading refuse such a machine unless told otherwise (``require_private_workdirs``).

``SEQLAB_SANDBOX=required`` (CI and official grading) makes ``run_isolated`` raise ``SandboxUnavailable``
unless the whole boundary is in force; the default ``best`` uses the strongest that is available.

Nothing a child writes is trusted: after it exits, symbolic links, FIFOs, sockets, devices and multiply-linked
files in ``workdir`` are deleted (a FIFO named ``status.json`` would block the reader; a link could point at a
secret) and everything is given back to the grading user.
"""

from __future__ import annotations

import atexit
import functools
import glob
import hashlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

LINUX = sys.platform.startswith("linux")
POSIX = os.name == "posix"

USER_PREFIX = "seqlab-sandbox"  # .ci/install-sandbox.sh creates seqlab-sandbox0..7
MAX_USERS = 64
REPO_ROOT = Path(__file__).resolve().parents[2]
PRIVATE_TMP_BYTES = 64 * 1024**2

# What SEQLAB_SANDBOX=required insists on (the boundary), over the portable subset everybody gets.
PORTABLE = ("wall_clock_limit", "process_tree_kill", "minimal_environment", "output_cap", "workdir_reclaimed",
            "numpy_only_site")
BOUNDARY = (
    "rlimit_cpu",
    "rlimit_as",
    "rlimit_fsize",
    "rlimit_nproc",
    "child_subreaper",
    "parent_not_dumpable",
    "private_filesystem",
    "pid_namespace",
    "no_network",
    "no_capabilities",
    "unprivileged_uid",
    "private_workdir",
)


class SandboxUnavailable(RuntimeError):
    """SEQLAB_SANDBOX=required, but this machine cannot give the child the whole boundary."""


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 10.0  # one that waits (sleep, a lock) runs into this without holding a core
    # RLIMIT_CPU, whole seconds, for the child's whole life; in grading, for each exercise's process from its fork
    # (seqlab.grading.host; the child gets runner.HOST_CPU_MARGIN_SECONDS more). Calibrated on the answer key,
    # whose exercises need 0.02-0.08 s each, idle or with every core busy (docs/class-grading.md), so a busy loop
    # costs 1 s of a core instead of the wall limit. Not higher: four spinning exercises on 2 cores then end
    # within 3 s.
    cpu_seconds: int = 1
    memory_bytes: int = 4 * 1024**3  # RLIMIT_AS; numpy+BLAS need ~1 GiB virtual
    file_bytes: int = 64 * 1024**2  # RLIMIT_FSIZE
    output_bytes: int = 64 * 1024  # cap on captured stdout+stderr (the rest is drained and dropped)
    nproc: int = 64  # RLIMIT_NPROC (binds for non-root only)


@dataclass(frozen=True)
class ChildOutcome:
    returncode: int | None  # None when it was killed for exceeding wall_seconds
    timed_out: bool
    output: str  # merged stdout+stderr, decoded errors="replace", capped at output_bytes
    output_truncated: bool
    wall_seconds: float
    protections: tuple[str, ...]  # names of the protections that were actually active for this run
    cpu_seconds: float | None = None  # the child's CPU time (user + system, from wait4); None where not measured


# ---------------------------------------------------------------------------------------------------
# What this machine offers (probed once)
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    bwrap: str | None  # bubblewrap's path when a probe sandbox started
    users: tuple[tuple[int, int], ...]  # (uid, gid) of the sandbox users, used only when we are root
    prlimit: str | None
    setpriv: str | None
    protections: tuple[str, ...]
    landlock: int = 0  # the Landlock ABI the child restricts itself with (no bubblewrap), 0 for none


def _mode() -> str:
    mode = os.environ.get("SEQLAB_SANDBOX", "best").strip().lower() or "best"
    if mode not in ("best", "required"):
        raise ValueError(f"SEQLAB_SANDBOX must be 'best' or 'required', not {mode!r}")
    return mode


def _sandbox_users() -> tuple[tuple[int, int], ...]:
    import pwd

    users = []
    for i in range(MAX_USERS):
        try:
            entry = pwd.getpwnam(f"{USER_PREFIX}{i}")
        except KeyError:
            break
        if entry.pw_uid != 0 and entry.pw_gid != 0:
            users.append((entry.pw_uid, entry.pw_gid))
    return tuple(users)


def _bwrap_works(bwrap: str) -> bool:
    """Starts one trivial sandbox: namespaces may be forbidden (a container without privileges)."""
    true = "/usr/bin/true" if os.path.exists("/usr/bin/true") else "/bin/true"
    probe = [bwrap, *_namespace_flags(), *_system_binds(), "--", true]
    try:
        return subprocess.run(probe, stdin=subprocess.DEVNULL, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _probe_plan(allow_bwrap: bool = True) -> _Plan:
    """What this machine offers; `allow_bwrap=False` is the same machine where bubblewrap cannot start."""
    protections = list(PORTABLE)
    bwrap = prlimit = setpriv = None
    users: tuple[tuple[int, int], ...] = ()
    if POSIX:
        protections.append("new_session")
        protections += ["rlimit_cpu", "rlimit_as", "rlimit_fsize", "rlimit_core"]
    if LINUX:
        protections += ["child_subreaper", "parent_not_dumpable"]
        prlimit = shutil.which("prlimit", path="/usr/bin:/bin")
        setpriv = shutil.which("setpriv", path="/usr/bin:/bin")
        found = shutil.which("bwrap", path="/usr/bin:/bin:/usr/local/bin") if allow_bwrap else None
        if found and _bwrap_works(found):
            bwrap = found
            protections += ["private_filesystem", "pid_namespace", "no_network", "ipc_namespace", "no_capabilities",
                            "private_workdir"]
    landlock = _landlock_abi() if LINUX and not bwrap else 0
    if landlock:  # what the child's Landlock ruleset holds it to (LANDLOCK below)
        protections.append("landlock_filesystem")
        protections += ["landlock_tcp"] if landlock >= 4 else []
        protections += ["landlock_scope"] if landlock >= 6 else []
    if POSIX and os.geteuid() == 0:
        users = _sandbox_users() if setpriv else ()
        if users:  # with or without bubblewrap: setpriv drops to a sandbox user, one per concurrent child
            protections += ["unprivileged_uid", "rlimit_nproc", "no_capabilities", "private_workdir"]
    elif POSIX:  # a non-root grader: the limit binds, but the child shares the grader's own uid
        protections += ["rlimit_nproc"]
    return _Plan(bwrap, users, prlimit, setpriv, tuple(dict.fromkeys(protections)), landlock)


def _landlock_abi() -> int:
    """The kernel's Landlock ABI version (0: none, or forbidden, as a container's seccomp profile may)."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        abi = libc.syscall(ctypes.c_long(_LANDLOCK_CREATE_RULESET), None, ctypes.c_long(0), ctypes.c_long(1))
    except (OSError, AttributeError):
        return 0
    return max(int(abi), 0)


@functools.lru_cache(maxsize=None)
def _plan() -> _Plan:
    return _probe_plan()


def active_protections() -> tuple[str, ...]:
    """What run_isolated would apply on this machine (probed once, then cached)."""
    return _plan().protections


def missing_protections() -> tuple[str, ...]:
    """The parts of the boundary (what SEQLAB_SANDBOX=required insists on) this machine lacks."""
    return tuple(name for name in BOUNDARY if name not in active_protections())


def require_boundary() -> None:
    """Raises SandboxUnavailable under SEQLAB_SANDBOX=required when a part of the boundary is missing."""
    missing = missing_protections()
    if missing and _mode() == "required":
        raise SandboxUnavailable(
            "SEQLAB_SANDBOX=required, but this machine lacks: " + ", ".join(missing)
            + ". Run `bash .ci/install-sandbox.sh` as root (bubblewrap and the seqlab-sandbox users)."
        )


UNISOLATED = ("its children would share the grader's uid and /tmp: one submission's code could read or overwrite "
              "another's files while they are graded (no bubblewrap, and no root with the seqlab-sandbox users)")


def require_private_workdirs(allow_unisolated: bool = False) -> bool:
    """Class and official grading: every child must have a work folder no sibling can reach (private_workdir).

    Returns whether that protection is waived (the caller records it in the report): False where it is in
    force; True where it is missing and `allow_unisolated`; otherwise raises SandboxUnavailable.
    """
    if "private_workdir" in active_protections():
        return False
    if allow_unisolated:
        return True
    raise SandboxUnavailable(f"this machine cannot grade a class or officially: {UNISOLATED}. Install bubblewrap "
                             f"(`bash .ci/install-sandbox.sh` as root) or grade as root with the seqlab-sandbox users; "
                             f"or pass --allow-unisolated to grade anyway (every report records it)")


def readable_by_everyone(path: Path) -> bool:
    """Whether any user (a sandbox user too) can read `path`: it and every folder above it are open to others."""
    import stat

    path = Path(os.path.realpath(path))
    for folder in path.parents:
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return False
    mode = os.stat(path).st_mode
    return bool(mode & stat.S_IROTH and (not stat.S_ISDIR(mode) or mode & stat.S_IXOTH))


# ---------------------------------------------------------------------------------------------------
# The grading process itself
# ---------------------------------------------------------------------------------------------------

_PR_SET_DUMPABLE = 4
_PR_SET_CHILD_SUBREAPER = 36


@functools.lru_cache(maxsize=None)
def harden_parent() -> None:
    """Makes the grading process non-dumpable and a child subreaper (Linux; once per process).

    Non-dumpable: a process of another uid (and, for a non-root grader, of the same uid) can no longer read
    its /proc/<pid>/mem, environ or fds, nor ptrace it. Subreaper: descendants orphaned by a dying child are
    reparented here instead of to init, so they can still be found and reaped.
    """
    if not LINUX:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for option, value in ((_PR_SET_DUMPABLE, 0), (_PR_SET_CHILD_SUBREAPER, 1)):
        if libc.prctl(option, value, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), f"prctl({option}, {value}) failed")


# ---------------------------------------------------------------------------------------------------
# What the child may see
# ---------------------------------------------------------------------------------------------------

NUMPY_ONLY = '''def _numpy_and_the_standard_library_only():
    # The first lines of the child's program (seqlab.grading.sandbox.python_argv): sys.argv[1] is the private
    # site folder that holds numpy and nothing else; every other top-level module is refused unless it is
    # numpy or found in the standard library's own folders (all of sys.path under -S), so that even a folder
    # appended to sys.path does not yield it to an ordinary import.
    import sys
    from importlib.machinery import PathFinder

    stdlib = [folder for folder in sys.path if folder != sys.argv[1]]
    if sys.argv[1] not in sys.path:
        sys.path.append(sys.argv[1])
    named = frozenset(sys.stdlib_module_names) | {"numpy"}

    class NumpyAndTheStandardLibraryOnly:
        @staticmethod
        def find_spec(name, path=None, target=None):
            top = name.partition(".")[0]
            if top in named or PathFinder.find_spec(top, stdlib) is not None:  # e.g. _sysconfigdata_*
                return None
            raise ModuleNotFoundError("only numpy and the Python standard library are available to exercises "
                                      f"(tried to import {top})", name=name)

    sys.meta_path.insert(0, NumpyAndTheStandardLibraryOnly)


_numpy_and_the_standard_library_only()
del _numpy_and_the_standard_library_only
'''

_LANDLOCK_CREATE_RULESET = 444  # the same number on every architecture; add_rule and restrict_self follow

# Without bubblewrap, on Linux 5.13+: the first program of the chain that runs the child (as the sandbox user, after
# setpriv and prlimit). It asks Landlock to hold itself and everything it starts to reading the folders in
# sys.argv[1]'s "read" (the interpreter, the numpy site, the system's shared libraries) and changing only those in
# "write" (its work folder, /dev/null); from ABI 4 no TCP, from ABI 6 no signal or abstract socket outside itself.
# Then it becomes the child (execv). Nothing else of the machine can be opened: not the repository, not /proc.
LANDLOCK = '''\
import ctypes, json, os, sys

spec = json.loads(sys.argv[1])
abi = spec["abi"]
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
CREATE, ADD_RULE, RESTRICT = 444, 445, 446
fs = (1 << 13) - 1 | (1 << 13 if abi >= 2 else 0) | (1 << 14 if abi >= 3 else 0) | (1 << 15 if abi >= 5 else 0)
file_rights = fs & (1 | 2 | 4 | 1 << 14 | 1 << 15)  # execute, write, read, truncate, ioctl: what a file rule may hold
read = 1 | 4 | 8  # execute, read a file, read a folder


def fail(what):
    error = ctypes.get_errno()
    raise OSError(error, f"{what}: {os.strerror(error)}")


class Ruleset(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


attr = Ruleset(fs, 3 if abi >= 4 else 0, 3 if abi >= 6 else 0)  # TCP bind+connect; abstract sockets+signals
ruleset = libc.syscall(ctypes.c_long(CREATE), ctypes.byref(attr), ctypes.c_long(24 if abi >= 6 else 16 if abi >= 4 else 8),
                       ctypes.c_long(0))
if ruleset < 0:
    fail("landlock_create_ruleset")


def allow(path, rights):
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # not on this machine
    try:
        rule = PathBeneath(rights if os.path.isdir(path) else rights & file_rights, fd)
        if libc.syscall(ctypes.c_long(ADD_RULE), ctypes.c_long(ruleset), ctypes.c_long(1), ctypes.byref(rule),
                        ctypes.c_long(0)) != 0:
            fail(f"landlock_add_rule({path})")
    finally:
        os.close(fd)


for path in spec["read"]:
    allow(path, read)
for path in spec["write"]:
    allow(path, fs)
if libc.prctl(ctypes.c_int(38), ctypes.c_ulong(1), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)) != 0:
    fail("prctl(PR_SET_NO_NEW_PRIVS)")
if libc.syscall(ctypes.c_long(RESTRICT), ctypes.c_long(ruleset), ctypes.c_long(0)) != 0:
    fail("landlock_restrict_self")
os.close(ruleset)
os.execv(sys.argv[2], sys.argv[2:])
'''
# What else a child may read under Landlock, where the machine has it: the loader's cache, locales, time zones,
# the CPU topology BLAS asks for, and the harmless devices.
_LANDLOCK_READ = ("/etc/ld.so.cache", "/etc/localtime", "/usr/lib/locale", "/usr/share/zoneinfo",
                  "/sys/devices/system/cpu", "/dev/zero", "/dev/urandom", "/dev/random")


# Asked of the interpreter with -I -S: its standard library is all of sys.path.
_PROBE = ("import json, os, sys, sysconfig\n"
          "print(json.dumps({'executable': os.path.realpath(sys.executable), 'path': sys.path,\n"
          "                  'libdir': sysconfig.get_config_var('LIBDIR') or '', 'version': '%d.%d' % sys.version_info[:2]}))\n")
# Asked with -I only (site.py finds a venv's site-packages): where numpy is.
_NUMPY_PROBE = ("import importlib.util, os\n"
                "print(os.path.realpath(importlib.util.find_spec('numpy').submodule_search_locations[0]))\n")
# What an interpreter copy leaves out of the standard library folder: packages, tests, GUI and the static library.
_NOT_COPIED = ("site-packages", "dist-packages", "test", "idlelib", "tkinter", "turtledemo")


@dataclass(frozen=True)
class _Runtime:
    """What the child runs: an interpreter, its standard library and the private numpy site."""

    python: str  # the interpreter the child runs (argv[0] is replaced by it)
    site: str  # the private site folder: numpy (and numpy.libs/), nothing else
    shown: tuple[str, ...]  # what bubblewrap mounts read-only for the interpreter, besides /usr and the site
    hidden: tuple[str, ...]  # Python package folders inside what is shown: covered by empty, unreadable ones
    library_path: str | None  # LD_LIBRARY_PATH, for an interpreter copy whose libpython moved with it


def _ask(python: str, code: str, *flags: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    if os.name == "nt":  # Python does not start on Windows without it
        env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", r"C:\Windows")
    done = subprocess.run([python, *flags, "-c", code], capture_output=True, timeout=60, env=env,
                          cwd=os.path.abspath(os.sep))
    if done.returncode != 0:
        raise RuntimeError(f"cannot start {python} {' '.join(flags)}: {done.stderr.decode(errors='replace')[-500:]}")
    return done.stdout.decode().strip()


def _link_or_copy(source: str, target: str) -> None:
    """A hard link costs nothing (the same file, no copy); across file systems or where links are refused, a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _copy_tree(source: str, target: str, skip: tuple[str, ...] = ()) -> None:
    def ignore(folder, names):
        if os.path.realpath(folder) != os.path.realpath(source):
            return []
        return [n for n in names if n in skip or n.startswith("config-")]

    shutil.copytree(source, target, copy_function=_link_or_copy, ignore=ignore if skip else None)


def _package_folders(roots) -> tuple[str, ...]:
    """Every site-packages / dist-packages folder of a Python installation below these roots."""
    patterns = ("*-packages", "python*/*-packages", "lib*/python*/*-packages", "local/lib*/python*/*-packages")
    found = set()
    for root in roots:
        for pattern in patterns:
            for path in glob.glob(os.path.join(glob.escape(root), pattern)):
                if os.path.basename(path) in ("site-packages", "dist-packages") and os.path.isdir(path):
                    found.add(os.path.realpath(path))
    return tuple(sorted(found))


def _copy_interpreter(info: dict, target: Path) -> tuple[str, str | None]:
    """bin/pythonX.Y, lib/pythonX.Y (the standard library without packages) and, when the interpreter lives outside
    /usr, its lib/libpython*: Python finds its prefix from its own location, the loader libpython from
    LD_LIBRARY_PATH (searched before the original's RUNPATH, which the sandbox user may not reach)."""
    version = info["version"]
    stdlib = next(p for p in info["path"] if os.path.isfile(os.path.join(p, "os.py")))
    python = target / "bin" / f"python{version}"
    python.parent.mkdir(parents=True)
    _link_or_copy(info["executable"], str(python))
    copied_stdlib = target / "lib" / f"python{version}"
    _copy_tree(stdlib, str(copied_stdlib), skip=_NOT_COPIED)
    for folder in info["path"]:  # lib-dynload, where a distribution keeps it outside the standard library
        if os.path.isdir(folder) and not _inside(folder, stdlib):
            _copy_tree(folder, str(copied_stdlib / os.path.basename(folder)))
    libdir, libraries = info["libdir"], []
    if libdir and os.path.isdir(libdir) and not _inside(os.path.realpath(libdir), "/usr"):
        libraries = sorted(glob.glob(os.path.join(glob.escape(libdir), "libpython*.so*")))
        for library in libraries:
            _link_or_copy(library, str(target / "lib" / os.path.basename(library)))
    return str(python), str(target / "lib") if libraries else None


_BUILDING = threading.RLock()


def _once(function):
    """functools.lru_cache, built once even when the grader's threads ask for it at the same moment."""
    cached = functools.lru_cache(maxsize=None)(function)

    @functools.wraps(function)
    def once(*args):
        with _BUILDING:
            return cached(*args)

    return once


@_once
def _private_folder() -> Path:
    """This grading process's folder for what the child runs: the grading user's, read-only to everybody else,
    removed when the process exits."""
    folder = Path(tempfile.mkdtemp(prefix="seqlab-runtime-"))
    atexit.register(_remove_runtime, str(folder), os.getpid())
    os.chmod(folder, 0o755)
    return folder


def _remove_runtime(folder: str, creator: int) -> None:
    if os.getpid() == creator:  # not in a forked child that inherited the exit handler
        shutil.rmtree(folder, ignore_errors=True)


def _key(python: str) -> str:
    return hashlib.sha256(python.encode()).hexdigest()[:12]


@_once
def _interpreter(python: str) -> dict:
    return json.loads(_ask(python, _PROBE, "-I", "-S"))


@_once
def _site(python: str) -> str:
    """The private site folder: numpy and numpy.libs/ (hard links where possible), nothing else."""
    package = _ask(python, _NUMPY_PROBE, "-I")
    site = _private_folder() / f"site-{_key(python)}"
    site.mkdir()
    for source in (package, os.path.join(os.path.dirname(package), "numpy.libs")):
        if os.path.isdir(source):
            _copy_tree(source, str(site / os.path.basename(source)))
    return str(site)


@_once
def _runtime(python: str, copy_interpreter: bool) -> _Runtime:
    """What the child of `python` runs: that interpreter (or, for a sandbox user without bubblewrap, a copy of it
    and its standard library in the private folder, since the user may not reach the original) and the site."""
    info, site = _interpreter(python), _site(python)
    stdlib = [os.path.realpath(p) for p in info["path"] if os.path.isdir(p)]
    if copy_interpreter:
        child_python, library_path = _copy_interpreter(info, _private_folder() / f"python-{_key(python)}")
        return _Runtime(child_python, site, (), (), library_path)
    libdir = [os.path.realpath(info["libdir"])] if info["libdir"] and os.path.isdir(info["libdir"]) else []
    shown = tuple(dict.fromkeys((info["executable"], *stdlib, *libdir)))
    return _Runtime(info["executable"], site, shown, _package_folders(("/usr", *stdlib, *libdir)), None)


@_once
def _checked_runtime(python: str, plan: _Plan) -> _Runtime:
    """The runtime for this plan; without bubblewrap, tried once through the child's chain."""
    runtime = _runtime(python, bool(plan.users and not plan.bwrap))
    if not plan.bwrap and (plan.users or plan.landlock):
        _check_runtime(plan, runtime)
    return runtime


def python_argv(code: str, *args: str, python: str | None = None) -> list[str]:
    """The command of a Python child: isolated (-I), without site-packages (-S), NUMPY_ONLY before `code`, and the
    private numpy site as sys.argv[1] (the other `args` follow it)."""
    python = os.path.abspath(python or sys.executable)
    return [python, "-I", "-S", "-c", NUMPY_ONLY + code, _site(python), *args]


def default_secrets() -> tuple[Path, ...]:
    """The instructor's answer key: the repository's solutions/, reference/, tests/ and .seqlab/."""
    return tuple(REPO_ROOT / name for name in ("solutions", "reference", "tests", ".seqlab"))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _namespace_flags() -> list[str]:
    flags = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    if os.geteuid() != 0:  # unprivileged bwrap runs in a user namespace; forbid nesting more of them
        flags += ["--unshare-user", "--disable-userns"]
    # --as-pid-1: the child itself is the namespace's init, so bwrap has no reaper process of its own that,
    # outliving bwrap for a moment, would be reparented to us (the subreaper) and left a zombie. The child's
    # exit takes every process of the namespace down with it.
    return flags + ["--as-pid-1", "--die-with-parent", "--new-session", "--hostname", "sandbox"]


def _system_binds() -> list[str]:
    """/usr read-only, the merged-/usr links (/bin, /lib...), the loader cache, /proc, /dev, a private /tmp."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = f"/{name}"
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in ("/etc/ld.so.cache", "/etc/localtime"):
        args += ["--ro-bind-try", path, path]
    private_tmp = ["--perms", "1777", "--size", str(PRIVATE_TMP_BYTES), "--tmpfs", "/tmp"]
    return args + ["--proc", "/proc", "--dev", "/dev", *private_tmp]


def _setpriv_argv(plan: _Plan, user: tuple[int, int]) -> list[str]:
    uid, gid = user
    return [plan.setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--inh-caps=-all",
            "--bounding-set=-all", "--no-new-privs", "--"]


def _system_library_folders() -> tuple[str, ...]:
    """The folders of the shared libraries this process has loaded (libc, libm, the loader...): the child's
    interpreter needs the same. Python's own installation and package folders are left out: the child's comes
    from its runtime."""
    prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}
    folders = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split(maxsplit=5)[-1].strip() if line.count(" ") >= 5 else ""
                if path.startswith("/") and (path.endswith(".so") or ".so." in os.path.basename(path)):
                    folder = os.path.dirname(os.path.realpath(path))
                    if "-packages" not in folder and not any(_inside(folder, p) for p in prefixes):
                        folders.add(folder)
    except OSError:
        pass
    return tuple(sorted(folders))


def _landlock_argv(plan: _Plan, runtime: _Runtime, cwd: Path) -> list[str]:
    if runtime.shown:  # the original interpreter (a grader that is not root): its own folders
        read = [*runtime.shown, runtime.site]
    else:  # a copy beside the site, in the private folder
        read = [os.path.dirname(os.path.dirname(runtime.python)), runtime.site]
    spec = {"abi": plan.landlock, "read": [*read, *_system_library_folders(), *_LANDLOCK_READ],
            "write": [str(cwd), "/dev/null"]}
    return [runtime.python, "-I", "-S", "-c", LANDLOCK, json.dumps(spec)]


def _bwrap_argv(plan: _Plan, runtime: _Runtime, workdir: Path, secrets: list[str],
                user: tuple[int, int] | None) -> list[str]:
    args = [plan.bwrap, *_namespace_flags()]
    if os.geteuid() == 0:  # keep only what setpriv needs to drop to the sandbox user; setpriv drops those too
        args += ["--cap-drop", "ALL"]
        if user:
            args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]
    args += _system_binds()
    made = {"/", "/usr", "/proc", "/dev", "/tmp", "/etc"}
    shown = [("/usr", "/usr")]  # (source, where the child sees it)

    def bind(option: str, path: str) -> None:
        # bwrap creates missing parents mode 0700, which the sandbox user could not cross: make them 0755
        parents = []
        parent = os.path.dirname(path)
        while parent not in made and parent != "/":
            parents.append(parent)
            parent = os.path.dirname(parent)
        for parent in reversed(parents):
            args.extend(["--perms", "0755", "--dir", parent])
            made.add(parent)
        args.extend([option, os.path.realpath(path), path])
        made.add(path)
        shown.append((os.path.realpath(path), path))

    def cover(path: str) -> None:  # an empty folder (mode 0, no device) or file where it was
        for source, dest in shown:
            if _inside(path, source) and os.path.exists(path):
                where = dest + path[len(source):]
                if os.path.isdir(path):
                    args.extend(["--perms", "0000", "--tmpfs", where])
                else:
                    args.extend(["--ro-bind", "/dev/null", where])
                return

    ro = [p for p in (*runtime.shown, runtime.site) if not _inside(p, "/usr")]
    ro = [p for p in ro if not any(_inside(p, q) and p != q for q in ro)]  # a parent's bind shows its children
    for path in ro:
        bind("--ro-bind", path)
    bind("--bind", str(workdir))
    for folder in runtime.hidden:  # /usr/lib/python3/dist-packages, the interpreter's own site-packages...
        cover(folder)
    for secret in secrets:  # a secret inside something the child sees
        cover(secret)
    args += ["--chdir", str(workdir), "--"]
    if user:
        args += _setpriv_argv(plan, user)[:-1]
    return args


def _rlimit_argv(plan: _Plan, limits: Limits) -> list[str]:
    if not plan.prlimit:
        return []
    cpu = int(limits.cpu_seconds)  # soft = hard: SIGKILL at once (a namespace's init ignores SIGXCPU)
    return [plan.prlimit, f"--cpu={cpu}:{cpu}", f"--as={int(limits.memory_bytes)}",
            f"--fsize={int(limits.file_bytes)}", f"--nproc={int(limits.nproc)}", "--core=0", "--"]


def _preexec_rlimits(limits: Limits):
    """Only where there is no prlimit(1) (macOS): preexec_fn is unsafe in a threaded parent, prlimit is not."""
    import resource

    def apply() -> None:
        cpu = int(limits.cpu_seconds)
        for name, value in (("RLIMIT_CPU", (cpu, cpu)), ("RLIMIT_AS", (limits.memory_bytes,) * 2),
                            ("RLIMIT_FSIZE", (limits.file_bytes,) * 2), ("RLIMIT_NPROC", (limits.nproc,) * 2),
                            ("RLIMIT_CORE", (0, 0))):
            try:
                resource.setrlimit(getattr(resource, name), value)
            except (AttributeError, ValueError, OSError):
                pass  # macOS refuses RLIMIT_AS; the rest still apply

    return apply


def _child_env(workdir: Path, runtime: _Runtime) -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(workdir), "TMPDIR": str(workdir), "LANG": "C.UTF-8",
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
    if runtime.library_path:
        env["LD_LIBRARY_PATH"] = runtime.library_path
    if os.name == "nt":  # Python does not start on Windows without it
        env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", r"C:\Windows")
    return env


# ---------------------------------------------------------------------------------------------------
# Sandbox users: one per concurrent child, held by a lock file that outlives nothing (flock dies with its fd)
# ---------------------------------------------------------------------------------------------------


def _slot_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / f"seqlab-sandbox-slots-{os.geteuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    info = os.lstat(folder)
    if not os.path.isdir(folder) or os.path.islink(folder) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise SandboxUnavailable(f"{folder} is not a private folder of the grading user")
    return folder


class _UserSlot:
    """Holds one sandbox user exclusively, across threads and processes, for the length of one run."""

    _next = 0

    def __init__(self, users: tuple[tuple[int, int], ...]):
        import fcntl

        folder = _slot_dir()
        while True:
            start = _UserSlot._next
            _UserSlot._next += 1
            for k in range(len(users)):
                i = (start + k) % len(users)
                fd = os.open(folder / f"uid{users[i][0]}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    continue
                self.fd, self.uid, self.gid = fd, *users[i]
                return
            time.sleep(0.02)  # more concurrent children than users: wait for one to finish

    def release(self) -> None:
        os.close(self.fd)  # drops the flock


# ---------------------------------------------------------------------------------------------------
# Finding and killing what a child left behind
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Proc:
    pid: int
    ppid: int
    uid: int
    pgid: int
    sid: int
    zombie: bool


_STATUS_FIELDS = {b"State", b"PPid", b"Uid", b"NSpgid", b"NSsid"}


def _processes() -> list[_Proc]:
    """Every process on the machine as seen from here (Linux /proc), with its real uid, group and session."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status", "rb") as f:
                data = f.read()
        except OSError:
            continue  # gone meanwhile
        fields = {}
        for line in data.split(b"\n", 24)[:24]:  # the fields we need come first
            key, _, value = line.partition(b":")
            if key in _STATUS_FIELDS:
                fields[key] = value.split()
        try:
            # NSpgid/NSsid list the ids from the outermost namespace inwards: the first is ours
            found.append(_Proc(int(name), int(fields[b"PPid"][0]), int(fields[b"Uid"][0]), int(fields[b"NSpgid"][0]),
                               int(fields[b"NSsid"][0]), fields[b"State"][0] == b"Z"))
        except (KeyError, ValueError, IndexError):
            continue
    return found


def _descendants(root: int, table: list[_Proc]) -> set[int]:
    children: dict[int, list[int]] = {}
    for p in table:
        children.setdefault(p.ppid, []).append(p.pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _signal_all_of_uid(uid: int, gid: int) -> None:
    """kill(-1, SIGKILL) as that user: every process of the uid at once, a fork bomb included."""
    subprocess.run(["/bin/kill", "-KILL", "-1"], user=uid, group=gid, extra_groups=[],
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={})


def _kill(pids: set[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _sweep(proc: subprocess.Popen, slot: _UserSlot | None) -> float | None:
    """Kills the child and everything it started, reaps what was reparented to us; returns when none is left,
    with the CPU seconds of the child and of everything of it that was reaped (``_reap``).

    Ours: the child's descendants, its process group and session and, with a sandbox user, every process of
    that uid (the slot is ours alone). The child itself is reaped last, so until then its pid (and with it
    the group and session ids) cannot be reused by anybody else. bwrap's pid namespace already takes its
    processes down with it; this also covers the portable mode and a bwrap killed before its pid 1.
    """
    if not LINUX:
        if POSIX:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        else:
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True)
        proc.kill()
        return _reap(proc)
    me = os.getpid()
    ours: set[int] = set()
    orphans_cpu = 0.0  # CPU seconds of the child's processes reaped here (bwrap killed before its pid 1)
    deadline = time.monotonic() + 10.0
    while True:
        table = _processes()
        main = next((p for p in table if p.pid == proc.pid), None)
        mine = {p.pid for p in table if p.pgid == proc.pid or p.sid == proc.pid or p.pid in ours}
        mine |= _descendants(proc.pid, table)  # once reparented to us (bwrap killed first) tracked as `ours`
        if slot is not None:
            mine |= {p.pid for p in table if p.uid == slot.uid}
        mine.discard(proc.pid)
        ours |= mine
        live = {p.pid for p in table if p.pid in mine and not p.zombie}
        if main is not None and not main.zombie:
            live.add(proc.pid)
        if not mine and proc.pid not in live:
            break
        if slot is not None and any(p.uid == slot.uid and not p.zombie for p in table):
            _signal_all_of_uid(slot.uid, slot.gid)
        _kill(live)
        for p in table:  # orphans that became ours: reap them (never a pid other code of the grader waits for)
            if p.pid in ours and p.ppid == me and p.zombie:
                try:
                    _, _, usage = os.wait4(p.pid, os.WNOHANG)
                    orphans_cpu += usage.ru_utime + usage.ru_stime
                except ChildProcessError:
                    pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"could not remove the child's processes {sorted(live | mine)}")
        time.sleep(0.002)
    cpu = _reap(proc)
    return None if cpu is None else cpu + orphans_cpu


def _reap(proc: subprocess.Popen) -> float | None:
    """Waits for the child itself and returns its CPU seconds, user + system, with those of the descendants it
    waited for (bubblewrap waits for the sandboxed program): what RLIMIT_CPU counted. None where unknown."""
    if proc.returncode is not None or not POSIX:  # reaped already (a wait without pidfd), or no wait4
        proc.wait()
        return None
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except ChildProcessError:
        proc.wait()
        return None
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------------------------------------------
# The work directory before and after
# ---------------------------------------------------------------------------------------------------


def _chown_tree(workdir: Path, uid: int, gid: int) -> None:
    for root, dirs, files in os.walk(workdir):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid, follow_symlinks=False)
    os.chown(workdir, uid, gid)
    os.chmod(workdir, 0o711)  # bwrap's --chdir runs as a root without capabilities: it needs x


def _reclaim(workdir: Path, owner: tuple[int, int] | None, max_depth: int = 16) -> None:
    """Keeps only plain files (one link) and folders, owned by the grading user again, once no child is left."""
    import stat

    todo = [(str(workdir), 0)]
    while todo:
        folder, depth = todo.pop()
        if owner:
            os.chown(folder, *owner, follow_symlinks=False)
            os.chmod(folder, 0o755, follow_symlinks=False)
        with os.scandir(folder) as entries:
            for entry in entries:
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISDIR(info.st_mode):
                    if depth + 1 >= max_depth:  # nothing a driver writes is this deep
                        _remove_tree(entry.path)
                    else:
                        todo.append((entry.path, depth + 1))
                elif stat.S_ISREG(info.st_mode) and info.st_nlink == 1:
                    if owner:
                        os.chown(entry.path, *owner, follow_symlinks=False)
                        os.chmod(entry.path, 0o644, follow_symlinks=False)
                else:  # symlink, FIFO, socket, device, hard link
                    os.unlink(entry.path)


def _remove_tree(path: str) -> None:
    try:
        shutil.rmtree(path)
    except (OSError, RecursionError):
        subprocess.run(["rm", "-rf", "--one-file-system", "--", path], check=True)


class _PrivateWork:
    """Without bubblewrap, for a sandbox user: a copy of `workdir` the child works in, which no sibling can open.

    ``<tmp>/seqlab-child-XXXX/`` (the grader's, 0711: nobody can list it) holds ``work/`` (the sandbox user's,
    0700). Afterwards what the child left (plain files and folders only, given back) replaces workdir's content.
    """

    def __init__(self, workdir: Path, uid: int, gid: int):
        self.base = Path(tempfile.mkdtemp(prefix="seqlab-child-"))
        os.chmod(self.base, 0o711)
        self.path = self.base / "work"
        shutil.copytree(workdir, self.path, symlinks=True)  # the grader's own files
        _chown_tree(self.path, uid, gid)
        os.chmod(self.path, 0o700)

    def take_back(self, workdir: Path) -> None:
        _reclaim(self.path, (os.geteuid(), os.getegid()))
        for entry in os.scandir(workdir):
            _remove_entry(entry.path)
        for entry in os.scandir(self.path):
            shutil.move(entry.path, workdir / entry.name)

    def remove(self) -> None:
        _remove_tree(str(self.base))


def _remove_entry(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        _remove_tree(path)
    else:
        os.unlink(path)


def _remove_files_of(uid: int) -> None:
    """What a sandbox user left in the shared temporary folders (no bubblewrap): the next child of that user
    must not find it."""
    for folder in {tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"}:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid == uid:
                    _remove_entry(entry.path)
            except OSError:
                pass


def _check_runtime(plan: _Plan, runtime: _Runtime) -> None:
    """Without bubblewrap the child's chain (setpriv to a sandbox user, Landlock) must start the interpreter and
    import numpy; a /tmp mounted noexec, or a container that refuses Landlock, would stop it: say so once,
    clearly, instead of failing every exercise."""
    code = "import sys; sys.path.append(sys.argv[1]); import numpy"
    slot = _UserSlot(plan.users) if plan.users else None
    try:
        with tempfile.TemporaryDirectory(prefix="seqlab-check-") as tmp:
            command = [runtime.python, "-I", "-S", "-c", code, runtime.site]
            if plan.landlock:
                command = _landlock_argv(plan, runtime, Path(tmp)) + command
            if slot is not None:
                command = _setpriv_argv(plan, (slot.uid, slot.gid)) + command
            done = subprocess.run(command, capture_output=True, timeout=60, cwd=tmp, env=_child_env(Path(tmp), runtime))
    finally:
        if slot is not None:
            slot.release()
    if done.returncode != 0:
        who = f"the sandbox user (uid {slot.uid})" if slot is not None else "the child"
        raise SandboxUnavailable(f"{who} cannot run {runtime.python} with numpy: "
                                 f"{done.stderr.decode(errors='replace')[-500:]} (is {tempfile.gettempdir()} noexec? "
                                 f"set TMPDIR to a folder where programs may run)")


# ---------------------------------------------------------------------------------------------------
# Running one child
# ---------------------------------------------------------------------------------------------------


class _Drain(threading.Thread):
    """Reads the merged stdout/stderr pipe to its end, keeping the first `cap` bytes and dropping the rest."""

    def __init__(self, pipe, cap: int):
        super().__init__(daemon=True)
        self.pipe, self.cap, self.kept, self.total = pipe, cap, bytearray(), 0

    def run(self) -> None:
        fd = self.pipe.fileno()
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            self.total += len(chunk)
            room = self.cap - len(self.kept)
            if room > 0:
                self.kept += chunk[:room]


def _feed(pipe, data: bytes) -> None:
    try:
        pipe.write(data)
    except (BrokenPipeError, OSError):
        pass
    finally:
        try:
            pipe.close()
        except OSError:
            pass


def _exited(proc: subprocess.Popen) -> bool:
    """Whether the child has exited, leaving it a zombie: reaping it is _reap's, which reads its CPU time."""
    try:
        return os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return proc.poll() is not None


def _wait(proc: subprocess.Popen, seconds: float) -> bool:
    """True when the child exited within `seconds` (pidfd on Linux: no polling delay)."""
    if hasattr(os, "pidfd_open"):
        try:
            fd = os.pidfd_open(proc.pid)
        except OSError:
            fd = None
        if fd is not None:
            try:
                with selectors.DefaultSelector() as sel:
                    sel.register(fd, selectors.EVENT_READ)
                    sel.select(timeout=max(seconds, 0))
            finally:
                os.close(fd)
            return _exited(proc)
    try:
        proc.wait(timeout=max(seconds, 0))
        return True
    except subprocess.TimeoutExpired:
        return False


def run_isolated(argv: list[str], workdir: Path, limits: Limits = Limits(), stdin: bytes = b"",
                 *, secrets: tuple[Path, ...] | list[Path] = ()) -> ChildOutcome:
    """Runs `argv` (argv[0]: a python, best from ``python_argv``) in `workdir` under the strongest isolation here.

    The child runs that interpreter's standard library and the private numpy site (``_runtime``), nothing else.
    `secrets`: files or folders the child must not read, on top of default_secrets(). With bubblewrap they
    are simply not mounted (or covered, when inside something the child sees). When this returns, no process
    the child started remains and `workdir` holds only plain files and folders owned by the grading user.
    """
    require_boundary()
    plan = _plan()
    workdir = Path(os.path.realpath(workdir))
    if not workdir.is_dir():
        raise NotADirectoryError(workdir)
    argv = [str(a) for a in argv]
    if os.sep in argv[0] or (os.altsep and os.altsep in argv[0]):
        argv[0] = os.path.abspath(argv[0])
    else:
        argv[0] = shutil.which(argv[0]) or argv[0]
    runtime = _checked_runtime(argv[0], plan)
    argv[0] = runtime.python
    secret_paths = sorted({os.path.realpath(s) for s in (*default_secrets(), *secrets)})
    for secret in secret_paths:  # a grader bug: the child would write into, or see, the answer key
        if _inside(str(workdir), secret) or _inside(secret, str(workdir)):
            raise ValueError(f"workdir {workdir} and the secret {secret} overlap")
    harden_parent()

    slot = _UserSlot(plan.users) if plan.users else None
    user = (slot.uid, slot.gid) if slot is not None else None
    mode = os.stat(workdir).st_mode & 0o7777
    proc, swept, private = None, False, None
    try:
        if slot is not None and not plan.bwrap:
            private = _PrivateWork(workdir, *user)
        elif slot is not None:
            _chown_tree(workdir, *user)
        cwd = private.path if private is not None else workdir
        command = list(argv)
        preexec = _preexec_rlimits(limits) if POSIX and not plan.prlimit else None
        if plan.landlock:
            command = _landlock_argv(plan, runtime, cwd) + command
        if plan.prlimit:
            command = _rlimit_argv(plan, limits) + command
        if plan.bwrap:
            command = _bwrap_argv(plan, runtime, workdir, secret_paths, user) + command
        elif user is not None:
            command = _setpriv_argv(plan, user) + command
        start = time.monotonic()
        proc = subprocess.Popen(
            command, cwd=cwd, env=_child_env(cwd, runtime), stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, close_fds=True, preexec_fn=preexec,
            start_new_session=POSIX,
            creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
        )
        drain = _Drain(proc.stdout, max(int(limits.output_bytes), 0))
        drain.start()
        if stdin:
            threading.Thread(target=_feed, args=(proc.stdin, stdin), daemon=True).start()
        timed_out = not _wait(proc, limits.wall_seconds - (time.monotonic() - start))
        cpu = _sweep(proc, slot)
        swept = True
        wall = time.monotonic() - start
        drain.join(timeout=2.0)  # every writer is dead: the pipe is at its end
        if not drain.is_alive():
            proc.stdout.close()
        if private is not None:
            private.take_back(workdir)
            _remove_files_of(slot.uid)
        else:
            _reclaim(workdir, (os.geteuid(), os.getegid()) if slot is not None else None)
        os.chmod(workdir, mode)
    finally:
        if proc is not None and not swept:  # interrupted (KeyboardInterrupt...): never leave the child running
            try:
                _sweep(proc, slot)
            except Exception:
                pass
        if private is not None:
            private.remove()
        if slot is not None:
            slot.release()
    returncode = None if timed_out else proc.returncode
    return ChildOutcome(
        returncode=returncode,
        timed_out=timed_out,
        output=bytes(drain.kept).decode("utf-8", errors="replace"),
        output_truncated=drain.total > len(drain.kept),
        wall_seconds=wall,
        protections=plan.protections,
        cpu_seconds=cpu,
    )
