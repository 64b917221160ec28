#!/bin/sh
# The PDF needs Pango, HarfBuzz's subsetter (WeasyPrint) and a font; the Word
# document needs pandoc; the explorer's browser test needs Chromium. Install
# them from Debian's packages when they are missing; say what to run when we cannot.
set -e
libs=$( (ldconfig -p || /sbin/ldconfig -p) 2>/dev/null)
if echo "$libs" | grep -q 'libpangoft2-1.0.so' && echo "$libs" | grep -q 'libharfbuzz-subset.so' \
  && fc-list 2>/dev/null | grep -qi dejavu && command -v pandoc >/dev/null && command -v chromium >/dev/null; then
  exit 0
fi
PKGS="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig pandoc chromium"
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "Missing Pango or fonts for the PDF, pandoc for the Word document or Chromium for the explorer's test. Ask an administrator to run: apt-get install -y $PKGS" >&2
  exit 1
fi
echo "Installing $PKGS (for the PDF, the Word document and the explorer's browser test)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PKGS >/dev/null
