"""What students do to notebooks, one thing at a time, without nbgrader: the repair against the release, the copy
that counts, the line map from a module to its cells, and messages said in the notebook's terms."""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path

import pytest

from seqlab.grading.seeds import ASSIGNMENT
from seqlab.notebooks.cells import (answer_sources, build_module, cell_text, choose_copy, grade_id,
                                    notebook_template, read_cells)
from seqlab.notebooks.messages import child_text, in_cell_terms, located, magics
from seqlab.notebooks.repair import repair

REPO = Path(__file__).resolve().parents[1]
NB = f"{ASSIGNMENT}.ipynb"
RELEASE = read_cells(REPO / "exercises" / ASSIGNMENT / NB)
KEY = answer_sources(read_cells(REPO / "solutions" / ASSIGNMENT / NB))


def at(cells: list[dict], gid: str) -> int:
    return next(i for i, cell in enumerate(cells) if grade_id(cell) == gid)


def meta(cell: dict) -> dict:
    return cell["metadata"]["nbgrader"]


def code_cell(source: str, execution_count=None, **metadata) -> dict:
    return {"cell_type": "code", "id": f"c{abs(hash(source)) % 10 ** 8}", "metadata": metadata, "outputs": [],
            "execution_count": execution_count, "source": source}


def keyed() -> list[dict]:
    """The released notebook with the answer key in its code answer cells."""
    cells = copy.deepcopy(RELEASE)
    for cell in cells:
        if grade_id(cell) in KEY and cell["cell_type"] == "code":
            cell["source"] = KEY[grade_id(cell)]
    return cells


def assert_restored(result, answers: dict[str, str]) -> None:
    """One cell per released grade_id, with the release's metadata; read-only cells as released; answers kept."""
    ours = [cell for cell in result.cells if "nbgrader" in cell.get("metadata", {})]
    assert [grade_id(c) for c in ours] == [grade_id(c) for c in RELEASE if grade_id(c)]
    released = {grade_id(c): c for c in RELEASE if grade_id(c)}
    for cell in ours:
        gid = grade_id(cell)
        assert cell["metadata"]["nbgrader"] == released[gid]["metadata"]["nbgrader"], gid
        assert cell["cell_type"] == released[gid]["cell_type"], gid
        if meta(cell).get("solution") and cell["cell_type"] == "code":
            assert cell_text(cell) == answers.get(gid, cell_text(released[gid])), gid
        elif not meta(cell).get("solution"):
            assert cell_text(cell) == cell_text(released[gid]), gid


# --- the repair -------------------------------------------------------------------------------------------------


def test_an_untouched_or_answered_notebook_needs_no_repair():
    for cells, answers in ((RELEASE, {}), (keyed(), KEY)):
        result = repair(RELEASE, cells)
        assert result.repairs == [] and result.added == []
        assert [{**c, "source": cell_text(c)} for c in result.cells] == [{**c, "source": cell_text(c)} for c in cells]
        assert_restored(result, answers)


def edit_meta(gid: str, **fields):
    def edit(cells):
        meta(cells[at(cells, gid)]).update(fields)
    return edit


def edit_source(gid: str, source: str):
    def edit(cells):
        cells[at(cells, gid)]["source"] = source
    return edit


def change_type(gid: str):
    def edit(cells):
        cell = cells[at(cells, gid)]
        cell["cell_type"] = "markdown"
        del cell["outputs"], cell["execution_count"]
    return edit


def delete(gid: str):
    def edit(cells):
        del cells[at(cells, gid)]
    return edit


def strip_metadata(gid: str):
    def edit(cells):
        cells[at(cells, gid)]["metadata"] = {}
    return edit


