"""The pytest front door: ``pytest --seqlab [DIR]`` grades a submission folder, one test item per check.

    pytest --seqlab solutions                    every check of solutions/*.py, with its points
    pytest --seqlab exercises -k gru -x          pytest's own selection and options work on the checks
    pytest --seqlab exercises exercises/gru.py::step_float64        one check, by its node id
    pytest --seqlab=SUB --seqlab-official --seqlab-student=ada      official inputs (instructors)

Registered for pytest (entry point ``pytest11``, named ``seqlab``: ``-p no:seqlab`` disables it, ``-p seqlab``
loads it where plugin autoloading is off) and inactive unless ``--seqlab`` is given: without it this module adds
its options and nothing else. With it, pytest collects the submission folder only (not ``testpaths``,
not the folder's own files): one ``ExerciseModule`` per exercise of the registry (node id ``<DIR>/<name>.py``,
relative to pytest's rootdir), one ``CheckItem`` per check (``<DIR>/<name>.py::<check>``). A folder named in the
ini's ``addopts`` is relative to the ini file, one given on the command line to where pytest runs.

The plugin decides nothing. The first item to run grades every selected check at once through the grading core
(``seqlab.grading.grader.grade_selection``: one sandboxed child for the submission, a process per exercise,
judged by this trusted process after the child has exited, exactly as ``seqlab grade``); each item then passes or fails with its own ``CheckResult``:
its message as the failure (no traceback), its points as ``user_properties`` (JUnit XML properties), the score
table in the terminal summary, ``--seqlab-json PATH`` for the JSON report.

Nothing in the submission folder is collected or loaded: no conftest.py is loaded (``--noconftest`` is forced:
the checks need none), only the registry's exercise modules become nodes (their files are read by the grader's
children only), and nothing of the folder is put on sys.path. Its pytest.ini or pyproject.toml must not become
pytest's configuration either, but pytest chooses its configuration from the words on the command line that look
like paths before it loads any plugin, and ``--seqlab SUBMISSION`` (two words) looks like one: an official run
therefore insists on ``--seqlab=SUBMISSION`` (one word), and refuses test paths and a rootdir, config file or
working folder inside the submission.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

DEFAULT_FOLDER = "exercises"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("seqlab", "seqlab grading (one test per check, with its points)")
    group.addoption("--seqlab", nargs="?", const=DEFAULT_FOLDER, default=None, metavar="DIR",
                    help=f"grade the exercise modules in DIR (default {DEFAULT_FOLDER}/): one test per check")
    group.addoption("--seqlab-json", metavar="PATH", help="with --seqlab: also write the JSON report to PATH")
    group.addoption("--seqlab-timeout", type=float, default=10.0, metavar="SECONDS",
                    help="with --seqlab: wall-clock seconds per exercise (default 10)")
    group.addoption("--seqlab-official", action="store_true",
                    help="with --seqlab: inputs from the course's secret seed (instructors)")
    group.addoption("--seqlab-student", metavar="ID", help="student id for --seqlab-official")
    group.addoption("--seqlab-secret-file", metavar="F",
                    help="grading secret for --seqlab-official (default: .seqlab/secret or $SEQLAB_SECRET_FILE)")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """Before pytest loads any conftest.py: none is loaded when grading (one in the submission would run in
    this process and could rewrite every report)."""
    if early_config.known_args_namespace.seqlab is not None:
        early_config.known_args_namespace.noconftest = True


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("seqlab") is None:
        given = [name for name in ("--seqlab-json", "--seqlab-official", "--seqlab-student", "--seqlab-secret-file")
                 if config.getoption(name)]
        if given:
            raise pytest.UsageError(f"{', '.join(given)} needs --seqlab DIR")
        return
    config.pluginmanager.register(Grading(config), "seqlab-grading")


def _given_on_command_line(config: pytest.Config) -> bool:
    """Whether --seqlab came from the command line (or PYTEST_ADDOPTS) rather than the ini file's addopts."""
    args = [*config.invocation_params.args, *shlex.split(os.environ.get("PYTEST_ADDOPTS", ""))]
    return any(arg == "--seqlab" or arg.startswith("--seqlab=") for arg in args)


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


