#!/bin/sh
# Nightly backup of one Ratusz installation: `manage.py backup` writes the
# database (SQLite's online backup or pg_dump), media, private files and the
# secrets into one archive, readable by its owner only. Run by
# ratusz-backup.service with the installation's environment file; copy
# BACKUP_DIR off the server as well (rsync, restic, borg).
#
# Restore onto an empty installation (same database engine):
#   manage.py restore /var/backups/ratusz/ratusz-YYYY-MM-DD.tar.gz
# It refuses a non-empty database unless --force, and checks every table's
# row count against the archive.
set -eu

APP=${RATUSZ_APP_DIR:-/srv/ratusz}
DEST=${BACKUP_DIR:-/var/backups/ratusz}
KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
umask 077
mkdir -p "$DEST"

"$APP/.venv/bin/python" "$APP/manage.py" backup "$DEST/ratusz-$(date +%Y-%m-%d).tar.gz"

find "$DEST" -maxdepth 1 -name 'ratusz-*.tar.gz' -mtime +"$KEEP_DAYS" -delete
