#!/usr/bin/env bash
# Regenerates schema.d.ts from the app's OpenAPI document. openapi-typescript needs TypeScript 5 and the
# project uses 7, so it runs through npx in a temporary directory and is not a dependency.
# Run from anywhere: clients/typescript/generate.sh (needs Node >= 22.18 and network for npx).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
node "$here/openapi-doc.ts" > "$tmp/openapi.json"
sha="$(sha256sum "$tmp/openapi.json" | cut -d' ' -f1)"
# --default-non-nullable false: request fields with a server-side default (num_samples, output, stream) stay optional.
(cd "$tmp" && npx --yes openapi-typescript@7.13.0 openapi.json --default-non-nullable false -o schema.d.ts >/dev/null)
{
  echo "// Generated from the app's GET /openapi.json by clients/typescript/generate.sh; do not edit. It runs:"
  echo "//   node clients/typescript/openapi-doc.ts > openapi.json"
  echo "//   npx --yes openapi-typescript@7.13.0 openapi.json --default-non-nullable false -o schema.d.ts"
  echo "// openapi.json sha256: $sha"
  cat "$tmp/schema.d.ts"
} > "$here/schema.d.ts"
echo "wrote $here/schema.d.ts (document sha256 $sha)"
