"""Shards (seqlab.course.shards): `class-grade --shard K/N` by a hash of the student id, `class-merge`, and the
launchers of deploy/ (a Slurm job array, a Kubernetes Indexed Job, a GitHub Actions matrix)."""

import csv
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from seqlab.course import classroom, overrides
from seqlab.course.shards import merge, parse_shard, shard_of
from seqlab.course.submissions import ClassGradingError

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
N = 3


def test_shard_arguments():
    assert (parse_shard("2/4").index, parse_shard(" 2/4 ").count) == (2, 4)
    for bad in ("0/4", "5/4", "2", "a/b", "2/0", "-1/3", ""):
        with pytest.raises(ValueError, match="K/N"):
            parse_shard(bad)


def test_a_student_s_shard_is_a_fixed_hash_of_the_id():
    # sha256 of the id: fixed values, so every machine and every version of seqlab makes the same split
    assert [shard_of(s, 4) for s in ("alice", "bob", "s000", "s017")] == [4, 3, 1, 3]
    ids = [f"student-{i}" for i in range(400)]
    shares = [sum(shard_of(s, N) == k for s in ids) for k in range(1, N + 1)]
    assert sum(shares) == len(ids) and min(shares) > 100  # a partition, roughly even
    assert all(parse_shard(f"{shard_of(s, N)}/{N}").holds(s) for s in ids)


def without_timing(report: dict) -> dict:
    """A report without what differs from one run to the next: when, how long it took, and the rerun lines (they
    name the interpreter as the PATH of the process that graded finds it: `python` or its path)."""
    report = json.loads(json.dumps(report))
    for key in ("graded_at", "grading_seconds"):
        report["meta"].pop(key)
    for exercise in report["exercises"].values():
        exercise.pop("seconds")
        for check in exercise.get("tests", []):
            check.pop("rerun", None)
    return report


def differences(merged: dict, unsharded: dict) -> list[str]:
    """The fields that differ, check by check and in meta, for a failure message that fits on a screen."""
    merged, unsharded = without_timing(merged), without_timing(unsharded)
    found = [f"meta.{key}: {merged['meta'].get(key)!r} != {unsharded['meta'].get(key)!r}"
             for key in sorted(set(merged["meta"]) | set(unsharded["meta"]))
             if merged["meta"].get(key) != unsharded["meta"].get(key)]
    for name, exercise in merged["exercises"].items():
        theirs = {t["name"]: t for t in unsharded["exercises"].get(name, {}).get("tests", [])}
        for check in exercise.get("tests", []):
            other = theirs.get(check["name"], {})
            found += [f"{name}.{check['name']}.{key}: {check.get(key)!r} != {other.get(key)!r}"
                      for key in sorted(set(check) | set(other)) if check.get(key) != other.get(key)]
    return found


def python_wrapper(folder: Path) -> Path:
    """A `python` on PATH that is this test's interpreter (the image's python, in the Kubernetes Job)."""
    folder.mkdir()
    wrapper = folder / "python"
    wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} \"$@\"\n")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return folder


def kubernetes_job(name: str) -> dict:
    [job] = list(yaml.safe_load_all((DEPLOY / "kubernetes" / name).read_text()))
    return job


