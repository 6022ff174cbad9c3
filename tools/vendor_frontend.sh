#!/usr/bin/env bash
# Re-fetch the workbench's front-end libraries from the npm registry at the exact versions
# vendored in src/standoff/web/static/vendor/ (nothing is downloaded when the workbench runs).
# Usage: bash tools/vendor_frontend.sh
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=src/standoff/web/static/vendor
# package@version  file-in-package  licence-file-in-package
PACKAGES=(
  "cytoscape@3.35.0 dist/cytoscape.min.js LICENSE"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for entry in "${PACKAGES[@]}"; do
  read -r spec file licence <<<"$entry"
  name=${spec%@*}
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  tarball=$(ls "$work"/"$name"-*.tgz)
  mkdir -p "$work/$name" "$VENDOR/$name"
  tar -xzf "$tarball" -C "$work/$name"
  cp "$work/$name/package/$file" "$VENDOR/$name/"
  cp "$work/$name/package/$licence" "$VENDOR/$name/LICENSE"
  echo "$spec" > "$VENDOR/$name/VERSION"
  echo "vendored $spec: $VENDOR/$name/$(basename "$file")"
done
