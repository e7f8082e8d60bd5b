"""Runs untrusted code in a child process: limits, a process-tree kill and, where the machine allows, a boundary.

The grader calls ``run_isolated(argv, workdir)`` once per exercise. The child gets its inputs as files in
``workdir``, writes raw arrays and a small JSON status there and exits; the caller judges afterwards. What
protects the grading process depends on the machine; ``active_protections()`` names what is in force:

* everywhere: a wall-clock limit, a kill of the child's whole process tree, a minimal environment and a cap on
  captured output (a flood is drained and dropped, so it neither blocks nor fills the parent);
* POSIX: a new session (process group) and RLIMIT_CPU / RLIMIT_AS / RLIMIT_FSIZE / RLIMIT_CORE;
* Linux: the grading process becomes a child subreaper (orphans that ``setsid`` or double-fork away are
  reparented to it, killed and reaped) and non-dumpable (its memory and environ are closed to /proc);
* with bubblewrap: the child runs in new mount, pid, network, ipc and uts namespaces. It sees ``/usr``, the
  interpreter's own folders (venv and base prefix, derived from ``argv[0]``), a private ``/tmp`` and its
  work directory, nothing else: no answer key, no repository, no grading process in ``/proc``, no network;
* as root, with the users ``seqlab-sandbox0..N`` that ``.ci/install-sandbox.sh`` creates: inside bubblewrap
  the child drops to one of these users (one per concurrent child, held by a lock), without capabilities and
  with no_new_privs (``unprivileged_uid``). Only then do RLIMIT_NPROC and permissions bind it, and it cannot
  signal or ptrace anything of the grader's. Everything it leaves behind is found by its uid and killed.
  A grader that is not root runs bubblewrap in a user namespace; the child then keeps the grader's uid, which
  is not ``unprivileged_uid``: SEQLAB_SANDBOX=required needs a root grader, as in CI.

Without a pid namespace or a sandbox user (the portable mode), "everything the child started" means its
process tree, group and session at the end of the run: a grandchild that double-forks and ``setsid()``s away
in between is not recognised, and its zombie is left to the grading process. That is part of why
``SEQLAB_SANDBOX=required`` exists.

``SEQLAB_SANDBOX=required`` (CI and official grading) makes ``run_isolated`` raise ``SandboxUnavailable``
unless the whole boundary is in force; the default ``best`` uses the strongest that is available.

Nothing a child writes is trusted: after it exits, symbolic links, FIFOs, sockets, devices and multiply-linked
files in ``workdir`` are deleted (a FIFO named ``status.json`` would block the reader; a link could point at a
secret) and everything is given back to the grading user.
"""

from __future__ import annotations

import functools
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
PORTABLE = ("wall_clock_limit", "process_tree_kill", "minimal_environment", "output_cap", "workdir_reclaimed")
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
)


class SandboxUnavailable(RuntimeError):
    """SEQLAB_SANDBOX=required, but this machine cannot give the child the whole boundary."""


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 10.0  # a child that waits (sleep, a lock) runs into this without holding a core
    # RLIMIT_CPU, whole seconds, for the child's whole life (interpreter and numpy start included): calibrated on
    # the answer key, whose children need 0.11-0.29 s each, idle to heavily loaded (docs/class-grading.md), so a
    # busy loop costs 1 s of a core instead of the wall limit. Not higher: four spinning exercises on 2 cores
    # then end within 3 s.
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


@functools.lru_cache(maxsize=None)
def _plan() -> _Plan:
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
        found = shutil.which("bwrap", path="/usr/bin:/bin:/usr/local/bin")
        if found and _bwrap_works(found):
            bwrap = found
            protections += ["private_filesystem", "pid_namespace", "no_network", "ipc_namespace", "no_capabilities"]
    if POSIX and os.geteuid() == 0:
        users = _sandbox_users() if (bwrap and setpriv) else ()
        if users:
            protections += ["unprivileged_uid", "rlimit_nproc"]
    elif POSIX:  # a non-root grader: the limit binds, but the child shares the grader's own uid
        protections += ["rlimit_nproc"]
    return _Plan(bwrap, users, prlimit, setpriv, tuple(protections))


def active_protections() -> tuple[str, ...]:
    """What run_isolated would apply on this machine (probed once, then cached)."""
    return _plan().protections


def missing_protections() -> tuple[str, ...]:
    """The parts of the boundary (what SEQLAB_SANDBOX=required insists on) this machine lacks."""
    return tuple(name for name in BOUNDARY if name not in active_protections())


