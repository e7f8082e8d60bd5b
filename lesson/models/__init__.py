"""Trusted numpy models the lesson runs and no exercise asks for: the SimpleRNN (forward, BPTT, the training step)
and the LSTM cell.

They ship in the student release with the rest of the lesson. reference/ (the trusted math of the four exercises,
which grading compares against) never does; where a section needs an exercise, lesson.exercise_code picks the
implementation.
"""
