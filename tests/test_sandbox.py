"""The sandbox against hostile children: each exploit is first shown to work when run naively, then stopped.

A hostile case that would pass only because a protection is missing fails under SEQLAB_SANDBOX=required or in
CI (CI=true), and is skipped, naming the missing protection, elsewhere. Tests taking the ``mode`` fixture run twice:
on this machine as it is (bubblewrap, in CI) and as a root grader where bubblewrap cannot start (a Docker
container's capabilities: no CAP_SYS_ADMIN), where the sandbox users alone (Landlock off) must hold.
"""

import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from seqlab.grading import sandbox
from seqlab.grading.sandbox import (ChildOutcome, Limits, SandboxUnavailable, active_protections, python_argv,
                                   run_isolated)

PY = sys.executable
LINUX = sys.platform.startswith("linux")
REPO = Path(__file__).resolve().parent.parent
STRICT = os.environ.get("SEQLAB_SANDBOX", "").lower() == "required" or os.environ.get("CI", "").lower() in ("true", "1")

pytestmark = pytest.mark.skipif(not LINUX, reason="these checks read /proc (Linux)")

# Prepended to a snippet: attempt(name, fn) records "ok:<value>" or the exception's type; report() prints it.
ATTEMPT = textwrap.dedent(
    """
    import json, os, sys
    results = {}
    def attempt(name, fn):
        try:
            results[name] = "ok:" + repr(fn())[:200]
        except BaseException as error:
            results[name] = type(error).__name__
    def report():
        print(json.dumps(results), flush=True)
    """
)


def need(*names: str, any_of: bool = False) -> None:
    """Skips (or, when strict, fails) unless the named protections are active."""
    active = active_protections()
    missing = [n for n in names if n not in active]
    if (any_of and len(missing) < len(names)) or not missing:
        return
    reason = "missing protection: " + (" or " if any_of else ", ").join(missing)
    if STRICT:
        pytest.fail(reason + " (SEQLAB_SANDBOX=required or CI: run .ci/install-sandbox.sh)")
    pytest.skip(reason)


def without_bwrap(monkeypatch, landlock: bool) -> sandbox._Plan:
    """This machine as a root grader where bubblewrap cannot start; with `landlock=False`, without Landlock too
    (a container whose seccomp profile refuses it): the sandbox users are then all that holds the child."""
    if os.geteuid() != 0:
        pytest.skip("the sandbox users are used only by a root grader")
    plan = sandbox._probe_plan(allow_bwrap=False)
    if not plan.users:
        message = "no seqlab-sandbox users (run .ci/install-sandbox.sh as root)"
        pytest.fail(message) if STRICT else pytest.skip(message)
    if not landlock:
        plan = dataclasses.replace(plan, landlock=0,
                                   protections=tuple(p for p in plan.protections if not p.startswith("landlock")))
    elif not plan.landlock:
        pytest.skip("this kernel has no Landlock")
    monkeypatch.setattr(sandbox, "_plan", lambda: plan)
    monkeypatch.setenv("SEQLAB_SANDBOX", "best")  # what such a machine can run: required would refuse it
    return plan


@pytest.fixture(params=["machine", "without_bwrap"])
def mode(request, monkeypatch) -> str:
    if request.param == "without_bwrap":
        without_bwrap(monkeypatch, landlock=False)
    return request.param


def snippet(code: str) -> str:
    return ATTEMPT + textwrap.dedent(code)


def naive(code: str, cwd: Path, stdin: bytes = b"", timeout: float = 30, env=None) -> subprocess.CompletedProcess:
    """The same child with plain subprocess: no limits, no boundary."""
    return subprocess.run([PY, "-I", "-S", "-c", code], cwd=cwd, input=stdin, capture_output=True,
                          timeout=timeout, env=env)


def isolated(code: str, workdir: Path, limits: Limits = Limits(), stdin: bytes = b"", **kw) -> ChildOutcome:
    """The same child as the grader's: python_argv (-I -S, NUMPY_ONLY, the private numpy site) in the sandbox."""
    return run_isolated(python_argv(code), workdir, limits, stdin, **kw)


def results_of(text: str | bytes) -> dict:
    if isinstance(text, bytes):
        text = text.decode()
    return json.loads(text.strip().splitlines()[-1])


def refused(result: str) -> bool:
    return not result.startswith("ok:")


def marker_pids(marker: str) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/cmdline", "rb") as f:
                    if marker.encode() in f.read():
                        found.append(int(name))
            except OSError:
                pass
    return found


