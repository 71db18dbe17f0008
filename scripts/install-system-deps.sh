#!/usr/bin/env bash
# Install what ocrfix needs from the system's packages: Tesseract with English data,
# Chromium, the browser the review app's tests drive (through Playwright, never its own),
# and poppler-utils, whose pdftotext the tests read final.pdf's text layer with.
# Called by `make setup`; does nothing when everything is already there.
set -euo pipefail

missing=()
if ! command -v tesseract >/dev/null 2>&1; then
  missing+=(tesseract-ocr tesseract-ocr-eng)
elif ! tesseract --list-langs 2>/dev/null | grep -qx eng; then
  missing+=(tesseract-ocr-eng)
fi
if [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium)
fi
if ! command -v pdftotext >/dev/null 2>&1; then
  missing+=(poppler-utils)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  if [ "${missing[*]}" = "chromium" ]; then
    echo "note: no /usr/bin/chromium and no apt-get: the browser tests will be skipped" >&2
    exit 0
  fi
  echo "ocrfix needs ${missing[*]} (Tesseract 4 or 5 with English data; Chromium at" >&2
  echo "/usr/bin/chromium and poppler's pdftotext for the tests), and this system has no" >&2
  echo "apt-get. Install it with your package manager (e.g. 'brew install tesseract poppler'" >&2
  echo "or 'dnf install tesseract tesseract-langpack-eng poppler-utils'), then run make again." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "installing ${missing[*]} needs root (or sudo)" >&2; exit 1; }
  sudo="sudo"
fi
echo "Installing ${missing[*]} with apt-get..."
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
tesseract --version | head -n 1
