#!/usr/bin/env bash
# The whole system in Development, on this machine: the exchange server (SQLite in the user's data
# directory, demo authorities and people), the development IdP with its test persons, and the web
# app. Builds once, starts the three, prints where to go and as whom to log in, and stops them all on
# Ctrl-C. Nothing here is for production: the IdP refuses to start outside Development.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 ASPNETCORE_ENVIRONMENT=Development

server_url=http://127.0.0.1:5080
idp_url=http://localhost:5190
web_url=http://localhost:5200
data=${EXCHANGE_DATA_DIRECTORY:-${XDG_DATA_HOME:-$HOME/.local/share}/exchange}
logs=$(mktemp -d)

echo "Building…"
dotnet build Exchange.sln -v quiet -nologo >"$logs/build.log" 2>&1 || { cat "$logs/build.log" >&2; exit 1; }

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

bin() { echo "src/$1/bin/Debug/net10.0/$1.dll"; }

dotnet "$(bin Exchange.Server)" --Exchange:Storage:DataDirectory="$data" --Exchange:People:Issuer="$idp_url/" >"$logs/server.log" 2>&1 &
pids+=($!)
dotnet "$(bin Exchange.DevIdp)" --urls "$idp_url" >"$logs/devidp.log" 2>&1 &
pids+=($!)

# The web app reads its credential, which the server writes on its first start once it listens.
for _ in $(seq 1 240); do
  [ -f "$data/dev-credentials/exchange-web.json" ] && curl -fs --http2-prior-knowledge "$server_url/readyz" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "The server stopped:" >&2; cat "$logs/server.log" >&2; exit 1; }
  sleep 0.5
done
dotnet "$(bin Exchange.Web)" --urls "$web_url" --Exchange:Address="$server_url" \
  --Exchange:CredentialFile="$data/dev-credentials/exchange-web.json" --Oidc:Authority="$idp_url" >"$logs/web.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do
  curl -fs -o /dev/null "$web_url" && curl -fs -o /dev/null "$idp_url/.well-known/openid-configuration" && break
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "A process stopped; logs in $logs:" >&2; tail -n 30 "$logs"/*.log >&2; exit 1; }
  done
  sleep 0.5
done

cat <<TEXT

Exchange runs in Development.
  Web app:          $web_url          (open this in a browser)
  Development IdP:  $idp_url
  Exchange server:  $server_url       (gRPC, h2c; data in $data)
  Logs:             $logs

Log in as one of the test persons (the IdP shows them all):
  Karin Berg    handläggare, Kramfors kommun (receives referrals)
  Per Lind      handläggare, Polisregion Nord (sends referrals)
  Sara Ek       handläggare, Sundsvalls kommun
  Klas Holm     lokal administratör, Kramfors kommun
  Lena Sjö      analytiker, Länsstyrelsen Västernorrland (dashboard)
  Stina Wall    analytiker, Sundsvalls kommun (dashboard, CSV reporting)
  Olle Strand   operatör (operator console)
  Ulla Nord     no membership (sees only her person reference)

Ctrl-C stops all three.
TEXT
wait -n "${pids[@]}" || true
echo "A process stopped; logs in $logs" >&2
