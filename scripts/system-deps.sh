#!/usr/bin/env bash
# Debian packages the project needs beyond Python. Installs only what is missing; needs root for apt-get.
set -euo pipefail
packages=()   # filled as areas land: poppler-utils (PDF text), chromium (browser tests), WeasyPrint's libraries
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "Missing Debian packages: ${missing[*]} (run as root, or install them)"; exit 1; fi
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
