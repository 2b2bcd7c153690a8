#!/usr/bin/env bash
# Packs what a vendor's system needs to call Exchange, as one set that restores on its own:
# SeVaw.Exchange.Contracts and SeVaw.Exchange.Client, each with its symbols (.snupkg) and Source Link.
#
#   scripts/pack.sh [version] [outdir]
#
# version: default $EXCHANGE_PACKAGE_VERSION, else 0.1.0-dev. outdir: default artifacts/packages.
# With CI=true the build is deterministic (ContinuousIntegrationBuild, Directory.Build.props).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

version="${1:-${EXCHANGE_PACKAGE_VERSION:-0.1.0-dev}}"
out="${2:-artifacts/packages}"
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The client depends on the contracts by this version: both are packed with it, or neither restores.
for project in src/Exchange.Contracts src/Exchange.Client; do
  dotnet pack "$project" -c Release -warnaserror -p:Version="$version" -o "$out"
done

for id in SeVaw.Exchange.Contracts SeVaw.Exchange.Client; do
  for kind in nupkg snupkg; do
    [ -f "$out/$id.$version.$kind" ] || { echo "pack.sh: $out/$id.$version.$kind was not made" >&2; exit 1; }
  done
done
echo "Packed SeVaw.Exchange.Contracts and SeVaw.Exchange.Client $version into $out"
