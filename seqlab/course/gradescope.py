"""A Gradescope autograder archive that grades with seqlab's own isolated grader, on official inputs.

    seqlab secret --create                           once per course: the secret the official inputs come from
    seqlab gradescope autograder.zip [--require-sandbox]

writes a zip with, at its root (Gradescope unpacks it into /autograder/source):

    setup.sh            run once, as root, when Gradescope builds the image: Python >= 3.11 with numpy in
                        /autograder/venv, then bubblewrap and the sandbox users (install-sandbox.sh)
    run_autograder      run for every submission: makes the archive's files root's alone, then grades
                        /autograder/submission and writes /autograder/results/results.json; built with
                        --require-sandbox it sets SEQLAB_SANDBOX=required (no grading without bubblewrap)
    seqlab/             the grader (a sandboxed child, a process per exercise, judged after it exited)
    reference/          the trusted math the answers are computed with
    exercises/<assignment>/*.ipynb   the released notebook, when there is one (notebook submissions)
    .seqlab/secret      the course secret: each student's official inputs (seqlab.grading.seeds.official)
    gradescope.json     settings: wall-clock limit, assignment, which user field names the student

The archive runs on Gradescope's servers, never on a student's machine; still, it holds the secret and the
reference: give it to Gradescope only. The answer key (solutions/) and the kit's tests are not in it.

results.json follows Gradescope's autograder specification: a top-level score and output, and one test per
check (name, number, score, max_score, status, output, tags, visibility), so students see which checks failed
and why, exactly as ``seqlab grade`` would tell them.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from seqlab import __version__
from seqlab.grading import atomic
from seqlab.grading.registry import EXERCISES
from seqlab.grading.report import Report
from seqlab.grading.seeds import ASSIGNMENT

FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # every entry's timestamp: the same inputs give the same archive
CONFIG = "gradescope.json"
MAX_DEPTH = 4  # how deep a submission's folders are searched for the exercise files

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (seqlab gradescope).
# AUTOGRADER_ROOT and SEQLAB_PYTHON (an interpreter with numpy: no venv is built) exist for testing.
set -euo pipefail
cd "$(dirname "$0")"
ROOT="${AUTOGRADER_ROOT:-/autograder}"
if [ -z "${SEQLAB_PYTHON:-}" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null || true
    apt-get install -y -q --no-install-recommends python3 python3-venv python3-pip ca-certificates >/dev/null
    PY=python3
    if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        apt-get install -y -q --no-install-recommends python3.11 python3.11-venv >/dev/null
        PY=python3.11
    fi
    "$PY" -m venv "$ROOT/venv"
    "$ROOT/venv/bin/pip" install -q --upgrade pip
    "$ROOT/venv/bin/pip" install -q "numpy>=1.26"
fi
# The boundary around student code: bubblewrap and unprivileged users. Best effort: where the container forbids
# namespaces, seqlab grades as the sandbox users without bubblewrap and says so in every result
# (extra_data.protections), unless the archive was built with --require-sandbox.
bash install-sandbox.sh || echo "setup.sh: sandbox install incomplete; seqlab will report what it has" >&2
chmod -R go-rwx "$ROOT/source"
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission, as root. AUTOGRADER_ROOT and SEQLAB_PYTHON exist for testing.
set -u
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${SEQLAB_PYTHON:-$ROOT/venv/bin/python}"
chmod -R go-rwx "$ROOT/source" 2>/dev/null || true  # the reference and the secret: root's alone
mkdir -p "$ROOT/results"
export SEQLAB_SANDBOX={{SANDBOX}}  # required: no grading without the whole boundary (seqlab gradescope --require-sandbox)
cd "$ROOT/source"
PYTHONPATH="$ROOT/source" exec "$PYTHON" -c 'import sys; from seqlab.course.gradescope import autograde; sys.exit(autograde(sys.argv[1]))' "$ROOT"
"""


# ---------------------------------------------------------------------------------------------------
# Building the archive (instructor's machine)
# ---------------------------------------------------------------------------------------------------


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.external_attr = (0o100000 | mode) << 16  # a regular file with these permissions
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def _tree(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in suffixes
                  and "__pycache__" not in p.parts and not p.name.startswith("."))


