# A throwaway PostgreSQL cluster for the relay's tests (the PostgreSQL backend), sourced by
# scripts/test.sh after scripts/setup.sh (which installs Debian's postgresql).
#
# Runs initdb and pg_ctl as a non-root user (as root: the `postgres` user of Debian's package)
# in a temporary directory, listening on 127.0.0.1 only, on a free port, with its unix socket in
# that directory and a random password. Exports SEALBILL_TEST_DATABASE_URL, and stops the
# cluster and removes the directory when the shell exits, whether the tests passed or not.
# Sourcing it again while its cluster runs does nothing.

if [ -n "${SEALBILL_PG_DIR:-}" ] && [ -d "$SEALBILL_PG_DIR/data" ]; then
  return 0
fi

pg_bin="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
if [ ! -x "$pg_bin/initdb" ] || [ ! -x "$pg_bin/pg_ctl" ]; then
  echo "scripts/postgres.sh: no PostgreSQL in /usr/lib/postgresql/*/bin (scripts/setup.sh installs it)" >&2
  return 1
fi

# As root, the cluster runs as `postgres`, which owns the directory; otherwise as this user.
pg_as=()
if [ "$(id -u)" -eq 0 ]; then
  pg_as=(runuser -u postgres --)
fi
SEALBILL_PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/sealbill-pg.XXXXXX")"
export SEALBILL_PG_DIR
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$SEALBILL_PG_DIR"
fi
chmod 700 "$SEALBILL_PG_DIR"

sealbill_pg_stop() {
  if [ -n "${SEALBILL_PG_DIR:-}" ] && [ -d "$SEALBILL_PG_DIR" ]; then
    "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$SEALBILL_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$SEALBILL_PG_DIR"
  fi
}
trap sealbill_pg_stop EXIT
# A signal ends the shell through `exit`, so that the EXIT trap runs then too.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

pg_password="$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')"
(umask 077 && printf '%s\n' "$pg_password" >"$SEALBILL_PG_DIR/password")
[ "$(id -u)" -ne 0 ] || chown postgres: "$SEALBILL_PG_DIR/password"
"${pg_as[@]}" "$pg_bin/initdb" -D "$SEALBILL_PG_DIR/data" --username=sealbill \
  --pwfile="$SEALBILL_PG_DIR/password" --auth=scram-sha-256 --encoding=UTF8 --no-sync >/dev/null
rm -f "$SEALBILL_PG_DIR/password"

# A free loopback port: the kernel picks one, then the server binds it (retried if another
# process took it in between).
pg_started=""
for _ in 1 2 3 4 5; do
  pg_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  # fsync off: the cluster is thrown away after the tests, and the tests run faster.
  if "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$SEALBILL_PG_DIR/data" -l "$SEALBILL_PG_DIR/log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $SEALBILL_PG_DIR -c fsync=off -c max_connections=300" \
      start >/dev/null; then
    pg_started=1
    break
  fi
done
if [ -z "$pg_started" ]; then
  echo "scripts/postgres.sh: the test cluster did not start; its log:" >&2
  cat "$SEALBILL_PG_DIR/log" >&2 || true
  return 1
fi
export SEALBILL_TEST_DATABASE_URL="postgres://sealbill:$pg_password@127.0.0.1:$pg_port/postgres"
unset pg_password pg_started
