"""nbgrader for this course: the notebooks built from the answer key, the autograde that grades answer cells with
seqlab's isolated grader instead of executing notebooks, and manual grading of the free-response answers."""
