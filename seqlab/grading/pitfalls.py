"""numpy's shape pitfalls, named from the evidence: an exception's type, message and shapes, the student's own line,
the shapes of the arrays that line held, and the check's inputs (never by matching one message string alone).

    numpy.vector_plus_columns        a (k,) vector added to a (k, B) array
    numpy.reduction_without_keepdims a sum / max without keepdims=True no longer lines up with its array
    numpy.transpose_batched          .T (or a fixed transpose) on a batched (B, n, d) array
    numpy.dot_3d                     np.dot on 3-D arrays: every batch paired with every batch
    numpy.boolean_mask_broadcast     S[mask] with a mask that only broadcasts to S
    numpy.matmul_inner_mismatch      A @ B whose inner sizes differ (a row-major operand?)
    numpy.no_such_function           np.sigmoid and other functions numpy does not have
    numpy.exp_overflow               exp of a large number is inf, and inf / inf is nan
    contract.return_form             the function's return value is not what the contract says (None, one value)

Each explanation is a (pitfall id, text) pair; the id is data in the report, the text says it with the shapes seen.
"""

from __future__ import annotations

import difflib
import re

import numpy as np

from seqlab.grading.outcome import Outcome

PITFALLS = ("numpy.vector_plus_columns", "numpy.reduction_without_keepdims", "numpy.transpose_batched",
            "numpy.dot_3d", "numpy.boolean_mask_broadcast", "numpy.matmul_inner_mismatch",
            "numpy.no_such_function", "numpy.exp_overflow", "contract.return_form")

_SHAPE = re.compile(r"\(([\d,\s]*)\)")
_REDUCTION = re.compile(r"(?:np\.|\.)(?:sum|max|min|mean|amax|amin|nansum|nanmax|prod)\(")
_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*(?:\.[A-Za-z_][A-Za-z_0-9]*)?")
# What to use instead of a function numpy does not have.
_INSTEAD = {
    "sigmoid": "write it, or use the sigmoid the exercise file provides: 1 / (1 + np.exp(-x)) in its stable form",
    "softmax": "write it: e = np.exp(x - x.max(axis, keepdims=True)); e / e.sum(axis, keepdims=True)",
    "relu": "use np.maximum(x, 0)",
    "expit": "expit is scipy's (scipy.special), which the grader does not have: write the sigmoid with numpy",
    "logsumexp": "logsumexp is scipy's: m + np.log(np.sum(np.exp(x - m), axis, keepdims=True)) with m the max",
}


def _shape(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in text.replace(" ", "").split(",") if n)


def _fmt(shape) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _without_one_axis(small: tuple, big: tuple) -> bool:
    return len(small) == len(big) - 1 and any(big[:i] + big[i + 1:] == small for i in range(len(big)))


def _reduced_elsewhere(names: list[str], line: int, source: list[str]) -> bool:
    """Whether one of the names on the failing line was last assigned, above it, a reduction without keepdims."""
    for name in names:
        pattern = re.compile(rf"^\s*{re.escape(name)}\s*=(?!=)")
        for text in reversed(source[:max(line - 1, 0)]):
            if pattern.match(text):
                if _REDUCTION.search(text) and "keepdims" not in text:
                    return True
                break
    return False


def _broadcast(record: dict, shapes: list[tuple], source: list[str]) -> tuple[str, str] | None:
    text = record.get("text", "")
    for small in shapes:
        for big in shapes:
            if not _without_one_axis(small, big):
                continue
            reduced = (_REDUCTION.search(text) and "keepdims" not in text) or \
                _reduced_elsewhere(_NAME.findall(text), record.get("line", 0), source)
            if reduced:
                return ("numpy.reduction_without_keepdims",
                        f"a {_fmt(big)} array reduced along one axis without keepdims=True is {_fmt(small)}; it no "
                        f"longer lines up with the array it came from (numpy matches shapes from the last axis). "
                        f"Pass keepdims=True to np.sum / np.max so that the reduced axis stays, with size 1")
            if len(small) == 1 and len(big) >= 2 and big[-2] == small[0] != big[-1]:
                k, B = big[-2], big[-1]
                return ("numpy.vector_plus_columns",
                        f"a ({k},) vector meets a ({k}, {B}) array: numpy lines shapes up from the LAST axis, so the "
                        f"vector is matched against the {B} columns, not the {k} rows. Keep it a column of shape "
                        f"({k}, 1) (biases are (features, 1) here): v.reshape(-1, 1) or v[:, None]")
    return None


def _operand_shapes(record: dict) -> dict[str, tuple]:
    """The shapes of the arrays named on the failing line (``x.T`` too: x's shape reversed)."""
    shapes, found = record.get("shapes", {}), {}
    for name in _NAME.findall(record.get("text", "")):
        base = name.removesuffix(".T")
        if base in shapes:
            found[name] = tuple(shapes[base])[::-1] if name.endswith(".T") else tuple(shapes[base])
    return found