def build_archive(path: Path, secret: bytes, root: Path | None = None, wall_seconds: float = 10.0,
                  assignment: str = ASSIGNMENT, require_sandbox: bool = False) -> list[str]:
    """Writes the autograder zip to `path` (atomically); returns the names it holds.

    `require_sandbox`: run_autograder sets SEQLAB_SANDBOX=required, so that a container where bubblewrap cannot
    start grades nobody (each result says why) instead of grading without the whole boundary."""
    from seqlab.grading.fingerprint import tree_hash
    from seqlab.grading.oracle import REPO_ROOT, reference_available

    root = Path(root or REPO_ROOT)
    if not reference_available(root):
        raise FileNotFoundError(f"no reference/ in {root}: the archive is built from the instructor's repository")
    sandbox = "required" if require_sandbox else "best"
    config = {"wall_seconds": wall_seconds, "assignment": assignment, "student_key": "id", "sandbox": sandbox,
              "built_with": __version__, "reference_hash": tree_hash(root / "reference")}
    files: list[tuple[str, bytes, int]] = [
        ("setup.sh", SETUP_SH.encode(), 0o755),
        ("run_autograder", RUN_AUTOGRADER.replace("{{SANDBOX}}", sandbox).encode(), 0o755),
        (CONFIG, json.dumps(config, indent=2).encode(), 0o644),
        (".seqlab/secret", secret + b"\n", 0o600),
    ]
    sandbox_script = root / ".ci" / "install-sandbox.sh"
    if sandbox_script.is_file():
        files.append(("install-sandbox.sh", sandbox_script.read_bytes(), 0o755))
    for folder, suffixes in (("seqlab", (".py", ".npz", ".json")), ("reference", (".py",))):
        for file in _tree(root / folder, suffixes):
            files.append((file.relative_to(root).as_posix(), file.read_bytes(), 0o644))
    release = root / "exercises" / assignment
    for file in sorted(release.glob("*.ipynb")) if release.is_dir() else []:
        files.append((file.relative_to(root).as_posix(), file.read_bytes(), 0o644))
    with atomic.atomic_write(Path(path), "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
        for name, data, mode in files:
            _add(archive, name, data, mode)
    return [name for name, _, _ in files]


def main_build(args) -> int:
    """seqlab gradescope OUT.zip [--secret-file F] [--timeout S] [--require-sandbox]"""
    from seqlab.grading.oracle import REPO_ROOT
    from seqlab.grading.seeds import default_secret_file, load_secret

    try:
        secret_file = Path(args.secret_file) if args.secret_file else default_secret_file(REPO_ROOT)
        names = build_archive(Path(args.zip), load_secret(secret_file), wall_seconds=args.timeout,
                              require_sandbox=args.require_sandbox)
    except (FileNotFoundError, ValueError) as exc:
        print(f"seqlab gradescope: {exc}", file=sys.stderr)
        return 2
    sandbox = ("only with bubblewrap's whole boundary (--require-sandbox)" if args.require_sandbox else
               "with the strongest sandbox the container allows (--require-sandbox: only with bubblewrap)")
    print(f"Gradescope autograder written to {args.zip} ({len(names)} files; official seeds from {secret_file}; "
          f"grades {sandbox}).")
    print("Upload it as the assignment's autograder (Configure Autograder > Zip file upload). It holds the course "
          "secret and the reference: keep it away from students.")
    return 0


# ---------------------------------------------------------------------------------------------------
# Grading on Gradescope (run_autograder)
# ---------------------------------------------------------------------------------------------------


def student_id(metadata_path: Path, key: str = "id") -> str:
    """Who submitted: the users' `key` field (group submissions: all of them, sorted, joined by '+')."""
    try:
        users = json.loads(metadata_path.read_text()).get("users") or []
    except (OSError, ValueError, AttributeError):
        users = []
    ids = sorted(str(user.get(key) or user.get("id") or "") for user in users if isinstance(user, dict))
    ids = [i.replace("/", "_") for i in ids if i]
    return "+".join(ids) or "anonymous"


def _python_files(submission: Path, max_depth: int | None = MAX_DEPTH) -> list[tuple[int, Path]]:
    """(depth, path) of every .py file below the submission folder, at most `max_depth` folders down, shallowest
    first (students upload folders too); hidden and __pycache__-like folders are skipped, links are listed."""
    found = []
    for folder, dirs, files in os.walk(submission):
        depth = len(Path(folder).relative_to(submission).parts)
        deeper = max_depth is None or depth < max_depth
        dirs[:] = sorted(d for d in dirs if deeper and not d.startswith((".", "__")))
        found += [(depth, Path(folder) / name) for name in sorted(files) if name.endswith(".py")]
    return sorted(found)


def _find(submission: Path, name: str) -> Path | None:
    """The shallowest `name` below the submission folder, at most MAX_DEPTH folders down, links included."""
    return next((path for _, path in _python_files(submission) if path.name == name), None)


def _why_missing(submission: Path, missing) -> dict[str, str]:
    """For each exercise whose file was not found: the file deeper than the search goes, or a name close to it."""
    from seqlab.grading.grader import missing_file_message

    present = sorted({path.name for _, path in _python_files(submission)})
    everywhere = _python_files(submission, max_depth=None)
    problems = {}
    for exercise in missing:
        deep = next((path for depth, path in everywhere if path.name == exercise.file_name), None)
        if deep is not None:
            where = deep.relative_to(submission)
            problems[exercise.name] = (f"{exercise.file_name} is {len(where.parts) - 1} folders down in your upload "
                                       f"({where.as_posix()}), but the autograder looks only {MAX_DEPTH} folders "
                                       f"deep: upload the file nearer the top")
        else:
            problems[exercise.name] = missing_file_message(Path("your submission"), exercise, present)
    return problems


def stage_submission(submission: Path, dest: Path, root: Path, assignment: str) -> tuple[dict[str, str], str]:
    """Copies the gradable files of a Gradescope submission into dest (modules, or notebooks' answer cells)."""
    from seqlab.course.submissions import Submission, read_regular, stage

    modules = {e.file_name: _find(submission, e.file_name) for e in EXERCISES.values()}
    if any(modules.values()):
        files = {name: read_regular(path) for name, path in modules.items() if path is not None}
        problems = stage(Submission("gradescope", "modules", submission), files, dest, root, assignment)
        problems.update(_why_missing(submission, [e for e in EXERCISES.values() if modules[e.file_name] is None]))
        return problems, "modules"
    notebooks = sorted(p for p in submission.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    files = {p.name: read_regular(p) for p in notebooks[:4]}
    if not files:  # nothing gradable: every exercise says why
        return _why_missing(submission, EXERCISES.values()), "modules"
    return stage(Submission("gradescope", "notebooks", submission), files, dest, root, assignment), "notebooks"


def to_results(report: Report, seconds: float) -> dict:
    """Gradescope's results.json from a report."""
    tests = []
    for i, (name, exercise) in enumerate(report.exercises.items(), start=1):
        title = EXERCISES[name].title if name in EXERCISES else name
        summaries = {c.name: c.summary for c in EXERCISES[name].checks} if name in EXERCISES else {}
        for j, test in enumerate(exercise.tests, start=1):
            output = summaries.get(test.name, "") if test.passed else test.message
            tests.append({"name": f"{title}: {test.name}", "number": f"{i}.{j}", "score": test.points,
                          "max_score": test.max_points, "status": "passed" if test.passed else "failed",
                          "output": output, "tags": [name], "visibility": "visible"})
    meta = report.meta
    return {
        "score": report.total,
        "execution_time": int(round(seconds)),
        "output": report.render(),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {k: meta.get(k) for k in ("grader_version", "reference_hash", "seed_kind", "student",
                                                 "protections", "submission_kind")},
    }


def autograde(root: str | Path = "/autograder") -> int:
    """Grades ROOT/submission and writes ROOT/results/results.json; exit status 0, or 1 if grading failed."""
    from seqlab.course.submissions import apply_problems
    from seqlab.grading.grader import grade
    from seqlab.grading.oracle import ReferenceOracle
    from seqlab.grading.sandbox import Limits, require_boundary, require_private_workdirs
    from seqlab.grading.seeds import load_secret, official

    root = Path(root)
    source_dir = Path(__file__).resolve().parents[2]  # /autograder/source: this archive
    results_path = root / "results" / "results.json"
    start = time.monotonic()
    try:
        require_boundary()  # built with --require-sandbox: no bubblewrap, nobody graded
        require_private_workdirs()  # official grading: never where children could reach each other
        config = json.loads((source_dir / CONFIG).read_text())
        student = student_id(root / "submission_metadata.json", config.get("student_key", "id"))
        source = official(load_secret(source_dir / ".seqlab" / "secret"), student)
        with tempfile.TemporaryDirectory(prefix="seqlab-gradescope-") as tmp:
            staging = Path(tmp)
            problems, kind = stage_submission(root / "submission", staging, source_dir, config["assignment"])
            report = grade(staging, ReferenceOracle(source_dir), source, Limits(wall_seconds=config["wall_seconds"]))
        apply_problems(report, problems, staging, Path("your submission"), keep_rerun=False)
        report.meta["submission_kind"] = kind
        results = to_results(report, time.monotonic() - start)
        status = 0
    except Exception as exc:  # the grader's own failure: say so, and never pass it off as the student's score
        results = {"score": 0, "output": f"The autograder itself failed ({type(exc).__name__}: {exc}). This says "
                                         f"nothing about your code: please tell the course staff.",
                   "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden", "tests": [],
                   "execution_time": int(round(time.monotonic() - start))}
        status = 1
    atomic.write_json(results_path, results, sort_keys=True)
    print(json.dumps({k: results.get(k) for k in ("score", "extra_data")}, indent=1))
    return status
