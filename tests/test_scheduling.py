"""Class grading's scheduler (seqlab.course.scheduling): `workers` students at once, more while cores sit idle (a
child that waits holds none), so that waiting children do not hold up working ones."""

import shutil
from pathlib import Path

import pytest

from benchmarks.class_generator import BLOCKING, hang_entry
from seqlab.course import classroom
from seqlab.course.scheduling import Admission, IdleMeter
from seqlab.grading.registry import EXERCISES

REPO = Path(__file__).resolve().parents[1]


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Meter:
    def __init__(self, idle):
        self.idle = idle

    def idle_cores(self):
        return self.idle


def test_workers_start_at_once_and_more_only_while_cores_sit_idle():
    clock, meter = Clock(), Meter(2.0)
    admission = Admission(workers=2, most=4, meter=meter, spacing=0.5, clock=clock)
    assert admission.wanted(0, True) and admission.wanted(1, False)  # up to `workers`: no measurement needed
    assert not admission.wanted(2, True)  # no measurement yet
    admission.measure()
    assert not admission.wanted(2, False)  # idle cores, but a worker is still starting: it will use them
    assert admission.wanted(2, True)  # idle cores with every student begun: one of them waits
    assert not admission.wanted(3, True)  # a fresh measurement first (and the spacing)
    admission.measure()
    assert not admission.wanted(3, True)  # the spacing
    clock.now += 0.6
    assert admission.wanted(3, True)
    clock.now += 0.6
    admission.measure()
    assert not admission.wanted(4, True)  # `most` in flight
    meter.idle = 0.3  # the cores are busy (with our students or anybody's): no extra student
    admission.measure()
    assert not admission.wanted(3, True)
    assert (admission.extra, admission.peak) == (2, 4)


def test_without_a_measurement_no_extra_student_is_started():
    admission = Admission(workers=1, most=4, meter=Meter(None), clock=Clock())
    admission.measure()
    assert not admission.wanted(1, True)


def test_idle_cores_are_read_from_proc_stat_for_the_usable_cores(tmp_path):
    stat = tmp_path / "stat"

    def write(cpu0, cpu1, cpu2):  # user nice system idle iowait irq softirq steal
        stat.write_text("cpu  1 2 3 4 5 6 7 8\n" + "".join(
            f"cpu{k} {' '.join(map(str, v))} 0 0\n" for k, v in enumerate((cpu0, cpu1, cpu2))) + "intr 1 2\n")

    write((100, 0, 0, 100, 0, 0, 0, 0), (100, 0, 0, 100, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0, 0, 0))
    meter = IdleMeter(cores={0, 1}, stat=str(stat))
    # cpu0 idle (idle + iowait) for 75 of its 90 jiffies, cpu1 busy for its 100; cpu2 is not ours
    write((110, 0, 5, 160, 15, 0, 0, 0), (200, 0, 0, 100, 0, 0, 0, 0), (0, 0, 0, 500, 0, 0, 0, 0))
    assert meter.idle_cores() == pytest.approx(2 * 75 / 190)
    assert IdleMeter(cores=None).idle_cores() is None  # not Linux: unknown, and so no extra student


def submission(folder: Path, names=tuple(EXERCISES), sleeping: str | None = None) -> None:
    folder.mkdir(parents=True)
    for name in names:
        shutil.copyfile(REPO / "solutions" / f"{name}.py", folder / f"{name}.py")
    if sleeping:
        path = folder / f"{sleeping}.py"
        path.write_text(path.read_text() + BLOCKING["sleep"] + hang_entry(sleeping))


def test_waiting_students_do_not_hold_up_working_ones(tmp_path, monkeypatch):
    """Two students whose children sleep until the wall limit are started first; with idle cores the scheduler
    starts the next two beside them (one exercise each, the others missing), and those finish first. The old
    rule, `workers` students at a time whatever they do, would grade them after the sleepers."""
    monkeypatch.setattr(classroom, "grader_hash", lambda: "grader-under-test")
    subs = tmp_path / "submissions"
    submission(subs / "a1", sleeping="gru")
    submission(subs / "a2", sleeping="attention")
    submission(subs / "b1", names=["gradient_clipping"])
    submission(subs / "b2", names=["gradient_clipping"])
    monkeypatch.setattr(classroom, "Admission",
                        lambda *args, **kw: Admission(*args, **kw, meter=Meter(2.0), spacing=0.0))
    result = classroom.grade_class(subs, tmp_path / "out", workers=2, wall_seconds=6.0, progress=False)
    assert sorted(result.graded) == ["a1", "a2", "b1", "b2"] and not result.failed
    assert sorted(result.graded[:2]) == ["b1", "b2"] and result.extra_started == 2 and result.most_in_flight == 4
    settings = classroom.manifest(tmp_path / "out")
    assert settings["last_run"]["extra_started"] == 2 and settings["cpu_seconds"] == 1
