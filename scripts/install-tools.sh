#!/usr/bin/env bash
# Installs the tools the build and CI need beyond the .NET SDK: buf (from npm) and dotnet-ef.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -x node_modules/.bin/buf ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
dotnet tool restore >/dev/null