def zombie_children() -> list[int]:
    """Our children that exited unreaped: what a subreaper that forgets to reap accumulates."""
    found = []
    for name in os.listdir("/proc"):
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                state, ppid = f.read().rsplit(b")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if state == b"Z" and int(ppid) == os.getpid():
            found.append(int(name))
    return found


def reap_orphans(expected: int = 0, seconds: float = 5.0) -> None:
    """A naive child's orphans are reparented to us (the subreaper) when they exit: reap them, waiting (a while)
    for `expected` of them when they may still be exiting.

    Only called where no subprocess.Popen of the test is waiting for its own child.
    """
    deadline, reaped = time.monotonic() + seconds, 0
    while True:
        for pid in zombie_children():
            try:
                os.waitpid(pid, 0)
                reaped += 1
            except ChildProcessError:
                pass
        if reaped >= expected or time.monotonic() > deadline:
            return
        time.sleep(0.01)


def kill_marked(marker: str) -> None:
    """Cleans up after a naive run: kills and reaps (we are a subreaper) every process carrying the marker."""
    for _ in range(500):
        pids = marker_pids(marker)  # a zombie's cmdline is empty: reaped below, not found here
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in pids:
            try:
                os.waitpid(pid, 0)  # ours when reparented to us; otherwise ChildProcessError at once
            except ChildProcessError:
                pass
    raise AssertionError(f"could not clean up {marker}")


@pytest.fixture(autouse=True, scope="module")
def hardened_parent():
    sandbox.harden_parent()  # what the grader does on its first run: subreaper, not dumpable
    yield
    if "pid_namespace" in active_protections() or STRICT:
        assert zombie_children() == [], "a subreaper must reap what is reparented to it"
    else:  # portable mode: an orphan that left the child's tree is not recognised as the child's (documented)
        reap_orphans()


@pytest.fixture
def workdir(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    return work


@pytest.fixture
def naive_dir(tmp_path):
    folder = tmp_path / "naive"
    folder.mkdir()
    return folder


@pytest.fixture
def victim():
    """A root process like the grader (holding a secret in its environment) for naive runs to harm."""
    marker = f"victim-{uuid.uuid4().hex}"
    proc = subprocess.Popen([PY, "-I", "-S", "-c", "import time; time.sleep(120)"],
                            env={"SEQLAB_VICTIM_SECRET": marker})
    time.sleep(0.05)
    proc.marker = marker
    yield proc
    proc.kill()
    proc.wait()


# ---------------------------------------------------------------------------------------------------------------
# The machine and the switch
# ---------------------------------------------------------------------------------------------------------------


def test_strict_runs_have_the_whole_boundary():
    if not STRICT:
        pytest.skip("only checked under SEQLAB_SANDBOX=required or CI")
    assert sandbox.missing_protections() == ()


def test_required_mode_refuses_a_weak_machine(monkeypatch, workdir):
    weak = sandbox._Plan(bwrap=None, users=(), prlimit=None, setpriv=None, protections=sandbox.PORTABLE)
    monkeypatch.setattr(sandbox, "_plan", lambda: weak)
    monkeypatch.setenv("SEQLAB_SANDBOX", "required")
    with pytest.raises(SandboxUnavailable, match="private_filesystem"):
        run_isolated([PY, "-c", "pass"], workdir)
    monkeypatch.setenv("SEQLAB_SANDBOX", "sometimes")
    with pytest.raises(ValueError):
        run_isolated([PY, "-c", "pass"], workdir)


def test_workdir_may_not_overlap_the_answer_key():
    with pytest.raises(ValueError, match="overlap"):
        run_isolated([PY, "-c", "pass"], REPO)


# ---------------------------------------------------------------------------------------------------------------
# What a well-behaved child does
# ---------------------------------------------------------------------------------------------------------------


def test_numpy_child_writes_arrays_the_parent_reads(workdir, mode):
    """The driver's own pattern: python_argv (-I -S, the private numpy site), inputs from the parent."""
    np.save(workdir / "x.npy", np.arange(6.0).reshape(2, 3))
    (workdir / "request.json").write_text('{"scale": 2.0}')
    os.chmod(workdir / "request.json", 0o600)  # written privately by the parent: the child must still read it
    code = textwrap.dedent(
        """
        import json, os, sys
        import numpy as np
        x = np.load("x.npy")
        scale = json.load(open("request.json"))["scale"]
        os.mkdir("results")
        np.savez("results/0.npz", y=x * scale, gram=x @ x.T)
        json.dump({"ok": True, "env": dict(os.environ), "cwd": os.getcwd()}, open("results/0.json", "w"))
        print("done")
        """
    )
    outcome = run_isolated(python_argv(code), workdir)
    assert outcome.returncode == 0, outcome.output
    assert outcome.output == "done\n" and not outcome.timed_out and not outcome.output_truncated
    assert outcome.protections == active_protections()
    with np.load(workdir / "results" / "0.npz", allow_pickle=False) as data:
        x = np.arange(6.0).reshape(2, 3)
        np.testing.assert_array_equal(data["y"], 2 * x)
        np.testing.assert_array_equal(data["gram"], x @ x.T)
    status = json.loads((workdir / "results" / "0.json").read_text())
    cwd = status["cwd"]
    if "private_filesystem" in active_protections():  # bubblewrap shows the work folder where it is
        assert cwd == str(workdir.resolve())
    else:  # a private copy of it that only this child's user may open
        assert cwd.endswith("/work") and cwd != str(workdir.resolve())
    assert status["env"].pop("PWD", cwd) == cwd  # bwrap's --chdir sets it
    library_path = status["env"].pop("LD_LIBRARY_PATH", None)  # only for a copy of the interpreter (no bwrap)
    assert library_path is None or library_path.startswith(tempfile.gettempdir())
    assert status["env"] == {
        "PATH": "/usr/bin:/bin", "HOME": cwd, "TMPDIR": cwd, "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
    }
    for path in [workdir, *workdir.rglob("*")]:  # given back to the grading user, deletable
        assert path.lstat().st_uid == os.geteuid()
    shutil.rmtree(workdir)


def test_four_concurrent_numpy_children_take_under_3_seconds(tmp_path):
    code = "import numpy as np; np.save('r.npy', np.linalg.solve(np.eye(40) * 2, np.ones(40)))"

    def one(i):
        work = tmp_path / f"w{i}"
        work.mkdir()
        return work, run_isolated(python_argv(code), work)

    start = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(one, range(4)))
    assert time.monotonic() - start < 3.0
    for work, outcome in runs:
        assert outcome.returncode == 0, outcome.output
        np.testing.assert_allclose(np.load(work / "r.npy", allow_pickle=False), 0.5)


# ---------------------------------------------------------------------------------------------------------------
# Time, output, memory, files, processes
# ---------------------------------------------------------------------------------------------------------------


def test_infinite_loop_is_killed_at_the_wall_limit(workdir, naive_dir):
    code = "while True: pass"
    with pytest.raises(subprocess.TimeoutExpired):
        naive(code, naive_dir, timeout=0.5)
    start = time.monotonic()
    outcome = isolated(code, workdir, Limits(wall_seconds=1.0, cpu_seconds=10))  # the wall limit first
    assert outcome.timed_out and outcome.returncode is None
    assert 1.0 <= outcome.wall_seconds and time.monotonic() - start < 2.0
    assert zombie_children() == []  # killed first, bwrap's pid 1 was reparented to us: reaped too


def test_cpu_time_is_limited_even_within_the_wall_limit(workdir):
    need("rlimit_cpu")
    outcome = isolated("while True: pass", workdir, Limits(wall_seconds=15, cpu_seconds=1))
    assert not outcome.timed_out and outcome.returncode not in (0, None)  # SIGKILL by the kernel at 1 s of CPU
    assert outcome.cpu_seconds >= 0.9  # measured (wait4): what the kernel counted, give or take its sampling


def test_ignoring_sigterm_and_sigalrm_does_not_help(workdir, naive_dir):
    code = textwrap.dedent(
        """
        import signal, time
        for s in (signal.SIGTERM, signal.SIGALRM, signal.SIGINT, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        signal.alarm(1)
        print("ready", flush=True)
        while True: time.sleep(0.01)
        """
    )
    proc = subprocess.Popen([PY, "-I", "-S", "-c", code], cwd=naive_dir, stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline() == b"ready\n"
        proc.send_signal(signal.SIGTERM)
        proc.send_signal(signal.SIGALRM)
        time.sleep(0.2)
        assert proc.poll() is None  # naively, polite signals do not stop it
    finally:
        proc.kill()
        proc.wait()
    start = time.monotonic()
    outcome = isolated(code, workdir, Limits(wall_seconds=1.0))
    assert outcome.timed_out and outcome.returncode is None and outcome.output == "ready\n"
    assert time.monotonic() - start < 2.0


def test_a_200_mb_stdout_flood_is_capped_and_drained(workdir):
    import resource  # POSIX only

    code = "import os\nb = b'x' * (1 << 20)\nfor _ in range(200): os.write(1, b)\nos.write(2, b'end')"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    start = time.monotonic()
    outcome = isolated(code, workdir, Limits(wall_seconds=20))
    assert outcome.returncode == 0 and not outcome.timed_out  # drained: the writer never blocked
    assert outcome.output_truncated and outcome.output == "x" * Limits().output_bytes
    assert time.monotonic() - start < 10
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024


@pytest.mark.parametrize("main", ["exits", "loops"])
def test_a_setsid_double_fork_escapee_is_killed(workdir, naive_dir, main, mode):
    marker = f"escapee-{uuid.uuid4().hex}"
    code = textwrap.dedent(
        f"""
        import os, sys, time
        HOLD_PIPE, LOOP = {{hold}}, {{loop}}
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                if not HOLD_PIPE:
                    null = os.open(os.devnull, os.O_RDWR)
                    for fd in (0, 1, 2): os.dup2(null, fd)
                time.sleep(1000)  # {marker}
            os._exit(0)
        time.sleep(0.2)
        print("main", flush=True)
        while LOOP: time.sleep(0.01)
        """
    )
    try:
        assert naive(code.format(hold=False, loop=False), naive_dir).returncode == 0
        assert marker_pids(marker), "naively, the escapee outlives its parent"
    finally:
        kill_marked(marker)
        reap_orphans()  # the intermediate child exited after its parent
    need("pid_namespace", "unprivileged_uid", any_of=True)
    start = time.monotonic()
    outcome = isolated(code.format(hold=True, loop=main == "loops"), workdir, Limits(wall_seconds=1.5))
    assert outcome.output == "main\n"
    assert outcome.timed_out == (main == "loops")
    assert time.monotonic() - start < 2.5  # the escapee holding the output pipe did not stall the parent
    assert marker_pids(marker) == []


def test_a_fork_bomb_stops_at_rlimit_nproc(workdir, naive_dir, mode):
    marker = f"bomb-{uuid.uuid4().hex}"
    code = textwrap.dedent(
        f"""
        import os, sys, time
        n = 0
        try:
            for _ in range(int(sys.stdin.read())):
                if os.fork() == 0:
                    null = os.open(os.devnull, os.O_RDWR)
                    for fd in (0, 1, 2): os.dup2(null, fd)
                    time.sleep(1000)  # {marker}
                    os._exit(0)
                n += 1
        except OSError as error:
            print(type(error).__name__)
        print(n, flush=True)
        """
    )
    try:
        out = naive(code, naive_dir, stdin=b"80")
        assert out.stdout.split()[-1] == b"80"  # naively, root forks past any RLIMIT_NPROC
    finally:
        kill_marked(marker)
    need("rlimit_nproc", "unprivileged_uid")
    outcome = isolated(code, workdir, Limits(wall_seconds=5), stdin=b"500")
    assert outcome.returncode == 0, outcome.output
    assert "BlockingIOError" in outcome.output and int(outcome.output.split()[-1]) < Limits().nproc
    assert marker_pids(marker) == []


def test_a_memory_bomb_dies_at_rlimit_as(workdir, naive_dir):
    huge = "bytearray_of_8_gib = __import__('mmap').mmap(-1, 8 * 1024**3)"  # virtual only: naive run stays cheap
    assert naive(huge, naive_dir).returncode == 0  # naively, nothing stops it
    need("rlimit_as")
    outcome = isolated(huge, workdir)  # default limits: 4 GiB of address space
    assert outcome.returncode not in (0, None) and "OSError" in outcome.output
    touching = "b = bytes(1 << 20)\nwhile True: b = b + b"  # doubles real memory until refused
    outcome = isolated(touching, workdir, Limits(memory_bytes=256 * 1024**2))
    assert outcome.returncode not in (0, None) and "MemoryError" in outcome.output


def test_a_200_mb_file_stops_at_rlimit_fsize(workdir, naive_dir):
    code = "chunk = b'\\0' * (1 << 20)\nwith open('big', 'wb') as f:\n    for _ in range(200): f.write(chunk)"
    assert naive(code, naive_dir).returncode == 0
    assert (naive_dir / "big").stat().st_size == 200 * 2**20
    (naive_dir / "big").unlink()
    need("rlimit_fsize")
    outcome = isolated(code, workdir)
    assert outcome.returncode not in (0, None) and "File too large" in outcome.output
    assert (workdir / "big").stat().st_size <= Limits().file_bytes


# ---------------------------------------------------------------------------------------------------------------
# The grading process, the answer key, the network
# ---------------------------------------------------------------------------------------------------------------


def test_the_child_cannot_kill_its_parent(workdir, naive_dir, mode):
    code = "import os, signal\nprint(os.getppid(), flush=True)\nos.kill(os.getppid(), signal.SIGKILL)"
    wrapper = subprocess.run(["/bin/sh", "-c", '"$0" -I -S -c "$1"; echo parent alive', PY, code],
                             cwd=naive_dir, capture_output=True)
    assert wrapper.returncode == -signal.SIGKILL and b"parent alive" not in wrapper.stdout  # naively it can
    reap_orphans(expected=1)  # the naive child outlived its shell, and may still be exiting
    need("pid_namespace", "unprivileged_uid", any_of=True)
    outcome = isolated(code, workdir)
    if "pid_namespace" in active_protections():
        # its parent lies outside its pid namespace: getppid() is 0, which names no process to kill; this
        # process, the real parent, is still here to read the outcome
        assert outcome.output.split()[0] == "0"
    else:  # it names this process, which a sandbox user may not signal
        assert outcome.output.split()[0] == str(os.getpid()) and "PermissionError" in outcome.output


def test_the_child_cannot_kill_ptrace_or_read_pids_it_is_given(workdir, naive_dir, victim, mode):
    code = snippet(
        """
        import ctypes, signal
        libc = ctypes.CDLL(None, use_errno=True)
        def ptrace(pid):
            if libc.ptrace(16, pid, None, None) != 0:  # PTRACE_ATTACH
                raise OSError(ctypes.get_errno(), "ptrace")
            return "attached"
        def stack_has_secret(pid, secret):
            lo = hi = 0
            for line in open(f"/proc/{pid}/maps"):
                if "[stack]" in line:
                    lo, hi = (int(a, 16) for a in line.split()[0].split("-"))
            with open(f"/proc/{pid}/mem", "rb") as mem:
                mem.seek(lo)
                return secret.encode() in mem.read(hi - lo)
        pids, secret = sys.stdin.read().split(",")
        for pid in map(int, pids.split()):
            attempt(f"environ {pid}", lambda: secret in open(f"/proc/{pid}/environ", "rb").read().decode())
            attempt(f"mem {pid}", lambda: stack_has_secret(pid, secret))
            attempt(f"ptrace {pid}", lambda: ptrace(pid))
            attempt(f"kill {pid}", lambda: os.kill(pid, signal.SIGKILL))
        report()
        """
    )
    naive_run = results_of(naive(code, naive_dir, stdin=f"{victim.pid},{victim.marker}".encode()).stdout)
    assert naive_run[f"environ {victim.pid}"] == "ok:True"  # naively, root reads the victim's environment,
    assert naive_run[f"mem {victim.pid}"] == "ok:True"  # its memory,
    assert naive_run[f"ptrace {victim.pid}"] == "ok:'attached'"  # attaches to it
    assert naive_run[f"kill {victim.pid}"] == "ok:None" and victim.wait(timeout=5) == -signal.SIGKILL  # and kills it

    need("pid_namespace", "unprivileged_uid", any_of=True)
    other = subprocess.Popen([PY, "-I", "-S", "-c", "import time; time.sleep(60)"], env={"S": victim.marker})
    try:
        time.sleep(0.05)
        targets = f"{other.pid} {os.getpid()}"  # a root process like the grader, and the grader itself
        outcome = isolated(code, workdir, stdin=f"{targets},{victim.marker}".encode())
        results = results_of(outcome.output)
        assert len(results) == 8 and all(map(refused, results.values())), results
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_the_answer_key_is_out_of_reach(workdir, naive_dir, tmp_path):
    secret_dir = tmp_path / "instructor"
    secret_dir.mkdir()
    (secret_dir / "seed.txt").write_text("4242")
    files = [REPO / "reference" / "gradient_clipping.py", Path(__file__).resolve(), secret_dir / "seed.txt",
             Path("/etc/shadow")]
    folders = [REPO / "solutions", REPO / "reference", REPO / "tests", REPO, secret_dir]
    files = [f for f in files if f.exists()]
    code = snippet(
        """
        for path in sys.stdin.read().split("\\n"):
            kind, path = path.split(" ", 1)
            attempt(path, (lambda: len(open(path, "rb").read())) if kind == "file" else (lambda: os.listdir(path)))
        report()
        """
    )
    request = "\n".join([f"file {f}" for f in files] + [f"dir {d}" for d in folders]).encode()
    naive_run = results_of(naive(code, naive_dir, stdin=request).stdout)
    assert not any(map(refused, naive_run.values())), naive_run  # naively, all of it is readable
    need("private_filesystem")
    outcome = isolated(code, workdir, stdin=request, secrets=[secret_dir])
    results = results_of(outcome.output)
    assert len(results) == len(files) + len(folders)
    assert results.pop(str(secret_dir / "seed.txt")) == "FileNotFoundError"  # not mounted at all
    # the venv inside the repository is mounted for python and numpy: the repo's root shows nothing else
    assert results.pop(str(REPO)) in ("FileNotFoundError", "PermissionError", "ok:[]", "ok:['.venv']")
    assert set(results.values()) <= {"PermissionError", "FileNotFoundError"}, results


def test_a_secret_inside_what_the_child_must_see_is_covered(workdir):
    """Secrets named inside a mounted folder (here: parts of the child's own numpy) are covered, not shown."""
    need("private_filesystem")
    package = Path(python_argv("pass")[5]) / "numpy"  # the private site's numpy, which the child sees
    code = snippet(
        """
        package = sys.stdin.read()
        attempt("file", lambda: open(package + "/version.py").read())
        attempt("folder", lambda: os.listdir(package + "/linalg"))
        attempt("neighbour", lambda: len(open(package + "/dtypes.py").read()) > 0)
        report()
        """
    )
    results = results_of(isolated(code, workdir, stdin=str(package).encode(),
                                  secrets=[package / "version.py", package / "linalg"]).output)
    assert results == {"file": "PermissionError", "folder": "PermissionError", "neighbour": "ok:True"}


def test_no_network(workdir, naive_dir):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    code = snippet(
        """
        import socket
        port = int(sys.stdin.read())
        attempt("grader's port", lambda: socket.create_connection(("127.0.0.1", port), timeout=2).close())
        attempt("outside", lambda: socket.create_connection(("1.1.1.1", 53), timeout=2).close())
        report()
        """
    )
    try:
        naive_run = results_of(naive(code, naive_dir, stdin=str(port).encode()).stdout)
        assert naive_run["grader's port"] == "ok:None"  # naively, the child reaches the grader's socket
        need("no_network")
        results = results_of(isolated(code, workdir, stdin=str(port).encode()).output)
        assert results["grader's port"] == "ConnectionRefusedError"
        assert refused(results["outside"])
    finally:
        listener.close()


def test_links_and_fifos_the_child_leaves_are_removed(workdir, naive_dir):
    """A FIFO named like a result would block the reader; a link could point it at a secret."""
    code = textwrap.dedent(
        """
        import os
        open("real.json", "w").write("{}")
        os.symlink("/etc/passwd", "status.json")
        os.mkfifo("result.npz")
        os.link("real.json", "twin.json")
        os.makedirs("a/" * 20 + "deep")
        """
    )
    naive(code, naive_dir)
    assert (naive_dir / "status.json").is_symlink()
    outcome = isolated(code, workdir)
    assert outcome.returncode == 0, outcome.output
    names = sorted(p.name for p in workdir.iterdir())  # of two hard links, the one seen last is a plain file
    assert names in (["a", "real.json"], ["a", "twin.json"])
    assert (workdir / names[1]).read_text() == "{}"
    assert [p.name for p in (workdir / "a").rglob("*") if not p.is_dir()] == []
    shutil.rmtree(workdir)


def test_kill_minus_one_inside_only_kills_the_child(workdir, mode):
    """kill(-1) as root outside a sandbox would take the machine down: only ever run inside one."""
    need("pid_namespace", "unprivileged_uid", any_of=True)
    bystander = subprocess.Popen([PY, "-I", "-S", "-c", "import time; time.sleep(60)"])
    try:
        outcome = isolated("import os, signal\nos.kill(-1, signal.SIGKILL)\nprint('still here')", workdir)
        assert outcome.returncode is not None
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_concurrent_children_use_different_users(tmp_path, mode):
    need("unprivileged_uid")
    if os.geteuid() != 0:
        pytest.skip("one user per child is only used when the grader runs as root")
    code = "import os, time; time.sleep(0.3); print(os.getuid())"
    works = []
    for i in range(3):
        works.append(tmp_path / f"w{i}")
        works[-1].mkdir()
    with ThreadPoolExecutor(3) as pool:
        uids = [int(o.output) for o in pool.map(lambda w: isolated(code, w), works)]
    assert len(set(uids)) == 3 and 0 not in uids


def test_parallel_threads_keep_returncodes_apart(tmp_path):
    """Reaping orphans must never steal another thread's child: each run sees its own exit code."""
    def one(i):
        work = tmp_path / f"r{i}"
        work.mkdir()
        return isolated(f"import os, sys\nif os.fork() == 0: os.setsid(); os._exit(0)\nsys.exit({i})", work).returncode

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(one, range(8))) == list(range(8))


# ---------------------------------------------------------------------------------------------------------------
# Numpy and the standard library only
# ---------------------------------------------------------------------------------------------------------------

FORBIDDEN = ("torch", "scipy", "seqlab", "reference", "nbgrader", "IPython")
IMPORTS = snippet(
    """
    import importlib
    for name in sys.stdin.read().split():
        attempt(f"import {name}", lambda: exec(f"import {name}") or "imported")
        attempt(f"__import__ {name}", lambda: __import__(name).__name__)
        attempt(f"importlib {name}", lambda: importlib.import_module(name).__name__)
    for name in ("numpy", "json", "ctypes"):
        attempt(name, lambda: importlib.import_module(name).__name__)
    if "ModuleNotFoundError" in results.values():
        try:
            import torch
        except ModuleNotFoundError as error:
            results["message"] = str(error)
    report()
    """
)


def test_the_private_site_holds_numpy_and_nothing_else():
    site = Path(python_argv("pass")[5])
    real = Path(np.__file__).resolve().parent.parent
    expected = {"numpy"} | ({"numpy.libs"} if (real / "numpy.libs").is_dir() else set())
    assert {p.name for p in site.iterdir()} == expected
    assert (site / "numpy" / "__init__.py").read_bytes() == (real / "numpy" / "__init__.py").read_bytes()


def test_only_numpy_and_the_standard_library_can_be_imported(workdir, mode):
    """torch, scipy, seqlab, reference, nbgrader, IPython: importable where the grader runs (found there; the
    hostile corpus's naive grader imports each, test_hostile.py), not in the child."""
    found = subprocess.run([PY, "-c", "import importlib.util, sys\nprint([importlib.util.find_spec(n) is not None "
                                      "for n in sys.argv[1:]])", *FORBIDDEN], cwd=REPO, capture_output=True, text=True,
                           timeout=60)
    assert found.stdout.strip() == str([True] * len(FORBIDDEN)), found.stdout + found.stderr
    results = results_of(isolated(IMPORTS, workdir, stdin=" ".join(FORBIDDEN).encode()).output)
    assert results.pop("message") == ("only numpy and the Python standard library are available to exercises "
                                      "(tried to import torch)")
    assert results == {**{f"{how} {name}": "ModuleNotFoundError" for name in FORBIDDEN
                          for how in ("import", "__import__", "importlib")},
                       "numpy": "ok:'numpy'", "json": "ok:'json'", "ctypes": "ok:'ctypes'"}


def test_a_folder_appended_to_sys_path_finds_nothing(workdir, naive_dir):
    """With the whole boundary even a child that drops the import hook and appends the grader's package folders to
    sys.path finds nothing there: they are not mounted (or covered, where they lie inside what is)."""
    import site

    folders = [str(Path(np.__file__).resolve().parents[1]), *site.getsitepackages([sys.base_prefix]),
               "/usr/lib/python3/dist-packages", str(REPO)]
    folders = [f for f in dict.fromkeys(folders) if os.path.isdir(f) and os.listdir(f)]
    code = snippet(
        """
        import importlib.util
        sys.meta_path[:] = [f for f in sys.meta_path if "NumpyAndTheStandardLibraryOnly" not in repr(f)]
        folders = sys.stdin.read().split("\\n")
        sys.path.extend(folders)
        for folder in folders:
            attempt(folder, lambda: os.listdir(folder) and "listed")
        for name in ("torch", "scipy", "IPython", "nbgrader", "seqlab", "reference", "yaml", "pip"):
            attempt(name, lambda: importlib.util.find_spec(name) and "found")
        report()
        """
    )
    request = "\n".join(folders).encode()
    naive_run = results_of(naive(code, naive_dir, stdin=request).stdout)
    assert all(naive_run[f] == "ok:'listed'" for f in folders), naive_run  # naively every folder is there
    assert naive_run["torch"] == naive_run["reference"] == "ok:'found'", naive_run
    need("private_filesystem")
    results = results_of(isolated(code, workdir, stdin=request).output)
    assert all(results.pop(f) in ("FileNotFoundError", "PermissionError", "ok:[]") for f in folders), results
    assert set(results.values()) == {"ok:None"}, results  # find_spec: no such module anywhere


# ---------------------------------------------------------------------------------------------------------------
# A root grader without bubblewrap (Gradescope, Docker): the sandbox users hold
# ---------------------------------------------------------------------------------------------------------------

STATUS = snippet(
    """
    fields = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
    for key in ("Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs"):
        results[key] = fields[key].split()
    report()
    """
)


def test_without_bwrap_the_child_is_an_unprivileged_sandbox_user(monkeypatch, workdir, naive_dir):
    naive_run = results_of(naive(STATUS, naive_dir).stdout)
    assert naive_run["Uid"] == ["0"] * 4 and int(naive_run["CapEff"][0], 16) != 0  # naively: root, capabilities
    plan = without_bwrap(monkeypatch, landlock=False)
    results = results_of(isolated(STATUS, workdir).output)
    uid = int(results["Uid"][0])
    assert results["Uid"] == [str(uid)] * 4 and (uid, int(results["Gid"][0])) in plan.users
    assert results["Groups"] == [] and results["NoNewPrivs"] == ["1"]
    assert all(int(results[key][0], 16) == 0 for key in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"))


def test_without_bwrap_what_is_root_s_alone_stays_out_of_reach(monkeypatch, workdir, naive_dir, victim):
    """Gradescope's layout: the source folder (reference, secret) is root's alone, 0700, and the results folder
    root's; a sandbox user can neither read the one nor write the other, nor signal a root process."""
    source = Path(tempfile.mkdtemp(prefix="seqlab-test-source-"))  # in /tmp: nothing above it is closed
    results_dir = Path(str(source) + "-results")
    try:
        (source / "secret").write_text("the course secret")
        results_dir.mkdir(mode=0o755)
        os.chmod(source, 0o700)
        code = snippet(
            """
            import signal
            secret, results_dir, *pids = sys.stdin.read().split()
            attempt("read secret", lambda: open(secret).read())
            attempt("list source", lambda: os.listdir(os.path.dirname(secret)))
            attempt("fake results", lambda: open(os.path.join(results_dir, "results.json"), "w").write("{}"))
            for pid in pids:
                attempt(f"kill {pid}", lambda: os.kill(int(pid), signal.SIGKILL))
            report()
            """
        )
        naive_run = results_of(naive(code, naive_dir, stdin=f"{source / 'secret'} {results_dir} {victim.pid}".encode()).stdout)
        assert naive_run == {"read secret": "ok:'the course secret'", "list source": "ok:['secret']",
                             "fake results": "ok:2", f"kill {victim.pid}": "ok:None"}  # naively, as root: all of it
        (results_dir / "results.json").unlink()
        without_bwrap(monkeypatch, landlock=False)
        other = subprocess.Popen([PY, "-I", "-S", "-c", "import time; time.sleep(60)"])
        try:
            request = f"{source / 'secret'} {results_dir} {other.pid} {os.getpid()}".encode()
            results = results_of(isolated(code, workdir, stdin=request).output)
            assert other.poll() is None
        finally:
            other.kill()
            other.wait()
        assert results == {"read secret": "PermissionError", "list source": "PermissionError",
                           "fake results": "PermissionError", f"kill {other.pid}": "PermissionError",
                           f"kill {os.getpid()}": "PermissionError"}
        assert not (results_dir / "results.json").exists()
    finally:
        shutil.rmtree(source)
        shutil.rmtree(results_dir, ignore_errors=True)


SIBLING = snippet(
    """
    import glob, time
    role, token = sys.stdin.read().split()
    if role == "victim":  # keeps its work in its own folder and checks it after a while
        open("mine.txt", "w").write(token)
        print("ready", flush=True)
        time.sleep(1.5)
        attempt("intact", lambda: open("mine.txt").read() == token)
    else:  # looks for the victim's folder in the shared temporary folders, and writes into it
        deadline, found = time.monotonic() + 1.2, set()
        while time.monotonic() < deadline:
            for folder in glob.glob("/tmp/*") + glob.glob("/tmp/*/*") + glob.glob("/tmp/*/*/*"):
                path = os.path.join(folder, "mine.txt")
                try:
                    if open(path).read() == token:
                        open(path, "w").write("sabotaged")
                        found.add(path)
                except OSError:
                    pass
            time.sleep(0.05)
        results["sabotaged"] = len(found)
    report()
    """
)


def test_without_bwrap_concurrent_children_cannot_reach_each_other(monkeypatch, tmp_path):
    """Each child works in a folder of its own user, 0700: a sibling running at the same time can neither read
    nor write it (naively, children of one uid can)."""
    token = uuid.uuid4().hex
    shared = Path(tempfile.mkdtemp(prefix="seqlab-test-naive-"))  # where a naive grader's children work: /tmp
    try:
        (shared / "victim").mkdir()
        (shared / "saboteur").mkdir()
        victim_proc = subprocess.Popen([PY, "-I", "-S", "-c", SIBLING], cwd=shared / "victim", stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE)
        victim_proc.stdin.write(f"victim {token}".encode())
        victim_proc.stdin.close()
        assert victim_proc.stdout.readline() == b"ready\n"
        saboteur = naive(SIBLING, shared / "saboteur", stdin=f"saboteur {token}".encode())
        assert results_of(saboteur.stdout) == {"sabotaged": 1}  # naively it found and overwrote the file
        assert results_of(victim_proc.stdout.read()) == {"intact": "ok:False"}
        victim_proc.wait()
    finally:
        shutil.rmtree(shared)
    without_bwrap(monkeypatch, landlock=False)
    works = [tmp_path / "victim", tmp_path / "saboteur"]
    for work in works:
        work.mkdir()
    with ThreadPoolExecutor(2) as pool:
        victim_run = pool.submit(isolated, SIBLING, works[0], stdin=f"victim {token}".encode())
        time.sleep(0.3)
        saboteur_run = pool.submit(isolated, SIBLING, works[1], stdin=f"saboteur {token}".encode())
        assert results_of(saboteur_run.result().output) == {"sabotaged": 0}
        assert results_of(victim_run.result().output) == {"intact": "ok:True"}
    assert (works[0] / "mine.txt").read_text() == token  # given back to the caller's folder afterwards


def test_without_bwrap_what_a_sandbox_user_leaves_in_tmp_is_removed(monkeypatch, workdir):
    without_bwrap(monkeypatch, landlock=False)
    name = f"/tmp/seqlab-test-leftover-{uuid.uuid4().hex}"
    outcome = isolated(f"import os\nos.mkdir({name!r})\nopen({name!r} + '/note', 'w').write('for the next child')",
                       workdir)
    assert outcome.returncode == 0, outcome.output
    assert not os.path.exists(name)


def test_with_landlock_the_repository_and_tmp_are_out_of_reach(monkeypatch, workdir, naive_dir):
    """Without bubblewrap, Landlock (where the kernel has it) holds the child to its interpreter, the numpy site,
    the system's libraries and its own folder: the repository's answer key, /proc and /tmp are closed to it,
    although they are readable by every user."""
    code = snippet(
        """
        for path in sys.stdin.read().split():
            attempt(path, (lambda: len(os.listdir(path))) if os.path.isdir(path) else (lambda: len(open(path).read())))
        attempt("numpy", lambda: int(__import__("numpy").arange(4).sum()))
        attempt("write here", lambda: open("here.txt", "w").write("x"))
        report()
        """
    )
    paths = [str(REPO / "solutions" / "gru.py"), str(REPO / "reference"), "/proc/1/cmdline", "/tmp", "/etc/passwd"]
    naive_run = results_of(naive(code, naive_dir, stdin=" ".join(paths).encode()).stdout)
    assert all(naive_run[p].startswith("ok:") for p in paths), naive_run
    without_bwrap(monkeypatch, landlock=True)
    results = results_of(isolated(code, workdir, stdin=" ".join(paths).encode()).output)
    assert {p: results.pop(p) for p in paths} == {p: "PermissionError" for p in paths}
    assert results == {"numpy": "ok:6", "write here": "ok:1"}
