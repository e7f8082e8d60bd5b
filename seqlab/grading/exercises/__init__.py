"""One folder per exercise: its spec (``__init__.py``: checks, points, known mistakes) and its calls (``calls.py``).

The registry (``seqlab.grading.registry``) finds every folder here; nothing else lists the exercises.
"""