EDITS = {  # what a student did -> (the edit, the repair's kind, the cell, the fields it names)
    "grade false on a test cell": (edit_meta("gru-tests", grade=False), "metadata_restored", "gru-tests", ("grade",)),
    "points of a test cell": (edit_meta("gru-tests", points=100), "metadata_restored", "gru-tests", ("points",)),
    "solution true on a read-only cell": (edit_meta("gru-1-provided", solution=True), "metadata_restored",
                                          "gru-1-provided", ("solution",)),
    "grade true on an answer cell": (edit_meta("attention-3-softmax", grade=True, points=5), "metadata_restored",
                                     "attention-3-softmax", ("grade", "points")),
    "a test cell made markdown": (change_type("attention-tests"), "metadata_restored", "attention-tests",
                                  ("cell type",)),
    "a renamed test cell": (edit_meta("attention-tests", grade_id="mine"), "renamed_restored", "attention-tests",
                            ("grade_id",)),
    "an edited read-only cell": (edit_source("gru-1-provided", "import numpy as np\nnp.tanh = abs"),
                                 "source_restored", "gru-1-provided", ()),
    "an edited question": (edit_source("gru-question", "no question"), "source_restored", "gru-question", ()),
    "a deleted test cell": (delete("bidirectional_rnn-tests"), "deleted_restored", "bidirectional_rnn-tests", ()),
    "a deleted answer cell": (delete("gru-2-GRUCell"), "deleted_answer_restored", "gru-2-GRUCell", ()),
    "a deleted written answer": (delete("gru-answer"), "deleted_answer_restored", "gru-answer", ()),
    "metadata removed from an answer": (strip_metadata("gru-2-GRUCell"), "stripped_restored", "gru-2-GRUCell", ()),
}


@pytest.mark.parametrize("what", sorted(EDITS))
def test_each_edit_is_repaired_and_named(what):
    edit, kind, gid, fields = EDITS[what]
    cells = keyed()
    edit(cells)
    result = repair(RELEASE, cells)
    assert [(r.kind, r.cell, r.fields) for r in result.repairs] == [(kind, gid, fields)]
    answers = KEY if what != "a deleted answer cell" else {k: v for k, v in KEY.items() if k != gid}
    assert_restored(result, answers)
    assert gid in result.repairs[0].message


def test_a_deleted_cell_comes_back_where_it_was():
    cells = keyed()
    del cells[at(cells, "gru-2-GRUCell")]
    result = repair(RELEASE, cells).cells
    position = at(result, "gru-2-GRUCell")
    assert grade_id(result[position - 1]) == "gru-1-provided" and grade_id(result[position + 1]) == "gru-tests"
    assert "raise NotImplementedError()" in cell_text(result[position])  # the released stub


def test_copies_forged_and_pasted_cells_become_ordinary_cells_that_keep_their_source():
    cells = keyed()
    pasted = copy.deepcopy(cells[at(cells, "gru-tests")])
    pasted["id"] = "pasted"
    cells.insert(at(cells, "attention-1-provided"), pasted)  # a test cell pasted into another exercise
    forged = code_cell("pass", nbgrader={"grade": True, "grade_id": "bonus", "points": 100, "solution": False})
    cells.append(forged)
    result = repair(RELEASE, cells)
    assert sorted(r.kind for r in result.repairs) == ["copy_unmarked", "foreign_unmarked"]
    plain = [c for c in result.cells if "nbgrader" not in c["metadata"] and c["cell_type"] == "code"]
    assert [cell_text(c) for c in plain] == [cell_text(pasted), "pass"]
    assert result.cells[at(result.cells, "gru-tests")]["id"] == "gru-tests"  # the original counts, not the paste
    assert_restored(result, KEY)


def test_a_helper_the_student_added_is_kept_listed_and_never_taken_for_a_deleted_cell():
    cells = keyed()
    gru = at(cells, "gru-2-GRUCell")
    del cells[at(cells, "gru-tests")]  # the deleted test cell's place: right after the helper
    cells.insert(gru + 1, code_cell("def helper(x):\n    return x"))
    result = repair(RELEASE, cells)
    assert [r.kind for r in result.repairs] == ["deleted_restored"]
    assert result.added == [('the cell "def helper(x):"', "def helper(x):\n    return x")]
    assert "cells you added are not graded" in result.notes()[-1]
    assert_restored(result, KEY)


def test_a_cell_that_lost_its_metadata_is_recognised_by_what_it_defines():
    cells = keyed()
    cells[at(cells, "gru-2-GRUCell")]["metadata"] = {}
    result = repair(RELEASE, cells)
    assert [r.kind for r in result.repairs] == ["stripped_restored"]
    assert_restored(result, KEY)  # the student's GRU is graded, not the stub


