#!/usr/bin/env bash
# The CLI as a user gets it from a production install: a copy of the checkout's tracked files in a
# temporary folder, `npm ci --omit=dev` there (no playwright-core, typescript, electron),
# then `vegdyn info`, `vegdyn demo-data --help` and `vegdyn leaf forward` on the example leaf CSV.
# Fails when a command fails or a dev dependency turns out to be installed after all.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/vegdyn"
# tracked files as they are in the working tree (the commit under test in CI)
(cd "$repo" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$work/vegdyn"
cd "$work/vegdyn"
export VEGDYN_HOME="$work/home"
npm ci --omit=dev --no-audit --no-fund
# (esbuild is there: tsx, a runtime dependency, needs it)
for dev in playwright-core typescript eslint electron electron-builder; do
  if [ -e "node_modules/$dev" ]; then echo "ci: dev dependency $dev is installed after --omit=dev" >&2; exit 1; fi
done
npx --no-install vegdyn info
npx --no-install vegdyn demo-data --help
npx --no-install vegdyn leaf forward --input test/fixtures/leaf/example_dataset.csv --out "$work/leaf-forward.csv"
rows=$(($(wc -l < "$work/leaf-forward.csv") - 1))
inputs=$(($(wc -l < test/fixtures/leaf/example_dataset.csv) - 1))
echo "ci: leaf forward wrote $rows rows for $inputs input rows"
[ "$rows" -gt 0 ] || { echo "ci: leaf forward wrote no rows" >&2; exit 1; }