class Grading:
    """What one pytest session grades (folder, oracle, inputs, limits) and, once graded, the report."""

    def __init__(self, config: pytest.Config):
        from seqlab.grading.oracle import REPO_ROOT, default_oracle
        from seqlab.grading.sandbox import Limits
        from seqlab.grading.seeds import PUBLIC, default_secret_file, load_secret, official

        self.config = config
        value = config.getoption("seqlab")
        self.on_command_line = _given_on_command_line(config)
        base = config.invocation_params.dir if self.on_command_line or config.inipath is None else config.inipath.parent
        self.path = (base / value).absolute()
        if not self.path.is_dir():
            hint = ""
            if "::" in value or value.endswith(".py"):
                folder = Path(value.split("::")[0]).parent
                hint = (f"; --seqlab takes the folder, a check's node id comes after it: "
                        f"pytest --seqlab {folder} {value}")
            raise pytest.UsageError(f"--seqlab: no folder {value} (looked for {self.path}){hint}")
        # The folder as the user wrote it (what `seqlab grade` records in the report), or absolute.
        self.folder = Path(value) if self.on_command_line else self.path
        self.official = config.getoption("seqlab_official")
        if self.official:
            self._refuse_unsafe_official_run()
        try:
            self.oracle = default_oracle(self.official)
        except FileNotFoundError as exc:
            raise pytest.UsageError(str(exc)) from None
        if self.official:
            student = config.getoption("seqlab_student")
            if not student:
                raise pytest.UsageError("--seqlab-official needs --seqlab-student ID")
            secret = config.getoption("seqlab_secret_file")
            try:
                self.source = official(load_secret(Path(secret) if secret else default_secret_file(REPO_ROOT)), student)
            except (OSError, ValueError) as exc:
                raise pytest.UsageError(str(exc)) from None
        else:
            self.source = PUBLIC
        self.limits = Limits(wall_seconds=config.getoption("seqlab_timeout"))
        self.json_path = config.getoption("seqlab_json")
        self.report = None
        self.failure: Exception | None = None
        # Collect the folder, not testpaths (the kit's own tests) nor the working folder.
        if config.args_source != pytest.Config.ArgsSource.ARGS:
            config.args = [str(self.path)]
            config.args_source = pytest.Config.ArgsSource.ARGS

    def _refuse_unsafe_official_run(self) -> None:
        config = self.config
        args = config.invocation_params.args
        if any(arg == "--seqlab" and k + 1 < len(args) and not args[k + 1].startswith("-")
               for k, arg in enumerate(args)):
            raise pytest.UsageError("--seqlab-official: write the folder as one word, --seqlab=SUBMISSION: pytest "
                                    "reads a separate word as a test path before any plugin is loaded, and would take "
                                    "a pytest.ini or pyproject.toml in the submission for its own configuration")
        if config.args_source == pytest.Config.ArgsSource.ARGS:
            raise pytest.UsageError("--seqlab-official grades the whole folder: give no test paths (a path inside "
                                    "the submission would make pytest read the submission's own configuration)")
        for what, path in (("pytest's rootdir", config.rootpath), ("the pytest config file", config.inipath),
                           ("the working folder", config.invocation_params.dir)):
            if path is not None and _inside(path, self.path):
                raise pytest.UsageError(f"--seqlab-official: {what} {path} is inside the submission {self.path}; "
                                        f"run pytest from outside it (e.g. the course repository's root)")

    # -- collection ---------------------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_collect_directory(self, path: Path, parent: pytest.Collector):
        if path.is_dir() and os.path.samefile(path, self.path):
            return SubmissionFolder.from_parent(parent, path=path)
        return None

    def pytest_report_header(self, config: pytest.Config) -> str:
        from seqlab.grading.sandbox import active_protections

        return (f"seqlab: grading {self.path} ({self.source.kind} inputs, judged by {self.oracle.kind}, "
                f"{len(active_protections())} sandbox protections active)")

    # -- running --------------------------------------------------------------------------------------------

    def result(self, item: "CheckItem"):
        """The item's CheckResult; the first call grades every selected check of the session."""
        if self.failure is not None:
            raise self.failure
        if self.report is None:
            try:
                self.report = self._grade(item.session.items)
            except Exception as exc:  # e.g. SEQLAB_SANDBOX=required without the sandboxes: nothing can be graded
                self.failure = exc
                item.session.shouldstop = f"seqlab could not grade: {type(exc).__name__}: {exc}"
                raise
        return _result_of(self.report, item)

    def _grade(self, items):
        from seqlab.grading.grader import grade_selection
        from seqlab.grading.registry import EXERCISES

        checks = [item for item in items if isinstance(item, CheckItem)]
        selection = {name: [i.check.name for i in checks if i.exercise.name == name] for name in EXERCISES}
        report = grade_selection(self.folder, self.oracle, self.source, self.limits,
                                 {name: names for name, names in selection.items() if names})
        for item in checks:  # this front door's own rerun line: the check's node id
            result = _result_of(report, item)
            if result.rerun:
                result.rerun = self.rerun_command(item)
        return report

    def rerun_command(self, item: "CheckItem") -> str:
        from seqlab.grading.rerun import program, shell_path

        folder = f" --seqlab {shell_path(self.folder)}" if self.on_command_line else ""
        return f"{program('pytest', 'pytest')}{folder} {shell_path(item.path)}::{item.check.name}"

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.report is None:
            return
        terminalreporter.ensure_newline()
        terminalreporter.section("seqlab score")
        terminalreporter.write_line(self.report.render())
        if self.json_path:
            terminalreporter.write_line(f"report written to {self.json_path}")

    def pytest_sessionfinish(self) -> None:
        if self.report is not None and self.json_path:
            self.report.write_json(Path(self.json_path))


