#!/usr/bin/env bash
# County Risk Map — the hourly routine (docs/DEPLOY.md): import the rainfall files the weather
# office has dropped into the inbox, then write the geohazard warning for the duty officer:
# the JSON, a short message and the evacuation list, stamped with the hour.
#
# Environment: RISKMAP_DB (the database), RISKMAP_INBOX (incoming rainfall files, .csv/.xlsx),
# RISKMAP_OUT (where the warning goes); RISKMAP (the riskmap command; default: riskmap).
# Runs while the app is open: each command waits its turn for the database.
set -euo pipefail
riskmap=${RISKMAP:-riskmap}
inbox=${RISKMAP_INBOX:?set RISKMAP_INBOX to the folder rainfall files arrive in}
out=${RISKMAP_OUT:?set RISKMAP_OUT to the folder the warning is written to}
mkdir -p "$out" "$inbox/done" "$inbox/refused"

shopt -s nullglob
for file in "$inbox"/*.csv "$inbox"/*.xlsx; do
    name=$(basename "$file")
    if "$riskmap" import rainfall "$file" --report "$inbox/refused/$name.report.csv"; then
        mv "$file" "$inbox/done/$name"
        rm -f "$inbox/refused/$name.report.csv"
    else
        mv "$file" "$inbox/refused/$name"   # the report beside it says row by row why
    fi
done

stamp=$(date +%Y%m%d-%H00)
"$riskmap" warn --json --message "$out/message-$stamp.txt" \
    --evacuation "$out/evacuation-$stamp.xlsx" > "$out/warning-$stamp.json"
ln -sf "message-$stamp.txt" "$out/message-latest.txt"
ln -sf "warning-$stamp.json" "$out/warning-latest.json"
