#!/usr/bin/env bash
# Builds the server and the bench in Release, then runs the bench with the arguments given, e.g.
#   bench/run.sh --short
#   bench/run.sh --concurrency 64 --out bench-results.json
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
dotnet build -c Release src/Exchange.Server
dotnet build -c Release bench/Exchange.Bench
exec dotnet run -c Release --no-build --project bench/Exchange.Bench -- "$@"