def _result_of(report, item: "CheckItem"):
    return next(t for t in report.exercises[item.exercise.name].tests if t.name == item.check.name)


class SubmissionFolder(pytest.Directory):
    """The submission: one module per exercise of the registry, whether or not the file is there (a missing
    one fails its checks with the grader's missing-file message). Nothing else in the folder is collected."""

    def collect(self):
        from seqlab.grading.registry import EXERCISES

        for exercise in EXERCISES.values():
            yield ExerciseModule.from_parent(self, path=self.path / exercise.file_name, exercise=exercise)


class ExerciseModule(pytest.File):
    """One exercise's module; never imported here (the grader's child runs it)."""

    def __init__(self, *, exercise, **kwargs):
        super().__init__(**kwargs)
        self.exercise = exercise

    def collect(self):
        for check in self.exercise.checks:
            yield CheckItem.from_parent(self, name=check.name, exercise=self.exercise, check=check)


class CheckFailed(Exception):
    """A check that did not pass, with its result (raised by CheckItem.runtest, shown without a traceback)."""

    def __init__(self, result):
        super().__init__(result.message)
        self.result = result


class CheckFailure:
    """What pytest shows for a failed check: the grader's message, then its points and rerun line; no traceback.
    Its ``reprcrash.message`` is the line pytest's short summary and a JUnit XML failure's message read."""

    def __init__(self, message: str, footer: str):
        self.message, self.footer = message, footer
        self.reprcrash = self

    def toterminal(self, tw) -> None:
        tw.line(self.message)
        tw.line(self.footer)

    def __str__(self) -> str:
        return f"{self.message}\n{self.footer}"


class CheckItem(pytest.Item):
    """One check of one exercise: passes or fails as its CheckResult says."""

    def __init__(self, *, exercise, check, **kwargs):
        super().__init__(**kwargs)
        self.exercise, self.check = exercise, check

    @property
    def grading(self) -> Grading:
        return self.config.pluginmanager.get_plugin("seqlab-grading")

    def runtest(self) -> None:
        result = self.grading.result(self)
        self.user_properties += [("points", result.points), ("max_points", result.max_points)]
        if not result.passed:
            raise CheckFailed(result)

    def repr_failure(self, excinfo, style=None):
        if not isinstance(excinfo.value, CheckFailed):
            return super().repr_failure(excinfo)  # the plugin itself broke: its traceback is the news
        result = excinfo.value.result
        footer = f"{result.points:g} of {result.max_points:g} points"
        return CheckFailure(result.message, footer + (f"; rerun: {result.rerun}" if result.rerun else ""))

    def reportinfo(self):
        return self.path, None, f"{self.exercise.name}::{self.check.name}"
