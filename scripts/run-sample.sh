#!/usr/bin/env bash
# Runs the vendor sample (samples/Exchange.VendorWorker, built first) once against a development server
# of this checkout, started here on a free port with a data directory of its own: both demo kommuner,
# each with its own credential, must count the catalogue and their inbox, and the sample must exit 0.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

sample=samples/Exchange.VendorWorker/bin/Debug/net10.0/Exchange.VendorWorker.dll
[ -f "$sample" ] || { echo "run-sample.sh: build the sample first ($sample is missing)" >&2; exit 1; }
dotnet build src/Exchange.Server -warnaserror -v quiet

data=$(mktemp -d)
log="$data/server.log"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT

ASPNETCORE_ENVIRONMENT=Development Exchange__Storage__DataDirectory="$data/exchange" Exchange__Demo__Statistics=false \
  Kestrel__Endpoints__Grpc__Url=http://127.0.0.1:0 dotnet src/Exchange.Server/bin/Debug/net10.0/Exchange.Server.dll >"$log" 2>&1 &
server_pid=$!

# The demo credentials are written once the server listens, naming the port it got.
credentials="$data/exchange/dev-credentials"
for _ in $(seq 1 240); do
  [ -f "$credentials/sundsvall-kommun.json" ] && [ -f "$credentials/kramfors-kommun.json" ] && grep -q "Ready" "$log" && break
  kill -0 "$server_pid" 2>/dev/null || { echo "run-sample.sh: the server stopped:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.5
done
grep -q "Ready" "$log" || { echo "run-sample.sh: the server did not get ready:" >&2; cat "$log" >&2; exit 1; }

output="$data/sample.log"
status=0
timeout 120 dotnet "$sample" --Worker:Once=true --Worker:StateDirectory="$data/state" \
  --Kommuner:sundsvall-kommun:CredentialFile="$credentials/sundsvall-kommun.json" \
  --Kommuner:kramfors-kommun:CredentialFile="$credentials/kramfors-kommun.json" >"$output" 2>&1 || status=$?
cat "$output"
for kommun in sundsvall-kommun kramfors-kommun; do
  grep -q "$kommun: [0-9]* indicators in the catalogue" "$output" || { echo "run-sample.sh: $kommun counted no catalogue" >&2; status=1; }
  grep -q "$kommun: [0-9]* referrals in the inbox" "$output" || { echo "run-sample.sh: $kommun counted no inbox" >&2; status=1; }
done
exit "$status"
