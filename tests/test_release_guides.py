"""The guides a student release carries (README.md, docs/lesson.md): the students' version of one source, and every
command they show works in the release.

seqlab.course.audience.for_students drops the blocks marked for instructors and shows those marked for students.
In a built release, every command of those guides (each line of a ```bash block, and each inline `code` that
starts with a command) is run there when it is cheap (`seqlab grade`, `pytest`), or else checked against what the
release holds: a make target must exist and every command of its recipe (make -n) passes the same checks;
`python -m lesson.run` and `python -m lesson.build_notebook` must accept the options shown, read from their
shipped source (a full run of the lesson is test_release_lesson.py's); an installed extra must be defined in the
release's pyproject.toml; a file opened must exist. A command of no known kind fails the test, so a new one gets a
check.
"""

import os
import re
import shlex
import subprocess
import sys
import tomllib

import pytest

from seqlab.course.audience import for_students
from seqlab.course.release import GUIDES

COMMAND_WORDS = ("make", "python", "python3", ".venv/bin/python", ".venv/bin/jupyter", "jupyter", "pip", "pytest")


def test_students_see_their_blocks_and_not_the_instructors():
    text = ("# Title\nfor both\n<!-- instructors -->\nmake test\n<!-- /instructors -->\n<!-- students\n"
            "make lesson\n-->\nend\n")
    assert for_students(text) == "# Title\nfor both\nmake lesson\nend\n"


@pytest.mark.parametrize("text, problem", [
    ("<!-- instructors -->\nnever closed\n", "line 1: the instructors' block is never closed"),
    ("<!-- students\n<!-- instructors -->\n-->\n", "line 2: '<!-- instructors -->' inside the students' block"),
    ("text\n<!-- /instructors -->\n", "line 2: '<!-- /instructors -->' closes no block"),
])
def test_a_broken_marker_is_refused_with_its_line(text, problem):
    with pytest.raises(ValueError, match=re.escape(problem)):
        for_students(text)


def test_the_release_carries_the_students_guides(repo, release):
    for name in GUIDES:
        text = (release / name).read_text()
        assert text == for_students((repo / name).read_text(), name)
        assert "<!-- instructors -->" not in text and "<!-- students" not in text
    readme = (release / "README.md").read_text()
    assert "make lesson" in readme and "make grade" in readme and "feedback, not proof" in readme
    for instructor_only in ("make test", "make release", "--official", "class-grade", "nbgrade"):
        assert instructor_only not in readme, instructor_only


def commands(markdown):
    """The commands a guide shows: each line of its ```bash blocks and each inline code that starts with one."""
    found = []
    for block in re.findall(r"```bash\n(.*?)```", markdown, flags=re.S):
        found += [re.split(r"\s{2,}#", line)[0].strip() for line in block.splitlines() if line.strip()]
    prose = re.sub(r"```.*?```", "", markdown, flags=re.S)
    found += [span for span in re.findall(r"`([^`\n]+)`", prose) if span.split()[0] in COMMAND_WORDS]
    return list(dict.fromkeys(found))


# python -m MODULE in a release as a student's interpreter sees it: the release's own seqlab, and not this
# repository's (the test environment's editable install would otherwise also find seqlab.course here). Without
# site (-S) no .pth file, so no editable finder, runs; the environment's packages are put on the path by hand.
LAUNCH = ("import runpy, sys; module = sys.argv.pop(1); sys.path += {site!r}; "
          "runpy.run_module(module, run_name='__main__', alter_sys=True)")
SITE = [p for p in sys.path if p.endswith("site-packages")]


def run(release, words, timeout=120):
    assert words[0] == "-m", words
    command = [sys.executable, "-S", "-c", LAUNCH.format(site=SITE), *words[1:]]
    return subprocess.run(command, cwd=release, capture_output=True, text=True, timeout=timeout)


def check(release, command, depth=0):
    """Raise AssertionError unless `command` works in the release (see the module docstring)."""
    words = shlex.split(command)
    program = words[0].rsplit("/", 1)[-1]
    if program == "pytest":  # the venv's pytest script is its python's `-m pytest`
        words, program = ["python", "-m", "pytest", *words[1:]], "python"
    if program == "make":
        # as a reader runs it, not as a sub-make of `make test` (which would print "make[1]: Entering directory")
        alone = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
        dry = subprocess.run(["make", "-n", "--no-print-directory", *words[1:]], cwd=release, capture_output=True,
                             text=True, timeout=60, env=alone)
        assert dry.returncode == 0, f"{command}: {dry.stderr}"
        assert depth == 0, f"{command}: make calls make"
        for line in dry.stdout.splitlines():
            check(release, line, depth + 1)
    elif program == "touch":
        assert depth > 0, f"{command}: touch is a recipe's bookkeeping, not a command for a reader"
    elif program.startswith("python") and words[1] == "-c":  # a recipe's own report (the install's one line)
        assert depth > 0, f"{command}: inline code is a recipe's bookkeeping, not a command for a reader"
        compile(words[2], "<make recipe>", "exec")
    elif program.startswith("python") and words[1] == "-m":
        module, args = words[2], words[3:]
        if module == "venv":
            assert args and depth > 0, command
        elif module == "pip":
            check(release, shlex.join(["pip", *args]), depth)
        elif module == "seqlab":
            done = run(release, ["-m", "seqlab", *args])
            assert done.returncode == 0, f"{command}: {done.stdout[-800:]}{done.stderr[-800:]}"
        elif module in ("lesson.run", "lesson.build_notebook"):  # their options, read from the shipped source
            source = (release / "lesson" / f"{module.split('.')[1]}.py").read_text()
            accepted = set(re.findall(r'add_argument\("(--[\w-]+)"', source))
            unknown = [a for a in args if a.startswith("--") and a not in accepted]
            assert not unknown, f"{command}: {module} has no {unknown}"
            if module == "lesson.build_notebook":
                assert (release / "lesson" / "rnns_to_attention.py").is_file(), f"{command}: no notebook source"
        elif module == "pytest":
            done = run(release, ["-m", "pytest", *args], timeout=300)
            # 0: every check passed; 1: some failed (the untouched stubs). Usage errors, no tests collected: no.
            assert done.returncode in (0, 1), f"{command}: {done.stdout[-1500:]}"
        else:
            raise AssertionError(f"{command}: no check for python -m {module}; add one")
    elif program == "pip":
        assert words[1] == "install", command
        extras = tomllib.loads((release / "pyproject.toml").read_text())["project"]["optional-dependencies"]
        for target in (w for w in words[2:] if not w.startswith("-")):
            if target.startswith("."):
                asked = re.fullmatch(r"\.(?:\[(.*)\])?", target).group(1)
                assert all(e in extras for e in (asked.split(",") if asked else [])), f"{command}: unknown extra"
            else:
                assert target == "pip", f"{command}: installs {target}, which the release does not declare"
    elif program == "jupyter":
        assert words[1] == "lab" and (release / words[2]).is_file(), command
    else:
        raise AssertionError(f"{command}: no check for {program}; add one")


def test_every_command_the_release_guides_show_works_there(release):
    shown = {name: commands((release / name).read_text()) for name in GUIDES}
    assert "make grade" in shown["README.md"] and "make lesson" in shown["README.md"]
    for name, listed in shown.items():
        for command in listed:
            check(release, command)


@pytest.mark.parametrize("command", ["make test", "make release", "python -m seqlab secret --create",
                                     "python -m lesson.run --no-such-option", "pip install -e '.[nbgrader-x]'"])
def test_an_instructors_command_fails_the_check_in_a_release(release, command):
    with pytest.raises(AssertionError):
        check(release, command)