def test_test_cells_get_the_trusted_source_with_its_hidden_part():
    trusted = {"gru-tests": "### BEGIN HIDDEN TESTS\nsecret\n### END HIDDEN TESTS\ncheck()"}
    result = repair(RELEASE, keyed(), trusted)
    assert result.repairs == []  # an untouched test cell is no repair, whatever the gradebook holds
    assert cell_text(result.cells[at(result.cells, "gru-tests")]) == trusted["gru-tests"]


def test_cell_ids_stay_unique_and_a_notebook_without_ids_gets_none():
    cells = keyed()
    del cells[at(cells, "gru-tests")]
    cells.append(code_cell("x = 1") | {"id": "gru-tests"})  # the deleted cell's id, taken by another cell
    ids = [c["id"] for c in repair(RELEASE, cells).cells]
    assert len(ids) == len(set(ids))
    old = keyed()
    for cell in old:
        cell.pop("id")
    del old[at(old, "gru-tests")]
    assert all("id" not in c for c in repair(RELEASE, old).cells)


# --- the copy that counts ----------------------------------------------------------------------------------------


def test_the_copy_that_counts_is_the_last_edited_as_far_as_the_notebook_tells():
    stub = "def f():\n    raise NotImplementedError()"
    cells = [code_cell(stub, 2), code_cell("def f():\n    return 1")]
    assert choose_copy(cells, [0, 1], stub).index == 1  # edited beats the stub, even run earlier
    assert choose_copy(cells, [0, 1], stub).why == "the only copy that is not the stub"
    cells = [code_cell("def f():\n    return 1", 9), code_cell("def f():\n    return 2", 4)]
    assert choose_copy(cells, [0, 1], stub).index == 0  # run last
    cells = [code_cell("def f():\n    return 1"), code_cell("def f():\n    return 2")]
    assert choose_copy(cells, [0, 1], stub).index == 1  # none run: the lowest, the kernel's last definition
    assert choose_copy(cells, [0, 1], stub).why == "the lowest copy in the notebook (none was run)"


# --- the line map -------------------------------------------------------------------------------------------------


def test_every_module_line_maps_to_the_same_text_in_its_cell():
    cells = keyed()
    cells[at(cells, "gru-2-GRUCell")]["source"] = "\n\n" + KEY["gru-2-GRUCell"] + "\n\n"  # blank lines around
    for exercise in ("gradient_clipping", "gru", "attention"):
        module = build_module(exercise, notebook_template(cells), {})
        by_id = {grade_id(c): cell_text(c).splitlines() for c in cells if grade_id(c)}
        lines = module.source.splitlines()
        mapped = 0
        for number, text in enumerate(lines, start=1):
            where = module.locate(number)
            if where is None:
                assert text == "", (exercise, number)  # only the blank lines that join cells
                continue
            assert by_id[where.grade_id][where.line - 1] == text, (exercise, number, where)
            mapped += 1
        assert mapped > 0.9 * len(lines)


# --- messages ------------------------------------------------------------------------------------------------------


def test_magics_and_shell_lines_are_found_at_the_start_of_statements_only():
    source = ('%%capture\nx = (1\n     % 2)\ns = """\n%not a magic\n"""\ndef f():\n    %time g()\n'
              '    !ls -l\n    return x % 3\n')
    assert magics(source) == [(1, "%%capture"), (8, "%time"), (9, "!ls")]
    assert magics("y = 2\nunterminated = (\n%time x\n") == [(3, "%time")]  # falls back to line by line


def test_child_text_keeps_what_the_student_wrote_and_hides_inputs_and_paths():
    source = 'raise ValueError(f"norm above 0.5: {x}")'
    said = ("ValueError: norm above 0.5: [[ 1.33161719 -0.0077707 ]\n [ 0.95691356  0.68113153]] in "
            "/home/prof/course/.seqlab/run/gru.py, mask [ True False  True]")
    shown = child_text(said, source)
    assert "0.5" in shown and "1.33161719" not in shown and "0.95" not in shown and "/home/prof" not in shown
    assert "True False" not in shown and "<array>" in shown and "<path>" in shown
    assert len(child_text("x" * 1000, source)) <= 300


