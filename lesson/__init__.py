"""The lesson "from RNNs to attention", measured: each section's claim is computed, not drawn.

One module per experiment; each experiment is a function of a seed and size knobs that returns plain numbers
(JSON-ready dicts of floats and lists). The notebook lesson/rnns_to_attention.ipynb, generated from its source
lesson/rnns_to_attention.py by lesson/build_notebook.py, runs them on three seeds (lesson/record.py), plots them
(lesson/figures.py), judges them against the claims defined once in lesson/claims.py, and words the readings
(lesson/summary.py).
"""
