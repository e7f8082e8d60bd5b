"""The instructor's side: authoring (stubs, the nbgrader notebooks, releases) and administration (class grading,
overrides, Gradescope, nbgrader's autograde). Never shipped to students; imports seqlab.notebooks and
seqlab.grading, and nothing imports it but the CLI.
"""
