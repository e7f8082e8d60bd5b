"""Build lesson/rnns_to_attention.ipynb from its source, lesson/rnns_to_attention.py (jupytext percent format).

    python -m lesson.build_notebook           # (re)write the notebook
    python -m lesson.build_notebook --check   # exit 1 if the committed notebook differs from what the source builds

Edit the source, never the .ipynb. Each cell of the source names itself (`# %% id="s04-run"`): that name becomes
the notebook cell's id, so ids stay the same when cells are added or moved. The notebook is committed without
outputs; executing it is lesson/run.py's job.
"""

import argparse
import sys
from pathlib import Path

import nbformat

SOURCE = Path(__file__).resolve().parent / "rnns_to_attention.py"
NOTEBOOK = SOURCE.with_suffix(".ipynb")


def build(source=SOURCE):
    """The notebook: the source's cells, each with the id it names, no outputs, no jupytext metadata."""
    import jupytext  # only rebuilding needs it: running the committed notebook does not

    nb = jupytext.read(source, fmt="py:percent")
    seen = set()
    for number, cell in enumerate(nb.cells, start=1):
        name = cell.metadata.pop("id", None)
        if name is None:
            raise ValueError(f"{source.name}: cell {number} has no id (write `# %% id=\"...\"`)")
        if name in seen:
            raise ValueError(f"{source.name}: cell id {name!r} is used twice")
        seen.add(name)
        cell.id = name
    nb.metadata.pop("jupytext", None)
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.validate(nb)
    return nb


def render(source=SOURCE):
    return nbformat.writes(build(source)) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed notebook is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not NOTEBOOK.is_file() or NOTEBOOK.read_text() != text:
            print(f"{NOTEBOOK.name} is stale: run python -m lesson.build_notebook", file=sys.stderr)
            return 1
        return 0
    NOTEBOOK.write_text(text)
    print(f"wrote {NOTEBOOK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
