"""Execute the lesson notebook headless (nbclient), writing its figures and measurements to a folder.

    python -m lesson.run                              # seed 0 into lesson/output: the committed results
    python -m lesson.run --seed 1 --out /tmp/lesson   # another seed, elsewhere

The kernel gets the seed and the folder through SEQLAB_LESSON_SEED and SEQLAB_LESSON_OUT, and runs with the
repository root as its working directory.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .build_notebook import NOTEBOOK

ROOT = NOTEBOOK.parent.parent
DEFAULT_OUT = ROOT / "lesson" / "output"


def execute(seed=0, out_dir=DEFAULT_OUT, timeout=600, executed_path=None):
    """Run the notebook top to bottom; returns (measurements dict, wall seconds).

    Raises nbclient's CellExecutionError when a cell fails. executed_path: where to save the executed notebook
    (with outputs), or None.
    """
    nb = nbformat.read(NOTEBOOK, as_version=4)
    env = dict(os.environ, SEQLAB_LESSON_SEED=str(seed), SEQLAB_LESSON_OUT=str(out_dir))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    start = time.perf_counter()
    try:
        client.execute(env=env)
    finally:
        if executed_path is not None:
            nbformat.write(nb, executed_path)
    seconds = time.perf_counter() - start
    with open(Path(out_dir) / "measurements.json") as f:
        return json.load(f), seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    parser.add_argument("--executed", default=None, help="also save the executed notebook here")
    args = parser.parse_args(argv)
    measurements, seconds = execute(args.seed, args.out, executed_path=args.executed)
    held = sum(f["holds"] for f in measurements["findings"])
    print(f"executed in {seconds:.1f} s; {held} of {len(measurements['findings'])} claims held; "
          f"results in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
