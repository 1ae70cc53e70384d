#!/usr/bin/env bash
# County Risk Map — the night's backup (docs/DEPLOY.md): the whole database and its evidence
# files in one zip, dated; backups older than RISKMAP_KEEP_DAYS (default 30) are removed.
#
# Environment: RISKMAP_DB (the database), RISKMAP_BACKUPS (the folder); RISKMAP (the riskmap
# command; default: riskmap). Runs while the app is open.
set -euo pipefail
riskmap=${RISKMAP:-riskmap}
backups=${RISKMAP_BACKUPS:?set RISKMAP_BACKUPS to the folder backups go to}
mkdir -p "$backups"
"$riskmap" backup "$backups/riskmap-$(date +%Y%m%d).zip"
find "$backups" -name 'riskmap-*.zip' -mtime +"${RISKMAP_KEEP_DAYS:-30}" -delete
