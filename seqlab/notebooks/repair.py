"""Repairs a submitted notebook against the released one, cell by cell, before anything grades it.

What students ordinarily do to a notebook (edit a read-only cell or its nbgrader metadata, copy or paste a cell,
delete one, add their own) costs no whole submission and earns no point:

    repair(released_cells, submitted_cells)  ->  Repaired(cells, repairs, added)

* Every cell of the release that has nbgrader metadata is found in the submission by its grade_id; one whose
  grade_id is gone falls back to position (a cell with nbgrader metadata between the same neighbours: a renamed
  grade_id) and to source (a cell without metadata holding the released source, or, for an answer cell,
  defining the same names).
* Read-only cells, test cells and questions get their source, cell type and metadata back from the release
  (`trusted_sources` may give the source instead: nbgrader's gradebook holds the test cells with their hidden
  part). Answer cells keep what the student wrote and get their metadata back.
* A deleted cell comes back where it was, an answer cell as the released stub (and is graded as such).
* An answer cell that appears more than once (a copy keeps its metadata): the copy ``cells.choose_copy`` picks is
  graded, the others stay in the notebook as ordinary cells. Any other copy, and any cell whose nbgrader
  metadata the release does not have (a pasted test cell, a forged 100-point cell), also stays as an ordinary
  cell: its nbgrader metadata is dropped, its source stays visible to the instructor, and it is not graded.
* Cells the student added are kept and listed (they are not graded: the notebook says so).

Each repair is data (``Repair``: a kind, the grade_id, what differed); ``Repair.message`` is its prose, which
the student's feedback and the instructor's repair log show. Plain JSON dicts in and out: no nbformat needed.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from seqlab.notebooks.cells import cell_text, choose_copy, grade_id, nbgrader_meta

# The nbgrader fields that decide what a cell is; a change to any of them is restored. Bools default to False.
FIELDS = ("grade_id", "grade", "solution", "locked", "task", "points")

MESSAGES = {  # kind -> prose; {cell} is the cell's grade_id, the other fields are Repair's
    "source_restored": "{role} '{cell}' was edited: restored as released (the edit is not graded)",
    "metadata_restored": "{role} '{cell}' had its nbgrader settings changed ({fields}): restored as released",
    "renamed_restored": "{role} '{cell}' had its grade_id changed to '{old_id}': restored as released",
    "stripped_restored": "{role} '{cell}' had lost its nbgrader metadata ({where}): restored as released",
    "deleted_restored": "{role} '{cell}' was deleted: restored as released",
    "deleted_answer_restored": "answer cell '{cell}' was deleted: restored as the released stub, and graded as "
                               "such (not answered)",
    "duplicate_answer": "answer cell '{cell}' appears {copies} times: graded {why}, {where}; {others}",
    "copy_unmarked": "{where} is a copy of {role} '{cell}': it stays as an ordinary cell (not graded); the "
                     "original is the one that counts",
    "foreign_unmarked": "{where} carried nbgrader metadata (grade_id '{cell}') that the released notebook does "
                        "not have: the metadata was removed, the cell stays and is not graded",
    "renamed_file": "the notebook was submitted as '{where}', not '{cell}': it was graded as '{cell}'",
    "not_a_notebook": "{where} is not a notebook ({why}): nothing in it could be graded; this is the released "
                      "notebook, graded as such",
}
ROLES = {"answer": "answer cell", "test": "test cell", "read-only": "read-only cell", "question": "question cell",
         "cell": "cell"}


@dataclass(frozen=True)
class Repair:
    kind: str  # a key of MESSAGES
    cell: str | None = None  # the grade_id concerned
    role: str = "cell"  # a key of ROLES: what the cell is in the release
    fields: tuple[str, ...] = ()  # the metadata fields (and "cell type") that differed
    old_id: str = ""  # a renamed cell's grade_id as submitted
    where: str = ""  # the submitted cell, described
    copies: int = 0
    why: str = ""
    source_edited: bool = False  # a restored cell's source had been edited as well

    @property
    def message(self) -> str:
        others = ("the other copy stays in the notebook as an ordinary cell and is not graded" if self.copies == 2
                  else "the other copies stay in the notebook as ordinary cells and are not graded")
        text = MESSAGES[self.kind].format(cell=self.cell, role=ROLES[self.role], fields=", ".join(self.fields),
                                          old_id=self.old_id, where=self.where, copies=self.copies, why=self.why,
                                          others=others)
        if self.kind == "source_restored" and self.fields:
            text += f"; its nbgrader metadata too ({', '.join(self.fields)})"
        elif self.kind != "source_restored" and self.source_edited:
            text += "; its source had been edited too (not graded)"
        return text

    def to_dict(self) -> dict:
        return {"kind": self.kind, "cell": self.cell, "message": self.message}


@dataclass
class Repaired:
    cells: list[dict]
    repairs: list[Repair] = field(default_factory=list)
    added: list[tuple[str, str]] = field(default_factory=list)  # (described, source) of the code cells added

    def notes(self) -> list[str]:
        """The repairs, then the added cells, in words."""
        lines = [r.message for r in self.repairs]
        if self.added:
            lines.append("cells you added are not graded: " + "; ".join(where for where, _ in self.added)
                         + ". Helpers and imports an answer needs go inside its answer cell")
        return lines


def role(cell: Mapping) -> str:
    meta = nbgrader_meta(cell)
    if meta.get("solution"):
        return "answer"
    if meta.get("grade"):
        return "test"
    if cell.get("cell_type") == "markdown":
        return "question"
    return "read-only"


def describe(cell: Mapping) -> str:
    """A cell as a student recognises it (notebooks show no cell numbers): by its first line."""
    first = next((line.strip() for line in cell_text(cell).splitlines() if line.strip()), "")
    first = first if len(first) <= 48 else first[:45] + "..."
    return f'the cell "{first}"' if first else "an empty cell"


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def _names(source: str) -> set[str]:
    """The top-level names a cell defines (functions and classes), or none when it does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def _normal(meta: Mapping, key: str):
    value = meta.get(key)
    if key == "points":
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
    if key == "grade_id":
        return value
    return bool(value)


