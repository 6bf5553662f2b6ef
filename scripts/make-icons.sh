#!/usr/bin/env bash
# Renders the app icon set from build/icon.svg (the one source image). The PNGs are committed, so
# packaging needs no SVG renderer; rerun this after editing the SVG. Needs rsvg-convert
# (Debian/Ubuntu: apt-get install librsvg2-bin; macOS: brew install librsvg).
# electron-builder makes the macOS .icns and the Windows .ico from build/icon.png (1024 px);
# Linux desktops take the sized PNGs in build/icons.
set -euo pipefail
cd "$(dirname "$0")/../build"
rsvg-convert -w 1024 -h 1024 icon.svg -o icon.png
mkdir -p icons
for size in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" icon.svg -o "icons/${size}x${size}.png"
done
