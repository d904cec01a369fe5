#!/usr/bin/env bash
# Debian packages the project needs beyond Python. Installs only what is missing; needs root for apt-get.
set -euo pipefail
# poppler-utils: pdftotext/pdftoppm to read PDFs back in tests; chromium: the back office browser tests;
# the C libraries WeasyPrint loads (WeasyPrint itself comes from PyPI) and a font for PDFs.
packages=(poppler-utils chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "Missing Debian packages: ${missing[*]} (run as root, or install them)"; exit 1; fi
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
