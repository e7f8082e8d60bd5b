"""A student's first `make grade` is clean: one line for the install, then the score table.

pip shows what the build backend warns about while it installs seqlab (`pip install -e .`): the project's metadata
must give setuptools nothing to warn about (`license = { text = "MIT" }` did: a deprecation notice of a dozen
lines, three times). What the rerun lines suggest is tested in test_cli.py and test_pytest_plugin.py.
"""

import json
import subprocess
import sys

APPLY = """
import json, sys, warnings
from setuptools.config.pyprojecttoml import apply_configuration
from setuptools.dist import Distribution

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    apply_configuration(Distribution(), sys.argv[1])
print(json.dumps([f"{w.category.__name__}: {w.message}" for w in caught if issubclass(w.category, UserWarning)]))
"""


def setuptools_warnings(pyproject, cwd) -> list[str]:
    done = subprocess.run([sys.executable, "-c", APPLY, str(pyproject)], cwd=cwd, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_the_project_metadata_gives_setuptools_nothing_to_warn_about(repo, tmp_path):
    assert setuptools_warnings(repo / "pyproject.toml", repo) == []
    # The check can fail: the old license table is warned about.
    old = tmp_path / "pyproject.toml"
    old.write_text((repo / "pyproject.toml").read_text().replace('license = "MIT"', 'license = { text = "MIT" }'))
    (tmp_path / "README.md").write_text("x")
    assert any("project.license" in w for w in setuptools_warnings(old, tmp_path))

