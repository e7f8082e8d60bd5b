"""HOSTILE (the grader's own package, through __import__): seqlab is importable where the grader is installed, and
its location names the instructor's repository, whose reference/ holds the trusted answers. The child has numpy
and the standard library only."""

import os
import sys

seqlab = __import__("seqlab")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(seqlab.__file__))))
reference = __import__("reference.gradient_clipping", fromlist=["clip_grad_norm"])

clip_grad_norm = reference.clip_grad_norm
clip_grad_value = reference.clip_grad_value
