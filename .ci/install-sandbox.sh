#!/usr/bin/env bash
# Installs what seqlab/grading/sandbox.py needs for its strong boundary (SEQLAB_SANDBOX=required):
#   * bubblewrap (namespaces: the child sees only python, numpy and its work directory; no network;
#     the grading process and its /proc are invisible to it), and
#   * unprivileged sandbox users seqlab-sandbox0..N-1 (one per concurrent child), because the grader
#     runs as root and RLIMIT_NPROC / PR_SET_DUMPABLE / file permissions do not bind a root child. They are
#     used with or without bubblewrap (where a container forbids namespaces, they are what holds the child).
# Idempotent and non-interactive: a second run changes nothing. Needs root on Debian/Ubuntu for the
# system part; as a normal user it only reports what is missing (the sandbox then runs in its
# weaker "best" mode).
set -euo pipefail

N_USERS="${SEQLAB_SANDBOX_USERS:-8}"
PREFIX="seqlab-sandbox"

if [ "$(id -u)" -ne 0 ]; then
    command -v bwrap >/dev/null || echo "install-sandbox: bubblewrap missing (needs root: apt-get install -y bubblewrap)" >&2
    echo "install-sandbox: not root; sandbox users not created (the sandbox runs as your own uid)" >&2
    exit 0
fi

if ! command -v bwrap >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q --no-install-recommends bubblewrap >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends bubblewrap >/dev/null; }
    else
        echo "install-sandbox: no apt-get; install bubblewrap by hand" >&2
        exit 1
    fi
fi

# System users without home, shell or password, each with its own group of the same name (a group left by
# an interrupted earlier run is reused). The sandbox finds them by name: seqlab-sandbox0, 1, ... up to a gap.
export PATH="$PATH:/usr/sbin:/sbin"
for i in $(seq 0 $((N_USERS - 1))); do
    name="${PREFIX}${i}"
    getent passwd "$name" >/dev/null && continue
    if getent group "$name" >/dev/null; then group=(--gid "$name"); else group=(--user-group); fi
    useradd --system "${group[@]}" --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin --comment "seqlab grading sandbox" "$name"
done

# Namespaces may still be forbidden (an unprivileged container): say so now rather than in a test.
if ! bwrap --dev-bind / / --unshare-pid --unshare-net --unshare-ipc --as-pid-1 -- true 2>/dev/null; then
    echo "install-sandbox: WARNING: bwrap cannot create namespaces here; SEQLAB_SANDBOX=required will refuse" >&2
fi

echo "install-sandbox: $(bwrap --version), users ${PREFIX}0..$((N_USERS - 1)) present"
