"""The import path that the released notebooks' test cells use: ``from seqlab.nbcheck import check_exercise``.

A grade cell's source must not change once an assignment is released (nbgrader keeps its checksum), so this name
stays; the code is ``seqlab.notebooks.check``.
"""

from seqlab.notebooks.check import check_exercise

__all__ = ["check_exercise"]