def require_boundary() -> None:
    missing = missing_protections()
    if missing and _mode() == "required":
        raise SandboxUnavailable(
            "SEQLAB_SANDBOX=required, but this machine lacks: " + ", ".join(missing)
            + ". Run `bash .ci/install-sandbox.sh` as root (bubblewrap and the seqlab-sandbox users)."
        )


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

_PROBE = (
    "import json, sys, site, importlib.machinery as m\n"
    "paths = site.getsitepackages() + sys.path\n"
    "spec = m.PathFinder.find_spec('numpy', paths)\n"
    "numpy = [] if spec is None or not spec.origin else [spec.origin]\n"
    "print(json.dumps([sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, *paths, *numpy]))\n"
)


@functools.lru_cache(maxsize=None)
def _interpreter_paths(python: str) -> tuple[str, ...]:
    """The folders the interpreter needs: venv, base prefix, site-packages, numpy's folder (asked, not guessed)."""
    # without -S: site.py is what finds a venv (and its site-packages) from pyvenv.cfg
    done = subprocess.run([python, "-I", "-c", _PROBE], capture_output=True, timeout=60, env=_child_env(Path("/")))
    if done.returncode != 0:
        raise RuntimeError(f"cannot start {python}: {done.stderr.decode(errors='replace')[-500:]}")
    paths = {os.path.realpath(python)}
    venv = os.path.dirname(os.path.dirname(python))
    if os.path.isfile(os.path.join(venv, "pyvenv.cfg")):
        paths.add(venv)
    for path in json.loads(done.stdout):
        if path.endswith((".py", ".so")):  # numpy's __init__.py: its package folder's parent
            path = os.path.dirname(os.path.dirname(path))
        if os.path.isdir(path) or os.path.isfile(path):
            paths.add(os.path.abspath(path))
    resolved = set()
    for path in paths:
        resolved.update({path, os.path.realpath(path)})
    return tuple(sorted(resolved))


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


def _bwrap_argv(plan: _Plan, argv: list[str], workdir: Path, secrets: list[str],
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

    ro = [p for p in _interpreter_paths(argv[0]) if not _inside(p, "/usr")]
    ro = [p for p in ro if not any(_inside(p, q) and p != q for q in ro)]  # a parent's bind shows its children
    work = str(workdir)
    for path in ro:
        bind("--ro-bind", path)
    bind("--bind", work)
    for secret in secrets:  # a secret inside something the child sees: cover it (empty, mode 0, no device)
        for source, dest in shown:
            if _inside(secret, source) and os.path.exists(secret):
                where = dest + secret[len(source):]
                if os.path.isdir(secret):
                    args += ["--perms", "0000", "--tmpfs", where]
                else:
                    args += ["--ro-bind", "/dev/null", where]
    args += ["--chdir", work, "--"]
    if user:
        uid, gid = user
        args += [plan.setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--inh-caps=-all",
                 "--bounding-set=-all", "--no-new-privs"]
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


def _child_env(workdir: Path) -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(workdir), "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
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
    """Runs `argv` (argv[0]: a python) in `workdir` under the strongest isolation this machine has.

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
    secret_paths = sorted({os.path.realpath(s) for s in (*default_secrets(), *secrets)})
    for secret in secret_paths:  # a grader bug: the child would write into, or see, the answer key
        if _inside(str(workdir), secret) or _inside(secret, str(workdir)):
            raise ValueError(f"workdir {workdir} and the secret {secret} overlap")
    harden_parent()

    slot = _UserSlot(plan.users) if plan.bwrap and plan.users else None
    env = _child_env(workdir)
    mode = os.stat(workdir).st_mode & 0o7777
    proc, swept = None, False
    try:
        if slot is not None:
            _chown_tree(workdir, slot.uid, slot.gid)
        command = list(argv)
        preexec = None
        if plan.prlimit:
            command = _rlimit_argv(plan, limits) + command
        elif POSIX:
            preexec = _preexec_rlimits(limits)
        if plan.bwrap:
            user = (slot.uid, slot.gid) if slot is not None else None
            command = _bwrap_argv(plan, argv, workdir, secret_paths, user) + command
        start = time.monotonic()
        proc = subprocess.Popen(
            command, cwd=workdir, env=env, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
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
        _reclaim(workdir, (os.geteuid(), os.getegid()) if slot is not None else None)
        os.chmod(workdir, mode)
    finally:
        if proc is not None and not swept:  # interrupted (KeyboardInterrupt...): never leave the child running
            try:
                _sweep(proc, slot)
            except Exception:
                pass
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
