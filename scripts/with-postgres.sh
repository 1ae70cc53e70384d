#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL + PostGIS cluster named in $RISKMAP_TEST_PG;
# the cluster is stopped and removed when the command ends, whatever its outcome.
# Usage: scripts/with-postgres.sh COMMAND [ARG...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/riskmap-pg-XXXXXX)
trap '"$here/throwaway-postgres.sh" stop "$dir"' EXIT
RISKMAP_TEST_PG=$("$here/throwaway-postgres.sh" start "$dir" | tail -1)
export RISKMAP_TEST_PG
"$@"
