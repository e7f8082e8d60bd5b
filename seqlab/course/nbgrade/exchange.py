"""``nbgrader release_feedback`` for a whole class, whatever came back with each submission.

nbgrader's own ``ExchangeReleaseFeedback`` reads ``timestamp.txt`` and ``submission_secret.txt`` from every
``feedback/<student>/<assignment>/`` and stops at the first one missing (a FileNotFoundError: nobody gets
feedback). A submission placed in ``submitted/`` by hand has no ``submission_secret.txt`` (only
``nbgrader submit`` writes it), and one without ``timestamp.txt`` has none to copy. ``ReleaseFeedbackForEveryone``
(nbgrader_config.py: ``ExchangeFactory.release_feedback``) releases the feedback of every student who has what
``fetch_feedback`` needs, and skips the others with one line each that says what is missing and where their
feedback is; the step fails only when it released nothing although there was feedback to release.

What ``fetch_feedback`` needs is the secret: the released file is named by a hash of it and the notebook's name,
which the student's own copy of the submission recomputes. The timestamp only labels the log line. A notebook
the student saved under another name (graded as the expected one, ``seqlab nbgrade-autograde``) is released
under that name too, so that the student's copy finds it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from glob import glob
from pathlib import Path

from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.utils import notebook_hash

from seqlab.course.nbgrade.preprocessors import record_path


class ReleaseFeedbackForEveryone(ExchangeReleaseFeedback):
    """Releases every student's feedback that can be fetched; one line for each that cannot."""

    def copy_files(self):
        excluded = set(filter(None, (self.coursedir.student_id_exclude or "").split(",")))
        pattern = re.escape(os.path.sep).join([
            self.coursedir.format_path(self.coursedir.feedback_directory, "(?P<student_id>.*)",
                                       self.coursedir.assignment_id, escape=True),
            "(?P<notebook_id>.*).html"])
        released, skipped = 0, []
        for html_file in sorted(glob(os.path.join(self.src_path, "*.html"))):
            match = re.match(pattern, html_file)
            if match is None:
                self.log.error("Could not match '%s' with regexp '%s'", html_file, pattern)
                continue
            student, notebook = match["student_id"], match["notebook_id"]
            if student in excluded:
                continue
            folder = os.path.dirname(html_file)
            secret_file = os.path.join(folder, "submission_secret.txt")
            if not os.path.isfile(secret_file):
                skipped.append(student)
                self.log.warning("Skipping %s/%s: no submission_secret.txt (the submission did not come through "
                                 "`nbgrader submit`); give the student %s directly", student, notebook, html_file)
                continue
            secret = Path(secret_file).read_text()
            timestamp_file = Path(folder) / "timestamp.txt"
            timestamp = timestamp_file.read_text().strip() if timestamp_file.is_file() else "no timestamp.txt"
            for name in [notebook] + self._submitted_as(student, notebook):
                checksum = notebook_hash(secret=secret, notebook_id=name)
                temporary = os.path.join(self.dest_path, f"{checksum}-tmp.html")
                shutil.copy(html_file, temporary)
                shutil.move(temporary, os.path.join(self.dest_path, f"{checksum}.html"))  # atomic for fetch_feedback
            released += 1
            self.log.info("Released feedback for student '%s' on assignment '%s/%s/%s' (%s)", student,
                          self.coursedir.course_id, self.coursedir.assignment_id, notebook, timestamp)
        self.log.info("Released feedback for %d notebook(s); skipped %d: %s", released, len(skipped),
                      ", ".join(skipped) or "none")
        if skipped and not released:
            self.fail(f"no feedback could be released: none of {', '.join(skipped)} has a submission_secret.txt")

    def _submitted_as(self, student: str, notebook: str) -> list[str]:
        """The name the student's own copy has, when the notebook was graded under another (seqlab's record)."""
        path = record_path(self.coursedir, student, self.coursedir.assignment_id, notebook)
        try:
            renamed = json.loads(path.read_text(encoding="utf-8")).get("renamed_from")
        except (OSError, ValueError, AttributeError):
            return []
        return [os.path.splitext(renamed)[0]] if isinstance(renamed, str) and renamed.endswith(".ipynb") else []
