"""A student's notebook, read statically: which cells hold an exercise's code, the module they make, and the
notebook's own test cells. The student side of notebooks (shipped in a release); nbgrader's side is in
seqlab.course.nbgrade."""
