#!/bin/sh
# The PDF needs Pango (WeasyPrint) and a font. Install them from Debian's
# packages when they are missing; print what to run when we cannot.
set -e
if ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' && fc-list 2>/dev/null | grep -qi dejavu; then
  exit 0
fi
PKGS="libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fontconfig"
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "Missing Pango or fonts for the PDF. Ask an administrator to run: apt-get install -y $PKGS" >&2
  exit 1
fi
echo "Installing $PKGS (for the PDF)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PKGS >/dev/null
