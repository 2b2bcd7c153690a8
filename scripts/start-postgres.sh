#!/usr/bin/env bash
# Makes a local PostgreSQL server ready for the end-to-end tests and prints its connection string:
# installs Debian's PostgreSQL 15 when it is missing, starts the cluster, and creates two roles on
# loopback — exchange_test_admin (creates and drops one database per test server, reads its files)
# and exchange_test_app (owns those databases; what the Exchange server connects as, without
# superuser rights, as in production). Safe to run again. The tests run it themselves when
# EXCHANGE_TEST_POSTGRES is not set; set that variable to use another server instead (its role must
# be allowed to create databases and roles).
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

if ! command -v pg_ctlcluster >/dev/null || [ ! -x /usr/lib/postgresql/15/bin/postgres ]; then
  echo "Installing PostgreSQL 15 from Debian's packages" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 postgresql-client-15 >&2 \
    || { as_root apt-get update -q >&2 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 postgresql-client-15 >&2; }
fi

if ! pg_lsclusters -h 2>/dev/null | awk '$1 == 15 && $2 == "main"' | grep -q .; then
  as_root pg_createcluster 15 main >&2
fi
if ! pg_lsclusters -h | awk '$1 == 15 && $2 == "main" { print $4 }' | grep -q online; then
  as_root pg_ctlcluster 15 main start >&2
fi

port=$(pg_lsclusters -h | awk '$1 == 15 && $2 == "main" { print $3 }')
password=exchange-test-only
as_root runuser -u postgres -- psql -q -p "$port" -v ON_ERROR_STOP=1 >&2 <<SQL
SELECT 'CREATE ROLE exchange_test_admin' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'exchange_test_admin') \gexec
SELECT 'CREATE ROLE exchange_test_app' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'exchange_test_app') \gexec
ALTER ROLE exchange_test_admin WITH LOGIN SUPERUSER PASSWORD '$password';
ALTER ROLE exchange_test_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$password';
SQL

echo "Host=127.0.0.1;Port=$port;Username=exchange_test_admin;Password=$password;Database=postgres"
