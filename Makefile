# One command to set up and grade (students), one to set up and test (maintainers).
# Each creates .venv with the Python it finds (3.11+) and installs only what its job needs.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
DIR    ?= exercises

.PHONY: grade test stubs notebooks release bench-quick bench lesson lab lesson-refresh clean

# Quiet installs (-qq: errors only): a student's first `make grade` shows one line for the install, then the table.
$(PY):
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -qq --upgrade pip

# Students: numpy + the grading tool (pytest included); nothing else.
$(VENV)/.student: pyproject.toml | $(PY)
	@$(PY) -m pip install -qq -e .
	@$(PY) -c "import numpy, pytest, seqlab; print(f'installed seqlab {seqlab.__version__} (numpy {numpy.__version__}, pytest {pytest.__version__}) in $(VENV)')"
	@touch $@

# The lesson (students too): torch (the pinned CPU build), matplotlib and the notebook runner.
$(VENV)/.lesson: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[lesson]'
	touch $@ $(VENV)/.student

# The lesson in JupyterLab.
$(VENV)/.lab: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[lab]'
	touch $@ $(VENV)/.lesson $(VENV)/.student

# Maintainers: torch (CPU build, pinned), nbgrader, matplotlib, pytest-benchmark, ...
$(VENV)/.dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.lesson $(VENV)/.student

grade: $(VENV)/.student
	@$(PY) -m seqlab grade $(DIR)

test: $(VENV)/.dev
	@if [ "$$(id -u)" = 0 ] && [ -f .ci/install-sandbox.sh ]; then bash .ci/install-sandbox.sh; fi
	@# every core (pytest-xdist), one test file per worker: a module's fixtures are built once
	$(PY) -m pytest -n auto --dist loadfile

stubs: $(VENV)/.student
	$(PY) -m seqlab stubs

notebooks: $(VENV)/.dev
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m seqlab notebooks

# A release needs what grading needs (numpy): the stubs are checked, the public checks computed from reference/.
release: $(VENV)/.student
	$(PY) -m seqlab release release/seqlab-student --archive

# The lesson, headless: figures and measurements go to lesson/runs/seed-0/.
lesson: $(VENV)/.lesson
	$(PY) -m lesson.run

lab: $(VENV)/.lab
	$(VENV)/bin/jupyter lab lesson/rnns_to_attention.ipynb

# Maintainers: rewrite the committed seed-0 results in lesson/output/ from the current code.
lesson-refresh: $(VENV)/.dev
	$(PY) -m lesson.run --refresh-committed

bench-quick: $(VENV)/.dev
	$(PY) -m pytest benchmarks --bench-quick --benchmark-json=benchmarks/results/cpu-quick.json

bench: $(VENV)/.dev
	$(PY) -m pytest benchmarks --benchmark-json=benchmarks/results/cpu-full.json

clean:
	rm -rf $(VENV) release .pytest_cache
