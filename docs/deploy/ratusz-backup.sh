#!/bin/sh
# Nightly backup of one Ratusz installation: database, media files, secrets.
# Run by ratusz-backup.service (as root, with the installation's environment
# file); copy BACKUP_DIR off the server as well (rsync, restic, borg).
#
# Restore: PostgreSQL — pg_restore --clean --if-exists --no-owner -d ratusz
# ratusz.dump; SQLite — stop both units and copy ratusz.sqlite3 back; media —
# tar -xzf media.tar.gz -C "$RATUSZ_VAR_DIR"; secrets — ratusz.env and .secret_key.
set -eu

VAR_DIR=${RATUSZ_VAR_DIR:-/var/lib/ratusz}
MEDIA=${MEDIA_ROOT:-$VAR_DIR/media}
ENV_FILE=${RATUSZ_ENV_FILE:-/etc/ratusz/ratusz.env}
DEST=${BACKUP_DIR:-/var/backups/ratusz}/$(date +%Y-%m-%d)
KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
umask 077
mkdir -p "$DEST"

case "${DATABASE_URL:-}" in
postgres://* | postgresql://*)
    # Custom format: compressed, restorable table by table with pg_restore.
    pg_dump --format=custom --no-owner --dbname="$DATABASE_URL" \
        --file="$DEST/ratusz.dump"
    ;;
"")
    # SQLite's online backup API: a consistent copy while the site runs
    # (the same as: sqlite3 ratusz.sqlite3 ".backup '$DEST/ratusz.sqlite3'").
    python3 - "$VAR_DIR/ratusz.sqlite3" "$DEST/ratusz.sqlite3" <<'EOF'
import sqlite3
import sys

source, target = (sqlite3.connect(path) for path in sys.argv[1:3])
with target:
    source.backup(target)
EOF
    ;;
*)
    echo "Unsupported DATABASE_URL scheme" >&2
    exit 1
    ;;
esac

tar -C "$(dirname "$MEDIA")" -czf "$DEST/media.tar.gz" "$(basename "$MEDIA")"
cp "$ENV_FILE" "$DEST/"
# Without SECRET_KEY in the environment, the key lives in the var folder.
if [ -f "$VAR_DIR/.secret_key" ]; then cp "$VAR_DIR/.secret_key" "$DEST/"; fi

find "$(dirname "$DEST")" -mindepth 1 -maxdepth 1 -type d -mtime +"$KEEP_DAYS" \
    -exec rm -rf {} +
echo "Backup written to $DEST"
