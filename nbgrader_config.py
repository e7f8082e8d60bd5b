"""nbgrader configuration of the seqlab course (this folder is the course root). See docs/nbgrader.md.

    solutions/<assignment>/<assignment>.ipynb   instructor notebook, generated from solutions/*.py (`seqlab notebooks`)
    exercises/<assignment>/<assignment>.ipynb   student notebook (`nbgrader generate_assignment`), committed
    submitted/ autograded/ feedback/ gradebook.db exchange/   nbgrader's working files (git-ignored)

Differences from a stock nbgrader course, and why:
* autograde first repairs each submission against the released notebook (restores read-only and test cells and
  their metadata, drops nbgrader metadata from copies and forged cells, restores deleted cells) and lists the
  repairs in the notebook, so what students do to notebooks never rejects a submission whole;
* autograde never executes a submission: seqlab's preprocessor grades the answer cells, read statically, with
  the kit's isolated grader on the student's official inputs, and writes the scores into the test cells;
* `nbgrader export` adds a status column and never exports a score that is not the latest submission's;
* `nbgrader release_feedback` releases everyone's feedback that can be fetched and skips the rest, one line each;
* hidden tests are removed from autograded notebooks and feedback;
* only notebooks (and the exchange's timestamp.txt) are ever copied: no .py file of solutions/ reaches a release,
  and no instructor file overwrites a student's.
"""

import os
import sys

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:  # seqlab (the preprocessors below) is importable without installing it
    sys.path.insert(0, HERE)
# The first gradebook creation runs `alembic` as a subprocess: make this Python's bin folder (the venv's) findable
# even when the venv is not activated.
_BIN = os.path.dirname(sys.executable)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join(filter(None, [_BIN, os.environ.get("PATH")]))

# --- course layout ---------------------------------------------------------------------------------------------
c.CourseDirectory.root = HERE
c.CourseDirectory.course_id = os.environ.get("SEQLAB_COURSE_ID", "seqlab")
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.solution_directory = "solution"
# The exchange copies notebooks only, and the two files nbgrader's submit adds (timestamp.txt: the submission
# time, for late penalties; submission_secret.txt: which feedback belongs to whom). No step copies a .py file
# (the assignment folders hold only notebooks, and tests/test_nbgrader_notebooks.py checks it).
c.CourseDirectory.include = ["*.ipynb", "timestamp.txt", "submission_secret.txt"]
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.py"]

# The exchange (release_assignment, fetch, submit, collect): inside the course by default; a shared folder that
# students can reach when set, e.g. SEQLAB_NBGRADER_EXCHANGE=/srv/nbgrader/exchange (made by root, see
# docs/nbgrader.md). nbgrader wants its root writable by everyone (mode 777, which release_assignment otherwise
# sets itself, with a warning); the sticky bit (1777, as on /tmp) keeps users from removing each other's folders.
# Inside it, nbgrader makes the course folder 755 and inbound/ 2733: students can submit, not read submissions.
EXCHANGE_MODE = 0o1777
c.Exchange.root = os.environ.get("SEQLAB_NBGRADER_EXCHANGE") or os.path.join(HERE, "exchange")
if not os.environ.get("SEQLAB_NBGRADER_EXCHANGE") and not os.path.isdir(c.Exchange.root):
    try:  # nbgrader refuses to start an exchange step without it
        os.makedirs(c.Exchange.root)
        os.chmod(c.Exchange.root, EXCHANGE_MODE)  # makedirs' mode is cut by the umask
    except FileExistsError:
        pass  # made by a concurrent nbgrader command

# --- executing notebooks (nbgrader validate; never autograde) -------------------------------------------------
c.Execute.timeout = 60  # seconds per cell
c.Execute.interrupt_on_timeout = True
c.Execute.kernel_name = "python3"
c.ExecutePreprocessor.kernel_name = "python3"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}  # = seqlab stubs
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# --- autograde: repaired, then graded statically by seqlab, in its sandbox, not executed -------------------------
c.Autograde.sanitize_preprocessors = [
    "seqlab.course.nbgrade.preprocessors.RepairSubmission",  # first: nbgrader's own steps then find nothing to reject
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "seqlab.course.nbgrade.preprocessors.GradeWithSeqlab",  # replaces nbgrader's Execute
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.OverwriteCells.add_missing_cells = True  # RepairSubmission restores deleted cells first; this stays as a backstop
c.GradeWithSeqlab.timeout = float(os.environ.get("SEQLAB_NB_TIMEOUT", "10"))  # wall-clock seconds per exercise
c.GradeWithSeqlab.inputs = "official"  # each student's inputs from the course secret (.seqlab/secret)

# --- export and feedback: a status for every row; feedback for everyone; no hidden tests, ever ---------------------
c.ExportApp.plugin_class = "seqlab.course.nbgrade.export.SeqlabCsvExport"
c.ExchangeFactory.release_feedback = "seqlab.course.nbgrade.exchange.ReleaseFeedbackForEveryone"
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "seqlab.course.nbgrade.preprocessors.StripHiddenTests",
]

# --- late submissions (see docs/nbgrader.md): no penalty unless set, e.g. -----------------------------------------
# c.LateSubmissionPlugin.penalty_method = "zero"
