#!/bin/sh
# `make audit`: the pinned requirements against the Python Packaging
# Advisory Database (pip-audit, PyPI's vulnerability service). pip-audit lives
# in its own .venv-audit, so it adds nothing to the product's environment.
#
# Exit 0: checked, no known vulnerability. Exit 1: vulnerabilities found
# (listed). Exit 2: NOT CHECKED (the service or PyPI could not be reached) —
# never reported as "no known vulnerabilities".
set -u
cd "$(dirname "$0")/.."
VENV=.venv-audit
PIP_AUDIT_VERSION=2.10.1

if [ ! -x "$VENV/bin/pip-audit" ]; then
    if ! { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "pip-audit==$PIP_AUDIT_VERSION"; } >"$VENV.log" 2>&1; then
        echo "NOT CHECKED: pip-audit could not be installed (see $VENV.log)."
        exit 2
    fi
fi

status=0
out=$(mktemp)
for file in requirements.txt requirements-dev.txt; do
    "$VENV/bin/pip-audit" --requirement "$file" --no-deps --disable-pip \
        --vulnerability-service pypi --progress-spinner off --desc off >"$out" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ]; then
        echo "$file: checked on $(date -u +%Y-%m-%d), no known vulnerabilities."
    elif grep -q "known vulnerabilit" "$out"; then
        echo "$file: VULNERABLE"
        cat "$out"
        [ "$status" -eq 2 ] || status=1
    else
        echo "$file: NOT CHECKED — the vulnerability service could not be asked:"
        tail -3 "$out"
        status=2
    fi
done
rm -f "$out"
exit "$status"
