"""``nbgrader export`` for this course: nbgrader's CSV, a ``status`` column, and no score that is not the latest
submission's (nbgrader_config.py sets ``ExportApp.plugin_class`` to ``SeqlabCsvExport``).

    assignment,duedate,timestamp,student_id,last_name,first_name,email,raw_score,late_submission_penalty,score,
    max_score,status

``status`` says what each row's score is:

    graded                          autograded from the latest submission (and, when they apply: "N repairs
                                    before grading", "no timestamp.txt", "P points still to grade by hand")
    not graded: <why>               the latest submission earned nothing because it could not be graded, e.g.
                                    "rnn_to_attention.ipynb is not a notebook (...)"; its scores are 0
    latest submission not graded    the gradebook's submission has no seqlab result for its timestamp (an
                                    autograde failed, or was never run, after the last collect): the score
                                    columns are empty rather than an older submission's
    no submission                   nothing collected for this student

The record read for every notebook is ``autograded/<student>/<assignment>/<notebook>.seqlab.json``, which
``GradeWithSeqlab`` writes for each graded submission and ``seqlab nbgrade-autograde`` for one it could not grade.
The CSV is written with the csv module (a status with a comma stays one field).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin

from seqlab.course.nbgrade.preprocessors import record_path

COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score",
           "late_submission_penalty", "score", "max_score", "status"]


def read_record(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _manual_left(submission) -> float:
    return sum(grade.max_score for notebook in submission.notebooks for grade in notebook.grades
               if grade.needs_manual_grade)


def submission_status(coursedir, gradebook, assignment, student_id: str) -> tuple[str, object | None, str]:
    """(status, the gradebook's submission when its scores are the latest submission's or None, the timestamp of
    a submission that left only a record)."""
    records = {nb.name: read_record(record_path(coursedir, student_id, assignment.name, nb.name))
               for nb in assignment.notebooks}
    try:
        submission = gradebook.find_submission(assignment.name, student_id)
    except MissingEntry:
        failed = [r for r in records.values() if r and r.get("status", "").startswith("not graded")]
        return (failed[0]["status"], None, failed[0].get("timestamp") or "") if failed else ("no submission", None, "")
    timestamp = submission.timestamp.isoformat() if submission.timestamp is not None else None
    stale = [name for name, record in records.items() if record is None or record.get("timestamp") != timestamp]
    if stale:
        return (f"latest submission not graded: no seqlab autograde of {', '.join(stale)} for the submission of "
                f"{timestamp or 'unknown time'} (run `seqlab nbgrade-autograde {assignment.name} --student "
                f"{student_id}`)"), None, timestamp or ""
    failed = [r["status"] for r in records.values() if not r.get("status", "").startswith("graded")]
    if failed:
        return failed[0], submission, ""
    parts = ["graded"]
    repairs = sum(len(r.get("repairs", [])) for r in records.values())
    if repairs:
        parts.append(f"{repairs} repair{'s' if repairs != 1 else ''} before grading")
    if timestamp is None:
        parts.append("no timestamp.txt (no late penalty computed)")
    left = _manual_left(submission)
    if left:
        parts.append(f"{left:g} points still to grade by hand")
    return "; ".join(parts), submission, ""


class SeqlabCsvExport(ExportPlugin):
    """nbgrader's CSV export with a status column; see the module docstring."""

    def export(self, gradebook) -> None:
        dest = self.to or "grades.csv"
        coursedir = self.parent.coursedir
        students = {str(s) for s in self.student}
        assignments = {str(a) for a in self.assignment}
        self.log.info("Exporting grades to %s", dest)
        with open(dest, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for assignment in gradebook.assignments:
                if assignments and assignment.name not in assignments:
                    continue
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    status, submission, timestamp = submission_status(coursedir, gradebook, assignment, student.id)
                    row = {"assignment": assignment.name, "duedate": assignment.duedate or "",
                           "student_id": student.id, "last_name": student.last_name or "",
                           "first_name": student.first_name or "", "email": student.email or "",
                           "max_score": assignment.max_score, "status": status,
                           "timestamp": timestamp, "raw_score": "", "late_submission_penalty": "", "score": ""}
                    if submission is not None:
                        penalty = submission.late_submission_penalty or 0.0
                        row.update(timestamp=submission.timestamp or "", raw_score=submission.score,
                                   late_submission_penalty=penalty, score=max(0.0, submission.score - penalty))
                    elif status in ("no submission",) or status.startswith("not graded"):
                        row.update(raw_score=0.0, late_submission_penalty=0.0, score=0.0)
                    writer.writerow([row[key] for key in COLUMNS])