@pytest.fixture(scope="module")
def sharded(generated_class, tmp_path_factory):
    """The generated class in N shards, each run by its launcher as the scheduler would: shards 1 and 2 as tasks
    0 and 1 of a Slurm array numbered from 0, shard 3 as completion index 2 of the Kubernetes Indexed Job; then
    `seqlab class-merge`."""
    root = tmp_path_factory.mktemp("shards")
    grades = root / "grades"
    # the launchers add --no-progress; one student after the other in each shard: three shards share two cores
    options = " ".join(o for o in generated_class["options"] if o != "--no-progress") + " --workers 1"
    slurm = {**os.environ, "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": str(N),
             "SEQLAB_PYTHON": sys.executable, "SEQLAB_CLASS_OPTIONS": options}
    runs = [subprocess.Popen(["bash", str(DEPLOY / "slurm" / "class-grade.sbatch"), str(generated_class["submissions"]),
                              str(grades)], cwd=REPO, env={**slurm, "SLURM_ARRAY_TASK_ID": str(task)},
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for task in (0, 1)]
    container = kubernetes_job("class-grade-job.yaml")["spec"]["template"]["spec"]["containers"][0]
    env = {**os.environ, **{e["name"]: e["value"] for e in container["env"] if "value" in e}}
    env.pop("SEQLAB_SECRET_FILE")
    env |= {"JOB_COMPLETION_INDEX": str(N - 1), "SEQLAB_SHARDS": str(N), "SUBMISSIONS": str(generated_class["submissions"]),
            "GRADES": str(grades), "SEQLAB_CLASS_OPTIONS": options,
            "SEQLAB_SANDBOX": os.environ.get("SEQLAB_SANDBOX", "best"),
            "PATH": f"{python_wrapper(root / 'bin')}{os.pathsep}{os.environ['PATH']}"}
    runs.append(subprocess.Popen([*container["command"], *container["args"]], cwd=REPO, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for run in runs:
        output, _ = run.communicate(timeout=300)
        assert run.returncode == 0, output
    outputs = [grades / f"shard-{k}" for k in range(1, N + 1)]
    done = subprocess.run([sys.executable, "-m", "seqlab", "class-merge", *outputs, "--out", root / "merged"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return {"outputs": outputs, "merged": root / "merged", "root": root}


def test_shards_and_merge_equal_the_unsharded_run(generated_class, sharded):
    students = sorted(generated_class["described"])
    held = [sorted(p.stem for p in (out / "graded").glob("*.json")) for out in sharded["outputs"]]
    assert all(held) and sorted(sum(held, [])) == students  # every shard graded some, each student once
    for k, names in enumerate(held, start=1):
        assert all(shard_of(s, N) == k for s in names)
        assert classroom.manifest(sharded["outputs"][k - 1])["shard"] == f"{k}/{N}"
    unsharded, merged = generated_class["out"], sharded["merged"]
    for folder in ("graded", "reports"):
        for student in students:
            one = json.loads((unsharded / folder / f"{student}.json").read_text())
            other = json.loads((merged / folder / f"{student}.json").read_text())
            assert without_timing(other) == without_timing(one), (folder, student, differences(other, one))
    assert (merged / "grades.csv").read_text() == (unsharded / "grades.csv").read_text()
    settings = classroom.manifest(merged)
    assert settings["merged_from"] == [str(p) for p in sharded["outputs"]] and settings["shard"] is None
    assert [run["shard"] for run in settings["runs"]] == [f"{k}/{N}" for k in range(1, N + 1)]


def copy_outputs(sharded, dest: Path) -> list[Path]:
    return [Path(shutil.copytree(out, dest / out.name)) for out in sharded["outputs"]]


def test_merge_refuses_a_student_graded_differently_and_keeps_one_graded_alike(sharded, tmp_path):
    first, second, third = copy_outputs(sharded, tmp_path)
    student = sorted(p.stem for p in (first / "graded").glob("*.json"))[0]
    shutil.copy(first / "graded" / f"{student}.json", second / "graded")  # the same result, twice: one is kept
    result = merge([first, second, third], tmp_path / "alike")
    assert result.duplicates == [student] and result.sources[student] == first
    report = json.loads((second / "graded" / f"{student}.json").read_text())
    check = next(t for e in report["exercises"].values() for t in e["tests"] if t["passed"])
    check["passed"], check["points"] = False, 0  # another verdict
    (second / "graded" / f"{student}.json").write_text(json.dumps(report))
    done = subprocess.run([sys.executable, "-m", "seqlab", "class-merge", first, second, third, "--out",
                           tmp_path / "refused"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and f"{student}: {first}" in done.stderr and "graded differently" in done.stderr
    assert not (tmp_path / "refused").exists()  # nothing was merged


def test_merge_takes_every_override_and_refuses_two_different_ones(sharded, tmp_path):
    first, second, third = copy_outputs(sharded, tmp_path)
    student = sorted(p.stem for p in (second / "graded").glob("*.json"))[0]
    classroom.override(second, student, "gru", 20, "oral exam")
    merged = merge([first, second, third], tmp_path / "merged")
    assert merged.students and json.loads((tmp_path / "merged" / "overrides.json").read_text())[student]["gru"]["score"] == 20
    final = json.loads((tmp_path / "merged" / "reports" / f"{student}.json").read_text())
    assert final["exercises"]["gru"]["score"] == 20 and final["exercises"]["gru"]["override"]["reason"] == "oral exam"
    with open(tmp_path / "merged" / "grades.csv", newline="") as handle:
        assert {r["student"]: r for r in csv.DictReader(handle)}[student]["overridden"] == "yes"
    overrides.set_override(third, student, "gru", 5, "another opinion")
    with pytest.raises(ClassGradingError, match=f"two different overrides of {student}/gru"):
        merge([first, second, third], tmp_path / "again")


def test_merge_refuses_outputs_graded_with_other_settings(sharded, tmp_path):
    first, second, _ = copy_outputs(sharded, tmp_path)
    settings = json.loads((second / "class.json").read_text())
    (second / "class.json").write_text(json.dumps(settings | {"cpu_seconds": 2}))
    with pytest.raises(ClassGradingError, match="different cpu_seconds"):
        merge([first, second], tmp_path / "merged")
    with pytest.raises(ClassGradingError, match="not empty"):
        merge([first], first.parent)
    with pytest.raises(ClassGradingError, match="no class grading"):
        merge([first, tmp_path / "nowhere"], tmp_path / "merged")


def test_the_launchers_parse_and_agree_on_the_number_of_shards():
    for script in (*DEPLOY.glob("*/*.sh"), *DEPLOY.glob("*/*.sbatch")):
        done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert done.returncode == 0, (script, done.stderr)
    job = kubernetes_job("class-grade-job.yaml")
    spec = job["spec"]
    env = {e["name"]: e.get("value") for e in spec["template"]["spec"]["containers"][0]["env"]}
    assert (job["kind"], spec["completionMode"]) == ("Job", "Indexed")
    assert spec["completions"] == spec["parallelism"] == int(env["SEQLAB_SHARDS"])
    assert env["SEQLAB_SANDBOX"] == "required"
    merge_job = kubernetes_job("class-merge-job.yaml")
    assert "class-merge" in merge_job["spec"]["template"]["spec"]["containers"][0]["args"][0]
    workflow = yaml.safe_load((DEPLOY / "github-actions" / "class-grade.yml").read_text())
    grade, merged = workflow["jobs"]["grade"], workflow["jobs"]["merge"]
    assert grade["strategy"]["matrix"]["shard"] == list(range(1, len(grade["strategy"]["matrix"]["shard"]) + 1))
    step = next(s["run"] for s in grade["steps"] if "class-grade" in s.get("run", ""))
    assert "${{ strategy.job-index }}" in step and '--shard "$k/${{ strategy.job-total }}"' in step
    assert merged["needs"] == "grade" and any("class-merge" in s.get("run", "") for s in merged["steps"])


def test_the_slurm_submission_chains_the_merge_after_the_array(tmp_path):
    """deploy/slurm/submit.sh with an `sbatch` that records what it is asked."""
    log = tmp_path / "sbatch.log"
    fake = python_wrapper(tmp_path / "bin").parent / "bin" / "sbatch"
    fake.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$*\" >> {log}\necho 4242\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}", "SEQLAB_PYTHON": "py"}
    done = subprocess.run(["bash", str(DEPLOY / "slurm" / "submit.sh"), "subs", "grades", "5"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    array, merged = log.read_text().splitlines()
    assert array.startswith("--parsable --array=1-5 ") and array.endswith("class-grade.sbatch subs grades")
    assert "--dependency=afterany:4242" in merged
    assert "py -m seqlab class-merge grades/shard-* --out grades/class && py -m seqlab class-report grades/class" in merged
