"""numpy's shape pitfalls are named from the evidence (the exception, the student's line and the shapes it held),
and not named without it. Each record below is what the child reports (seqlab.grading.driver.error_record);
the first test shows a real one."""

import textwrap

import numpy as np
import pytest

from seqlab.grading import driver
from seqlab.grading.outcome import Outcome
from seqlab.grading.pitfalls import explain_error, explain_result


def record(kind, message, text, shapes=None, where="submission", line=12):
    return {"type": kind, "message": message, "in": where, "line": line, "function": "forward", "text": text,
            "shapes": shapes or {}}


def test_the_child_reports_an_exception_as_data(tmp_path):
    """type, message, the student's line number and text, and the shapes of the arrays that frame held."""
    source = textwrap.dedent("""
        import numpy as np

        def softmax(x, axis=-1):
            m = np.max(x, axis=axis)
            return np.exp(x - m)
    """)
    (tmp_path / "attention.py").write_text(source)
    module = driver._import_submission(str(tmp_path / "attention.py"))
    _, error, rec = driver.recorded_call(lambda api, arrays, args: {"p": api.softmax(arrays["x"])}, module,
                                         {"x": np.zeros((4, 6))}, {}, str(tmp_path / "attention.py"))
    assert error[0] == "error" and "(line 6 in softmax: return np.exp(x - m))" in error[1]
    assert rec["type"] == "ValueError" and rec["in"] == "submission" and rec["line"] == 6
    assert rec["text"] == "return np.exp(x - m)" and rec["shapes"] == {"x": [4, 6], "m": [4]}
    assert explain_error(rec, {"x": np.zeros((4, 6))}, source.splitlines())[0] == "numpy.reduction_without_keepdims"


def test_a_vector_added_to_columns():
    rec = record("ValueError", "operands could not be broadcast together with shapes (9,5) (9,) ",
                 "gi = self.W_ih @ x + self.b_ih.ravel()", {"x": [4, 5], "self.W_ih": [9, 4], "self.b_ih": [9, 1]})
    pitfall, text = explain_error(rec, {}, [])
    assert pitfall == "numpy.vector_plus_columns" and "(9,) vector meets a (9, 5) array" in text


def test_a_reduction_without_keepdims_on_the_line_or_above_it():
    on_line = record("ValueError", "operands could not be broadcast together with shapes (4,6) (4,) ",
                     "e = np.exp(x - np.max(x, axis=axis))", {"x": [4, 6]})
    assert explain_error(on_line, {}, [])[0] == "numpy.reduction_without_keepdims"
    above = record("ValueError", "operands could not be broadcast together with shapes (2,5,5) (2,5) ",
                   "e = np.exp(x - m)", {"x": [2, 5, 5], "m": [2, 5]}, line=3)
    source = ["def softmax(x, axis=-1):", "    m = x.max(axis=axis)", "    e = np.exp(x - m)"]
    assert explain_error(above, {}, source)[0] == "numpy.reduction_without_keepdims"
    kept = ["def softmax(x, axis=-1):", "    m = x.max(axis=axis, keepdims=True)", "    e = np.exp(x - m)"]
    assert explain_error(above, {}, kept) is None  # the shapes alone do not prove a reduction


def test_a_transpose_of_every_axis_of_a_batch():
    rec = record("ValueError", "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc "
                 "signature (n?,k),(k,m?)->(n?,m?) (size 5 is different from 3)", "return E @ E.T", {"E": [2, 5, 3]})
    assert explain_error(rec, {}, [])[0] == "numpy.transpose_batched"
    fixed = record("ValueError", "axes don't match array", "return E @ E.transpose(0, 2, 1)", {"E": [4, 6]})
    assert explain_error(fixed, {}, [])[0] == "numpy.transpose_batched"
    two_d = record("ValueError", rec["message"], "h = W @ x.T", {"W": [5, 3], "x": [3, 4]})
    assert explain_error(two_d, {}, [])[0] == "numpy.matmul_inner_mismatch"  # no batch on that line


def test_np_dot_on_batches_raising_or_not():
    rec = record("ValueError", "shapes (2,5,3) and (3,5,2) not aligned: 3 (dim 2) != 5 (dim 1)",
                 "return np.dot(E, E.T)", {"E": [2, 5, 3]})
    assert explain_error(rec, {}, [])[0] == "numpy.transpose_batched"  # E.T is the first thing wrong on that line
    rec["text"] = "S = np.dot(E, F)"
    assert explain_error(rec, {}, [])[0] == "numpy.dot_3d"
    got = Outcome({"S": np.zeros((2, 5, 2, 5))})
    assert explain_result(got, Outcome({"S": np.zeros((2, 5, 5))}))[0] == "numpy.dot_3d"
    assert explain_result(Outcome({"S": np.zeros((2, 5, 5, 1))}), Outcome({"S": np.zeros((2, 5, 5))})) is None


def test_boolean_indexing_with_a_broadcastable_mask():
    rec = record("IndexError", "boolean index did not match indexed array along axis 0; size of axis is 2 but size "
                 "of corresponding boolean axis is 5", "scores[~mask] = -np.inf", {"scores": [2, 5, 5], "mask": [5, 5]})
    pitfall, text = explain_error(rec, {}, [])
    assert pitfall == "numpy.boolean_mask_broadcast" and "the mask is (5, 5) and the array (2, 5, 5)" in text


def test_a_function_numpy_does_not_have():
    rec = record("AttributeError", "module 'numpy' has no attribute 'sigmoid'", "r = np.sigmoid(a)")
    pitfall, text = explain_error(rec, {}, [])
    assert pitfall == "numpy.no_such_function" and "numpy has no function sigmoid" in text
    typo = record("AttributeError", "module 'numpy' has no attribute 'swapaxis'", "np.swapaxis(E, -1, -2)")
    assert "did you mean np.swapaxes?" in explain_error(typo, {}, [])[1]
    own = record("AttributeError", "'GRUCell' object has no attribute 'hidden_size'", "H = self.hidden_size")
    assert explain_error(own, {}, []) is None


def test_exp_overflow_needs_the_overflow_warning_of_the_students_line():
    expected = Outcome({"softmax": np.full((2, 3), 1 / 3)})
    nan = np.full((2, 3), np.nan)
    warned = Outcome({"softmax": nan}, record={"warnings": [
        {"category": "RuntimeWarning", "message": "overflow encountered in exp", "line": 9, "text": "e = np.exp(x)"}]})
    pitfall, text = explain_result(warned, expected)
    assert pitfall == "numpy.exp_overflow" and "line 9 (e = np.exp(x))" in text
    silent = Outcome({"softmax": nan})  # NaN from 0 / 0, say: not an overflow
    assert explain_result(silent, expected) is None


def test_a_return_value_of_the_wrong_form():
    rec = record("ValueError", "too many values to unpack (expected 2)", "h, gates = cell.forward(x, h_prev)",
                 where="grader")
    assert explain_error(rec, {}, [])[0] == "contract.return_form"
    none = record("TypeError", "cannot unpack non-iterable NoneType object", "h, gates = cell.forward(x, h_prev)",
                  where="grader")
    assert "returned None" in explain_error(none, {}, [])[1]
    mine = record("ValueError", "too many values to unpack (expected 2)", "a, b = pairs")  # in the student's code
    assert explain_error(mine, {}, []) is None


@pytest.mark.parametrize("message", ["operands could not be broadcast together with shapes (3,4) (5,) ",
                                     "something else entirely"])
def test_no_pitfall_without_its_evidence(message):
    assert explain_error(record("ValueError", message, "y = a + b", {"a": [3, 4], "b": [5]}), {}, []) is None