def test_places_in_the_module_become_places_in_cells():
    module = build_module("gru", notebook_template(keyed()), {})
    forward = next(n for n, line in enumerate(module.source.splitlines(), 1) if "def forward" in line)
    cell_line = next(n for n, line in enumerate(KEY["gru-2-GRUCell"].splitlines(), 1) if "def forward" in line)
    assert (located(f"SyntaxError: invalid syntax (gru.py, line {forward}) (line {forward})", "gru.py", module)
            == f"SyntaxError: invalid syntax (cell 'gru-2-GRUCell', line {cell_line})")
    assert (located(f"ValueError: bad (line {forward + 1} in forward)", "gru.py", module)
            == f"ValueError: bad (cell 'gru-2-GRUCell', line {cell_line + 1}, in forward)")
    assert (located(f"ValueError: bad (line {forward + 1} in forward: h = W @ x)", "gru.py", module)
            == f"ValueError: bad (cell 'gru-2-GRUCell', line {cell_line + 1}, in forward: h = W @ x)")
    assert (located(f"exp overflowed on line {forward + 1} (e = np.exp(a))", "gru.py", module)
            == f"exp overflowed in cell 'gru-2-GRUCell', line {cell_line + 1} (e = np.exp(a))")
    assert located("ValueError: bad (line 48 in _sum)", "gru.py", module) == "ValueError: bad (line 48 in _sum)"


@pytest.mark.slow
def test_graded_messages_name_the_magic_and_the_cell_line_and_hide_the_inputs():
    from seqlab.grading.grader import grade
    from seqlab.grading.oracle import ReferenceOracle
    from seqlab.grading.seeds import PUBLIC

    lines = KEY["gru-2-GRUCell"].splitlines()
    body = next(n for n, line in enumerate(lines) if line.strip() == "### BEGIN SOLUTION")
    raising = "\n".join(lines[:body] + ["        raise ValueError(repr(x) + __file__)"] + lines[body:])
    for answer, expected in ((f"%%capture\n{KEY['gru-2-GRUCell']}",
                              "answer cells are graded as plain Python: remove `%%capture` (cell 'gru-2-GRUCell', "
                              "line 1)"),
                             (raising, f"raised ValueError: array(<array>)<path> (cell 'gru-2-GRUCell', line "
                                       f"{body + 1}, in forward: raise ValueError(repr(x) + __file__))")):
        module = build_module("gru", notebook_template(RELEASE), {"gru-2-GRUCell": answer})
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "gru.py").write_text(module.source)
            report = grade(Path(tmp), ReferenceOracle(), PUBLIC, only="gru")
        failed = [t for t in in_cell_terms(report, {"gru": module}).exercises["gru"].tests if not t.passed]
        assert expected in {t.detail for t in failed}, {t.detail for t in failed}
        if answer is raising:  # the structured record names the cell too
            assert {t.exception["cell"] for t in failed if t.exception} == {f"cell 'gru-2-GRUCell', line {body + 1}"}


# --- class grading reads notebooks the same way ---------------------------------------------------------------------


def test_class_grading_extracts_the_repaired_notebook(tmp_path):
    from seqlab.course.submissions import extract_notebooks

    cells = keyed()
    gru = at(cells, "gru-2-GRUCell")
    cells[gru]["source"] = "class GRUCell:\n    raise NotImplementedError()"
    cells[gru]["execution_count"] = 1
    copied = copy.deepcopy(cells[gru]) | {"id": "copy", "source": KEY["gru-2-GRUCell"], "execution_count": 2}
    cells.insert(gru + 1, copied)
    cells[at(cells, "gru-1-provided")]["source"] = "import numpy as np\nsigmoid = None"
    document = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    extract_notebooks({NB: json.dumps(document).encode()}, tmp_path, REPO, ASSIGNMENT)
    graded = (tmp_path / "gru.py").read_text()
    assert KEY["gru-2-GRUCell"].strip() in graded and "sigmoid = None" not in graded
