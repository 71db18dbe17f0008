#!/usr/bin/env bash
# Install the book and magazine faces that bench/archivepages.py sets its pages in (EB
# Garamond, Linux Libertine and Biolinum, Caladea, TeX Gyre, Liberation) from Debian's
# packages, and fontconfig's fc-match, which finds them. Called by `make bench`; does
# nothing when everything is already there. Without them the pages fall back to DejaVu.
set -euo pipefail

packages=(fontconfig fonts-ebgaramond fonts-linuxlibertine fonts-crosextra-caladea
  fonts-texgyre fonts-liberation)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "note: no apt-get to install ${missing[*]}: the archive pages fall back to DejaVu" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "note: installing ${missing[*]} needs root (or sudo): the pages fall back to DejaVu" >&2
    exit 0
  fi
  sudo="sudo"
fi
echo "Installing ${missing[*]} with apt-get..."
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
