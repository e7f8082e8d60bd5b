#!/usr/bin/env bash
# Grades a class on Kubernetes: the Indexed Job of shards, then (once all have completed) the merge and report.
#
#   deploy/kubernetes/run.sh [NAMESPACE]
#
# Before: the image (deploy/kubernetes/Dockerfile) pushed where the cluster pulls it (edit `image:` in both
# Jobs), the claim seqlab-class holding /class/submissions, and the course secret:
#   kubectl create secret generic seqlab-secret --from-file=secret=.seqlab/secret
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
kubectl=(kubectl ${1:+--namespace "$1"})

"${kubectl[@]}" delete job seqlab-class-grade seqlab-class-merge --ignore-not-found
"${kubectl[@]}" apply -f "$here/class-grade-job.yaml"
while :; do  # until every index has completed, or the Job has failed (a shard failed twice)
    state=$("${kubectl[@]}" get job seqlab-class-grade -o jsonpath='{.status.conditions[?(@.status=="True")].type}')
    case "$state" in
        *Complete*) break ;;
        *Failed*) echo "run.sh: a shard failed; see kubectl logs job/seqlab-class-grade" >&2; exit 1 ;;
    esac
    sleep 10
done
"${kubectl[@]}" apply -f "$here/class-merge-job.yaml"
"${kubectl[@]}" wait --for=condition=complete --timeout=30m job/seqlab-class-merge
"${kubectl[@]}" logs job/seqlab-class-merge
