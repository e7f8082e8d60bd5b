"""How close a result must be to count as right, and why.

Expected values are computed in float64 from the very inputs the student received (float32 inputs are
upcast first), so they carry only float64 rounding. What is left is the student's own rounding:

* float64 inputs: rtol 1e-9, atol 1e-12. float64's unit roundoff is 1.1e-16; the longest chains here
  (12 recurrent steps, sums of ~50 squares, softmax of logits up to 1e4 where a logit's absolute
  rounding of 1e4 * 1.1e-16 becomes a relative error of the same size in exp) amplify it by at most
  ~1e4, i.e. ~1e-12 relative. 1e-9 leaves three orders of margin for any legitimate ordering of the
  arithmetic, and stays six orders below the smallest effect of a real mistake seen in the mutant
  corpus (e.g. omitting the 1e-6 in max_norm / (total + 1e-6) changes results by ~2e-7 relative).
* float32 inputs: rtol 1e-4, atol 1e-6. float32's unit roundoff is 6e-8; the same chains amplify it to
  ~1e-5 relative at most for the float32 fixtures, whose magnitudes are moderate (the 1e4-logit case is
  float64 only: in float32 a logit of 1e4 is itself only known to ~1e-3). The atol covers entries that
  are ~0 (tanh and gates near 0) where relative error is meaningless.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float
    label: str

    def close(self, got: np.ndarray, expected: np.ndarray, equal_nan: bool = False) -> np.ndarray:
        return np.isclose(got, expected, rtol=self.rtol, atol=self.atol, equal_nan=equal_nan)

    def all_close(self, got: np.ndarray, expected: np.ndarray) -> bool:
        """``close(got, expected, equal_nan=True).all()`` for float64 arrays of one shape, without np.isclose's
        overhead (the search for combined mistakes compares thousands of outcomes): |got - expected| <= atol +
        rtol |expected|; an infinity equals only itself; NaN equals NaN."""
        with np.errstate(invalid="ignore", over="ignore"):
            ok = np.abs(got - expected) <= self.atol + self.rtol * np.abs(expected)
        infinite = np.isinf(got) | np.isinf(expected)
        ok = np.where(infinite, got == expected, ok) | (np.isnan(got) & np.isnan(expected))
        return bool(ok.all())


FLOAT64 = Tolerance(rtol=1e-9, atol=1e-12, label="float64")
FLOAT32 = Tolerance(rtol=1e-4, atol=1e-6, label="float32")


def for_inputs(arrays: dict[str, np.ndarray]) -> Tolerance:
    """float32 tolerance as soon as any floating-point input is float32."""
    if any(a.dtype == np.float32 for a in arrays.values()):
        return FLOAT32
    return FLOAT64
