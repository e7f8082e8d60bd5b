"""Known wrong versions of each exercise: the trusted math behind the grader's diagnoses.

When a submission's result is wrong, the grader (in the trusted parent) runs each known mistake on the same
inputs and, if the submission reproduces one of them, names it. Each module here holds ``VARIANTS``: for every
mistake key of the exercise's spec (``seqlab/grading/exercises/<name>/``, where its id, its order and the message
a student reads are), a whole API (functions / classes under the exercise's names) that makes exactly that
mistake, so that it goes through the same calls as the student's module.

These are instructor material: they sit next to the answers and never ship in a student release.
"""
