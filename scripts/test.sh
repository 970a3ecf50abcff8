#!/usr/bin/env bash
# The whole suite: checks and lint once, then pytest on SQLite and on
# PostgreSQL side by side (one per core), each printing its own summary.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export RATUSZ_TESTING=1

echo "== checks"
$PY manage.py check --fail-level WARNING || exit 1
DJANGO_SETTINGS_MODULE=ratusz.settings $PY manage.py makemigrations --check --dry-run -v1 || { echo "missing migrations"; exit 1; }
.venv/bin/ruff check . || exit 1
.venv/bin/ruff format --check . || exit 1
# The layering rule of docs/architecture.md (contracts in .importlinter).
.venv/bin/lint-imports --no-cache || exit 1

logs=$(mktemp -d)
echo "== pytest on SQLite and PostgreSQL"
DATABASE_URL= $PY -m pytest "$@" >"$logs/sqlite.log" 2>&1 &
sqlite_pid=$!
# A database name per checkout: two clones testing at once on one machine
# would otherwise share (and break) one test database.
pg_name=ratusz_$(printf %s "$PWD" | md5sum | cut -c1-8)
DATABASE_URL=postgres://postgres@127.0.0.1:5432/$pg_name \
  RATUSZ_VAR_DIR="$PWD/var/pg" $PY -m pytest "$@" >"$logs/postgres.log" 2>&1 &
pg_pid=$!
wait $sqlite_pid; sqlite_rc=$?
wait $pg_pid; pg_rc=$?

echo "== SQLite (exit $sqlite_rc)"
cat "$logs/sqlite.log"
echo "== PostgreSQL (exit $pg_rc)"
cat "$logs/postgres.log"
rm -rf "$logs"
[ $sqlite_rc = 0 ] && [ $pg_rc = 0 ]
