#!/usr/bin/env bash
# Submits a class in N shards (a Slurm job array, deploy/slurm/class-grade.sbatch) and, once every shard has
# ended, the merge and the class report:
#
#   deploy/slurm/submit.sh SUBMISSIONS GRADES [N]      (N defaults to 8)
#
# The gradebook is GRADES/class/grades.csv, the report GRADES/class/report.html. The merge runs whether or not a
# shard reported students it could not grade (afterany): the merged CSV lists them; a shard that never wrote its
# output makes the merge stop with a message naming it.
set -euo pipefail

submissions=${1:?usage: submit.sh SUBMISSIONS GRADES [N]}
grades=${2:?usage: submit.sh SUBMISSIONS GRADES [N]}
n=${3:-8}
here=$(cd "$(dirname "$0")" && pwd)
python=${SEQLAB_PYTHON:-.venv/bin/python}

array=$(sbatch --parsable --array="1-$n" "$here/class-grade.sbatch" "$submissions" "$grades")
array=${array%%;*}  # --parsable prints "jobid[;cluster]"
merge="$(printf '%q' "$python") -m seqlab class-merge $(printf '%q' "$grades")/shard-* --out $(printf '%q' "$grades/class")"
report="$(printf '%q' "$python") -m seqlab class-report $(printf '%q' "$grades/class")"
sbatch --parsable --dependency="afterany:$array" --job-name=seqlab-class-merge \
    --output=seqlab-class-merge-%j.out --wrap "$merge && $report"
echo "submitted: shards in job array $array, then the merge into $grades/class"