def _changed_fields(submitted: Mapping, released: Mapping) -> tuple[str, ...]:
    mine, theirs = nbgrader_meta(submitted), nbgrader_meta(released)
    keys = [k for k in FIELDS if k != "points" or theirs.get("grade") or mine.get("grade")]
    changed = [k for k in keys if _normal(mine, k) != _normal(theirs, k)]
    if submitted.get("cell_type") != released.get("cell_type"):
        changed.append("cell type")
    return tuple(changed)


def _set_type(cell: dict, cell_type: str) -> None:
    cell["cell_type"] = cell_type
    if cell_type == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _unmarked(cell: Mapping) -> dict:
    """An ordinary cell: the same source, no nbgrader metadata and none of the release's locks."""
    plain = copy.deepcopy(dict(cell))
    metadata = dict(plain.get("metadata") or {})
    for key in ("nbgrader", "deletable", "editable"):
        metadata.pop(key, None)
    plain["metadata"] = metadata
    return plain


class _Matcher:
    """Which submitted cell stands for each released nbgrader cell."""

    def __init__(self, released: Sequence[Mapping], submitted: Sequence[Mapping]):
        self.released = {gid: cell for cell in released if (gid := grade_id(cell)) is not None}
        self.order = list(self.released)
        self.submitted = submitted
        self.match: dict[str, int] = {}
        self.copies: dict[int, str] = {}  # submitted index -> the grade_id it is a spare copy of
        self.duplicates: dict[str, object] = {}  # grade_id -> cells.Chosen (answer cells)
        self.renamed: set[str] = set()
        claims: dict[str, list[int]] = {}
        self.foreign: list[int] = []  # nbgrader metadata the release does not have
        for index, cell in enumerate(submitted):
            if not nbgrader_meta(cell) and "nbgrader" not in (cell.get("metadata") or {}):
                continue
            gid = grade_id(cell)
            if gid in self.released:
                claims.setdefault(gid, []).append(index)
            else:
                self.foreign.append(index)
        for gid, indices in claims.items():
            self._claim(gid, indices)
        for position, gid in enumerate(self.order):
            if gid not in self.match:
                self._fall_back(position, gid)

    def _claim(self, gid: str, indices: list[int]) -> None:
        if len(indices) == 1:
            self.match[gid] = indices[0]
            return
        released = self.released[gid]
        if role(released) == "answer":
            chosen = choose_copy(list(self.submitted), indices, cell_text(released))
            self.duplicates[gid] = chosen
            best = chosen.index
        else:  # the original keeps the released cell id; a copy or a paste gets a new one
            best = next((i for i in indices if self.submitted[i].get("id") == released.get("id")), indices[0])
        self.match[gid] = best
        self.copies.update({i: gid for i in indices if i != best})

    def _window(self, position: int) -> range:
        """The submitted cells between the nearest matched release cells before and after `position`."""
        before = [self.match[g] for g in self.order[:position] if g in self.match]
        after = [self.match[g] for g in self.order[position + 1:] if g in self.match]
        return range(max(before, default=-1) + 1, min(after, default=len(self.submitted)))

    def _fall_back(self, position: int, gid: str) -> None:
        released = self.released[gid]
        source = cell_text(released).strip()
        names = _names(source) if role(released) == "answer" else set()
        taken = set(self.match.values()) | set(self.copies)
        window = [i for i in self._window(position) if i not in taken
                  and self.submitted[i].get("cell_type") == released.get("cell_type")]
        marked = [i for i in window if i in self.foreign]
        plain = [i for i in window if i not in self.foreign and not nbgrader_meta(self.submitted[i])]

        def same(i: int) -> bool:
            text = cell_text(self.submitted[i]).strip()
            return text == source or bool(names) and _names(text) == names

        pick = next((i for i in marked if same(i)), None)
        if pick is None and len(marked) == 1:
            pick = marked[0]  # the one nbgrader cell where this one was: its grade_id was renamed
        if pick is None:
            pick = next((i for i in plain if same(i)), None)  # its metadata was removed
        if pick is not None:
            self.match[gid] = pick
            self.renamed.add(gid)
            if pick in self.foreign:
                self.foreign.remove(pick)


