"""Everything that decides a score, and nothing else.

    registry, spec, exercises/   what is graded: each exercise's checks, points, calls and known mistakes
    seeds, cases                 the inputs of each check (public, or official per student)
    runner, sandbox, driver      the student's code, run in a sandboxed child that returns raw arrays only
    oracle, judge, tolerance     what is right (reference/ or the release's public data) and whether a result is
    diagnosis                    which known mistakes a wrong result reproduces
    report, atomic               the report model and how it is written
    grader                       all of it, for one submission folder

Nothing here imports seqlab.notebooks or seqlab.course; this whole folder (and reference/) is what a grade
depends on, so class grading's cache key hashes exactly these two trees.
"""
