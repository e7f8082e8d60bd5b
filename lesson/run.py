"""Execute the lesson notebook headless (nbclient), writing its figures and measurements to a folder.

    python -m lesson.run                          # seeds 0, 1, 2 into lesson/runs/seed-0 (not committed)
    python -m lesson.run --seed 3 --out /tmp/l    # seeds 3, 4, 5, elsewhere
    python -m lesson.run --refresh-committed      # seeds 0, 1, 2 into lesson/output: rewrites the committed results
    python -m lesson.run --seeds 1 --sections 3 4  # seed 0 only, and only sections 3 and 4 (with the first cell)

The kernel gets the first seed, the number of seeds and the folder through SEQLAB_LESSON_SEED, SEQLAB_LESSON_SEEDS
and SEQLAB_LESSON_OUT, and runs with the repository root as its working directory. Only --refresh-committed
writes into lesson/output.
"""

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .build_notebook import NOTEBOOK

ROOT = NOTEBOOK.parent.parent
COMMITTED = ROOT / "lesson" / "output"


def default_out(seed):
    """Where a run goes unless told otherwise (the notebook's own default too): lesson/runs/seed-<seed>."""
    return ROOT / "lesson" / "runs" / f"seed-{seed}"


def only_sections(nb, sections):
    """nb keeping its first two cells (introduction, set-up) and the cells of the given section numbers.

    A cell belongs to section N by its id, sNN-... (lesson/build_notebook.py keeps the ids the source names).
    """
    def keep(cell):
        number = re.match(r"s(\d\d)-", cell.id)
        return cell.id in ("intro", "setup") or (number is not None and int(number.group(1)) in sections)
    nb.cells = [cell for cell in nb.cells if keep(cell)]
    return nb


def execute(seed=0, out_dir=None, timeout=600, executed_path=None, seeds=None, sections=None):
    """Run the notebook top to bottom; returns (measurements dict, wall seconds).

    Raises nbclient's CellExecutionError when a cell fails. out_dir: default_out(seed) when None. executed_path:
    where to save the executed notebook (with outputs), or None. seeds: how many consecutive seeds (default
    record.N_SEEDS). sections: None for all, or the section numbers to run (the set-up cell always runs).
    """
    out_dir = default_out(seed) if out_dir is None else Path(out_dir)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    if sections is not None:
        nb = only_sections(nb, set(sections))
    env = dict(os.environ, SEQLAB_LESSON_SEED=str(seed), SEQLAB_LESSON_OUT=str(out_dir))
    if seeds is not None:
        env["SEQLAB_LESSON_SEEDS"] = str(seeds)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    start = time.perf_counter()
    try:
        client.execute(env=env)
    finally:
        if executed_path is not None:
            nbformat.write(nb, executed_path)
    seconds = time.perf_counter() - start
    with open(out_dir / "measurements.json") as f:
        return json.load(f), seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="the first of the three seeds (default 0)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", default=None, help="output folder (default lesson/runs/seed-<seed>)")
    where.add_argument("--refresh-committed", action="store_true",
                       help="write into lesson/output, the committed results (needs the default seed 0)")
    parser.add_argument("--executed", default=None, help="also save the executed notebook here")
    parser.add_argument("--seeds", type=int, default=None, help="how many consecutive seeds (default 3)")
    parser.add_argument("--sections", type=int, nargs="+", default=None, metavar="N",
                        help="run only these sections (and the first cell); default: all")
    args = parser.parse_args(argv)
    if args.refresh_committed and (args.seed != 0 or args.seeds is not None or args.sections is not None):
        parser.error("the committed results are those of the whole notebook on seeds 0, 1, 2")
    if args.seeds is not None and args.seeds < 1:
        parser.error("--seeds must be at least 1")
    out = COMMITTED if args.refresh_committed else (Path(args.out) if args.out else default_out(args.seed))
    measurements, seconds = execute(args.seed, out, executed_path=args.executed, seeds=args.seeds,
                                    sections=args.sections)
    held = sum(f["holds"] for f in measurements["findings"])
    print(f"executed in {seconds:.1f} s; {held} of {len(measurements['findings'])} claims held; results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