def repair(released: Sequence[Mapping], submitted: Sequence[Mapping],
           trusted_sources: Mapping[str, str] | None = None) -> Repaired:
    """The submission repaired against the release (see the module docstring). Neither input is changed."""
    trusted = dict(trusted_sources or {})
    matcher = _Matcher(released, submitted)
    result = Repaired([])
    use_ids = all("id" in cell for cell in submitted)  # nbformat 4.5 ids, or none at all (4.4)
    ids = {cell.get("id") for cell in submitted}
    where = {index: gid for gid, index in matcher.match.items()}
    missing = [gid for gid in matcher.order if gid not in matcher.match]
    emitted: set[str] = set()

    def restore_missing(upto: int | None) -> None:
        """Emits the deleted release cells that come before release position `upto` (None: all of them)."""
        for gid in matcher.order[:upto]:
            if gid in missing and gid not in emitted:
                emitted.add(gid)
                result.cells.append(_restored_deleted(matcher.released[gid], trusted, use_ids, ids))
                kind = "deleted_answer_restored" if role(matcher.released[gid]) == "answer" else "deleted_restored"
                result.repairs.append(Repair(kind, gid, role(matcher.released[gid])))

    for index, cell in enumerate(submitted):
        gid = where.get(index)
        if gid is not None:
            restore_missing(matcher.order.index(gid))
            emitted.add(gid)
            restored, repair_ = _restored(gid, matcher.released[gid], cell, trusted, gid in matcher.renamed)
            result.cells.append(restored)
            if gid in matcher.duplicates:
                chosen = matcher.duplicates[gid]
                rank = sorted((chosen.index, *chosen.others)).index(chosen.index) + 1
                result.repairs.append(Repair("duplicate_answer", gid, "answer", copies=len(chosen.others) + 1,
                                             why=chosen.why, where=f"the {_ordinal(rank)} from the top"))
            if repair_ is not None:
                result.repairs.append(repair_)
        elif index in matcher.copies:
            result.cells.append(_unmarked(cell))
            copied = matcher.copies[index]
            if copied not in matcher.duplicates:
                result.repairs.append(Repair("copy_unmarked", copied, role(matcher.released[copied]),
                                             where=describe(cell)))
        elif index in matcher.foreign:
            result.cells.append(_unmarked(cell))
            result.repairs.append(Repair("foreign_unmarked", grade_id(cell) or "", where=describe(cell)))
        else:
            result.cells.append(copy.deepcopy(dict(cell)))
            if cell.get("cell_type") == "code" and cell_text(cell).strip():
                result.added.append((describe(cell), cell_text(cell)))
    restore_missing(None)
    return result


def _restored(gid: str, released: Mapping, submitted: Mapping, trusted: Mapping[str, str],
              renamed: bool) -> tuple[dict, Repair | None]:
    """The submitted cell with the release's metadata (and, unless it is an answer cell, its source)."""
    cell = copy.deepcopy(dict(submitted))
    kind_of = role(released)
    fields = _changed_fields(submitted, released)
    metadata = dict(cell.get("metadata") or {})
    released_meta = released.get("metadata") or {}
    metadata["nbgrader"] = copy.deepcopy(dict(released_meta.get("nbgrader") or {}))
    for key in ("deletable", "editable"):
        if key in released_meta:
            metadata[key] = released_meta[key]
        else:
            metadata.pop(key, None)
    cell["metadata"] = metadata
    _set_type(cell, released.get("cell_type", "code"))
    edited = False
    if kind_of != "answer":
        edited = cell_text(submitted).strip() != cell_text(released).strip()
        cell["source"] = trusted.get(gid, cell_text(released))
    if renamed:
        old_id = grade_id(submitted)
        if old_id is None:  # every field differed: the metadata was removed
            return cell, Repair("stripped_restored", gid, kind_of, where=describe(submitted), source_edited=edited)
        return cell, Repair("renamed_restored", gid, kind_of, fields, old_id, describe(submitted), source_edited=edited)
    if edited:
        return cell, Repair("source_restored", gid, kind_of, fields)
    if fields:
        return cell, Repair("metadata_restored", gid, kind_of, fields)
    return cell, None


def _restored_deleted(released: Mapping, trusted: Mapping[str, str], use_ids: bool, ids: set) -> dict:
    cell = copy.deepcopy(dict(released))
    gid = grade_id(released)
    cell["source"] = trusted.get(gid, cell_text(released)) if role(released) != "answer" else cell_text(released)
    if cell.get("cell_type") == "code":
        cell["outputs"], cell["execution_count"] = [], None
    if not use_ids:
        cell.pop("id", None)
    elif cell.get("id") in ids:
        base, n = f"{cell.get('id') or gid}-restored", 1
        while f"{base}{n}" in ids:
            n += 1
        cell["id"] = f"{base}{n}"
    ids.add(cell.get("id"))
    return cell