def explain_error(record: dict, inputs: dict[str, np.ndarray], source: list[str]) -> tuple[str, str] | None:
    """The pitfall behind an exception, from its record (``driver.error_record``), the check's inputs and the
    student's source lines; None when none is proven."""
    kind, message, text = record.get("type", ""), record.get("message", ""), record.get("text", "")
    on_line = _operand_shapes(record)
    # Batched: an array on the failing line has 3 axes (or, with none seen there, an input of the check has).
    batched = any(len(s) >= 3 for s in on_line.values()) if on_line else any(a.ndim >= 3 for a in inputs.values())
    if kind == "AttributeError":
        found = re.match(r"module 'numpy(?:\.(\w+))?' has no attribute '(\w+)'", message)
        if found:
            module, name = found.groups()
            where = f"np.{module}" if module else "numpy"
            instead = _INSTEAD.get(name)
            if instead is None:
                close = difflib.get_close_matches(name, dir(getattr(np, module) if module else np), n=1)
                instead = f"did you mean np.{module + '.' if module else ''}{close[0]}?" if close else \
                    "check the name in numpy's documentation"
            return "numpy.no_such_function", f"{where} has no function {name}: {instead}"
    if record.get("in") == "grader" and kind in ("TypeError", "ValueError") and re.search(
            r"unpack|not iterable|not subscriptable", message):
        said = "returned None (is a `return` missing?)" if "NoneType" in message else \
            "returned something of another form"
        return ("contract.return_form",
                f"your function {said}: the grader's `{text}` unpacks what it returns as the contract's docstring "
                f"says (Returns)")
    if kind == "IndexError" and "boolean index did not match" in message:
        mask = next((s for n, s in on_line.items() if "mask" in n.lower()), None)
        target = max(on_line.values(), key=len, default=None)
        shapes = f": the mask is {_fmt(mask)} and the array {_fmt(target)}" if mask and target else ""
        return ("numpy.boolean_mask_broadcast",
                f"boolean indexing S[mask] needs a mask of exactly S's shape and never broadcasts{shapes}. Use "
                f"np.where(mask, S, -np.inf), which broadcasts the mask over the batch")
    if kind == "ValueError" and re.search(r"\.T\b|np\.transpose\(|\.transpose\(", text) and (
            batched or "axes don't match" in message):
        return ("numpy.transpose_batched",
                "`.T` (or a transpose with fixed axes) on a batched array: .T reverses ALL the axes, so a (B, n, d) "
                "E becomes (d, n, B), and transpose(0, 2, 1) fails on a single (n, d) sequence. Swap only the last "
                "two axes: np.swapaxes(E, -1, -2), which works for (n, d) and (B, n, d) alike")
    if kind == "ValueError" and "not aligned" in message and "dot" in text:
        return ("numpy.dot_3d",
                "np.dot on 3-D arrays is not a batched product: it sums the last axis of the first array against "
                "the second-to-last of the second and pairs every batch with every batch ((B, n, d) . (B, d, n) -> "
                "(B, n, B, n)). Use @ (np.matmul), which multiplies batch by batch")
    if kind == "ValueError" and ("broadcast" in message):
        found = _broadcast(record, [_shape(s) for s in _SHAPE.findall(message)], source)
        if found:
            return found
    if kind == "ValueError" and "matmul" in message:
        product = re.search(r"([A-Za-z_][\w.]*)\s*@\s*([A-Za-z_][\w.]*)", text)
        if product and all(name in on_line for name in product.groups()):
            (a, b), (sa, sb) = product.groups(), (on_line[product.group(1)], on_line[product.group(2)])
            if b.endswith(".T") and sa[-1:] == sb[::-1][-2:-1]:
                hint = f" ({b[:-2]} itself, {_fmt(sb[::-1])}, would fit: it is already (features, batch) here)"
            elif sa[-1:] == sb[-1:]:
                hint = f" ({b}.T would fit: is {b} row-major, (batch, features)? Here columns are examples)"
            else:
                hint = ""
            return ("numpy.matmul_inner_mismatch",
                    f"{a} @ {b} with {a} {_fmt(sa)} and {b} {_fmt(sb)}: a product (m, k) @ (k, n) needs the inner "
                    f"sizes equal, and here they are {sa[-1]} and {sb[-2] if len(sb) >= 2 else sb[-1]}{hint}")
    return None


def explain_result(got: Outcome, expected: Outcome) -> tuple[str, str] | None:
    """The pitfall behind a wrong result that raised nothing: np.dot's (B, n, B, m) shape, or exp overflowing into
    inf and nan (proven by the overflow warning the student's own line raised: nan from 0 / 0 is another story)."""
    for key, want in expected.arrays.items():
        have = got.arrays.get(key)
        if have is None:
            continue
        if want.ndim == 2 and want.shape[1] == 1 and have.shape[:1] == want.shape[:1] and have.ndim == 2 \
                and have.shape[1] > 1:
            k = have.shape[1]
            return ("numpy.vector_plus_columns",
                    f"{key} has shape {_fmt(have.shape)} where the batch has one column ({_fmt(want.shape)}): a ({k},) "
                    f"vector added to a ({k}, 1) column broadcasts to ({k}, {k}). Keep it a column of shape ({k}, 1) "
                    f"(biases are (features, 1) here): v.reshape(-1, 1) or v[:, None]")
        if want.ndim == 3 and have.shape == want.shape[:2] + want.shape[:1] + want.shape[2:]:
            return ("numpy.dot_3d",
                    f"{key} has np.dot's shape {_fmt(have.shape)} instead of {_fmt(want.shape)}: np.dot on 3-D "
                    f"arrays pairs every batch with every batch. Use @ (np.matmul), which multiplies batch by batch")
        if have.shape == want.shape and have.dtype.kind == "f" and (np.isfinite(want) & ~np.isfinite(have)).any():
            overflow = [w for w in got.record.get("warnings", []) if "overflow encountered in exp" in w["message"]]
            if overflow:
                return ("numpy.exp_overflow",
                        f"exp overflowed on line {overflow[0]['line']} ({overflow[0]['text']}): exp(x) is inf for x "
                        f"above about 709 in float64 (88 in float32), and inf / inf is nan. Shift before exp: "
                        f"exp(x - max x) (for a sigmoid, use its stable form)")
    return None
