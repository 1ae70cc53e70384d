#!/usr/bin/env bash
# Install the Debian packages the app or its tests need, only when their command is missing.
# Usage: scripts/ensure-system-packages.sh [COMMAND:]PACKAGE ...
#   COMMAND:PACKAGE installs PACKAGE when COMMAND is not on the PATH;
#   a bare PACKAGE is installed when dpkg does not list it as installed.
set -euo pipefail
missing=()
for item in "$@"; do
  if [[ $item == *:* ]]; then
    command -v "${item%%:*}" >/dev/null 2>&1 || missing+=("${item#*:}")
  else
    dpkg -s "$item" >/dev/null 2>&1 || missing+=("$item")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]} — install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
