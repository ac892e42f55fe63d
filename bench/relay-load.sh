#!/usr/bin/env bash
# Load benchmark of the relay against Debian's nginx serving the same bytes as static files,
# in one run on this machine, with wrk on loopback. Not a CI test.
#
#   bash bench/relay-load.sh            # prints the table and rewrites its part of docs/BENCHMARKS.md
#
# Measures fetches and uploads of 16 KiB envelopes: requests/s and p50/p99 latency, the median
# of three 10-second runs each, for the relay on SQLite, on PostgreSQL with one node, and with
# two nodes on one PostgreSQL database (a throwaway cluster, started as scripts/postgres.sh
# starts the test one, with fsync turned back on).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq wrk nginx-light >/dev/null
fi
cargo build --locked --release --quiet -p sealbill-relay -p sealbill-cli

# The PostgreSQL cluster; it stops, and its directory goes, when this script exits.
# shellcheck source=../scripts/postgres.sh
source "$ROOT/scripts/postgres.sh"
# The test cluster runs without fsync; a benchmark of durable uploads needs it: restart it
# with the same options (scripts/postgres.sh's variables) less that one.
"${pg_as[@]}" "$pg_bin/pg_ctl" -D "$SEALBILL_PG_DIR/data" -l "$SEALBILL_PG_DIR/log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $SEALBILL_PG_DIR -c max_connections=300" \
  restart >/dev/null
if [ "$(psql -qtA "$SEALBILL_TEST_DATABASE_URL" -c "SHOW fsync")" != on ]; then
  echo "bench/relay-load.sh: PostgreSQL did not start with fsync on" >&2
  exit 1
fi
pg_version="$(psql -qtA "$SEALBILL_TEST_DATABASE_URL" -c "SHOW server_version" | cut -d' ' -f1)"

work="$(mktemp -d)"
relay_pids=()
cleanup() {
  for pid in "${relay_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
  sealbill_pg_stop
}
trap cleanup EXIT

# A 16 KiB envelope: a valid EN 16931 invoice (the seal refuses anything else) sealed by the
# CLI, with a random attachment that pads the plaintext to 16 KiB.
bin="$ROOT/target/release/sealbill"
"$bin" keygen --name "Bench GmbH" -o "$work/bench.key" >/dev/null
invoice="$ROOT/invoice/tests/invoices/valid/standard.xml"
head -c $((16384 - $(stat -c %s "$invoice"))) /dev/urandom > "$work/padding.bin"
"$bin" seal -i "$work/bench.key" --to "$("$bin" card -i "$work/bench.key" | sed -n 's/^card: //p')" \
  --attach "$work/padding.bin" "$invoice" -o "$work/envelope.age"
size=$(stat -c %s "$work/envelope.age")

# Starts a relay on port $1 with its own data directory, with the environment given after it
# (the database URL goes there, never on the command line), and waits until it answers.
start_relay() {
  local port=$1; shift
  env "$@" "$ROOT/target/release/sealbill-relay" --listen "127.0.0.1:$port" \
    --data-dir "$work/data-$port" --www-dir "$ROOT/www" --pkg-dir "$ROOT/pkg" --open-uploads \
    --rate-limit 0 --concurrency 1024 --bodies-per-client 1024 >/dev/null 2>"$work/relay-$port.log" &
  relay_pids+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "bench/relay-load.sh: the relay on port $port did not start; its log:" >&2
  cat "$work/relay-$port.log" >&2
  exit 1
}
# Uploads the envelope to the relay on port $1 and prints its id.
upload_one() {
  curl -sf --data-binary @"$work/envelope.age" "http://127.0.0.1:$1/api/v1/envelopes" |
    sed -n 's/.*"id":"\([^"]*\)".*/\1/p'
}

sqlite_port=18080 pg_port=18082 pg_other_port=18083
start_relay "$sqlite_port"
pg_env=(SEALBILL_DATABASE_URL="$SEALBILL_TEST_DATABASE_URL")
start_relay "$pg_port" "${pg_env[@]}"
start_relay "$pg_other_port" "${pg_env[@]}"
sqlite_id=$(upload_one "$sqlite_port")
pg_id=$(upload_one "$pg_port")

# nginx serves the same bytes as a static file.
# Readable by nginx's workers, which do not run as root.
mkdir -p "$work/static/e" "$work/nginx"
chmod 755 "$work" "$work/static" "$work/static/e"
install -m 644 "$work/envelope.age" "$work/static/e/$sqlite_id"
cat > "$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
  server { listen 127.0.0.1:18081; root $work/static; default_type application/octet-stream; }
}
CONF
nginx -c "$work/nginx.conf"
sleep 0.5

cat > "$work/post.lua" <<LUA
local f = io.open("$work/envelope.age", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
LUA
# Two nodes: wrk's two threads connect one to each node (32 connections each), so that one
# wrk process measures both and its latency percentiles cover every request.
cat > "$work/two-nodes.lua" <<LUA
local nodes, next_node = nil, 1
function setup(thread)
  nodes = nodes or { wrk.lookup("127.0.0.1", "$pg_port")[1], wrk.lookup("127.0.0.1", "$pg_other_port")[1] }
  thread.addr = nodes[next_node]
  next_node = next_node % #nodes + 1
end
LUA
cat "$work/post.lua" "$work/two-nodes.lua" > "$work/post-two-nodes.lua"
# Uploads at a set pace rather than as fast as answers come, as from many clients: each of
# 120 connections waits a random time before each request, exponentially distributed with a
# mean of 50 ms (so that requests arrive in bursts, as independent clients' do). That offers
# at most 2,400/s, and 2,182/s at 5 ms an answer. wrk measures each request from its
# sending, so the wait is not in the latency. Each thread draws its own waits.
cat "$work/post.lua" - > "$work/post-paced.lua" <<LUA
local threads = 0
function setup(thread) threads = threads + 1; thread:set("seed", threads) end
function init() math.randomseed(seed * 7919) end
function delay() return math.floor(-50 * math.log(1 - math.random())) end
LUA

# One wrk run: prints "requests/s p50_ms p99_ms"; fails if any answer was not 2xx (all the
# connections come from one address: the relays run with --bodies-per-client 1024).
run() {
  wrk -t2 -c64 -d10s --latency "$@" | awk '
    /Non-2xx/ { print "bench/relay-load.sh: " $0 > "/dev/stderr"; failed = 1 }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    END { if (failed) exit 1; printf "%.0f %.2f %.2f\n", rps, ms(p50), ms(p99) }'
}
# The median of three runs, by requests/s.
median3() {
  local a b c
  a=$(run "$@") && b=$(run "$@") && c=$(run "$@") || return 1
  printf '%s\n' "$a" "$b" "$c" | sort -n | sed -n 2p
}

envelopes="api/v1/envelopes"
nginx_fetch=$(median3 "http://127.0.0.1:18081/e/$sqlite_id")
sqlite_fetch=$(median3 "http://127.0.0.1:$sqlite_port/$envelopes/$sqlite_id")
# Paced first, on a relay that has not yet written gigabytes that the disk still flushes.
# A later -c overrides run's 64 (wrk takes the last).
sqlite_paced=$(median3 -c120 -s "$work/post-paced.lua" "http://127.0.0.1:$sqlite_port/$envelopes")
sqlite_upload=$(median3 -s "$work/post.lua" "http://127.0.0.1:$sqlite_port/$envelopes")
pg_fetch=$(median3 "http://127.0.0.1:$pg_port/$envelopes/$pg_id")
pg_upload=$(median3 -s "$work/post.lua" "http://127.0.0.1:$pg_port/$envelopes")
pg2_fetch=$(median3 -s "$work/two-nodes.lua" "http://127.0.0.1:$pg_port/$envelopes/$pg_id")
pg2_upload=$(median3 -s "$work/post-two-nodes.lua" "http://127.0.0.1:$pg_port/$envelopes")

read -r nginx_rps _ <<<"$nginx_fetch"
# A table row: what, then "requests/s p50 p99", then the fetch ratio to nginx (fetches only).
row() {
  local what=$1 rps p50 p99 ratio=""
  read -r rps p50 p99 <<<"$2"
  [ "${3:-}" = ratio ] && ratio="$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f×", a / b }')"
  echo "| $what | $rps | $p50 | $p99 | $ratio |"
}
# "met" or "missed": whether a fetch ran at half nginx's rate or more.
fetch_target() {
  awk -v a="${1%% *}" -v b="$nginx_rps" 'BEGIN { print (a >= 0.5 * b) ? "met" : "missed" }'
}
# "met" or "missed": whether uploads ran at 2,000/s or more with p99 under 25 ms.
upload_target() {
  local rps p99
  read -r rps _ p99 <<<"$1"
  awk -v r="$rps" -v p="$p99" 'BEGIN { print (r >= 2000 && p < 25) ? "met" : "missed" }'
}

table=$(cat <<TABLE
<!-- relay-load: generated by bench/relay-load.sh; do not edit by hand -->
## Relay under load

Measured $(date -u +"%Y-%m-%d %H:%M") UTC on $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)),
$(uname -r); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(nginx -v 2>&1 | sed 's/.*: //'),
PostgreSQL $pg_version, sealbill-relay $("$ROOT/target/release/sealbill-relay" --version | cut -d' ' -f2)
(release build, default log level). SQLite: WAL, synchronous=FULL. PostgreSQL: a throwaway
cluster on loopback (as scripts/postgres.sh starts it) with fsync on and synchronous_commit
on, each node with its pool of 16 connections. wrk: 2 threads, 64 connections (120 for the
paced row), 10 s, loopback; each row is the median of three runs (by requests/s). With
two nodes, one wrk process sends each thread's 32 connections to one node (a Lua \`setup\`
picks the address), so the figures are the sum over both nodes and the percentiles cover
every request.
Envelope: $size bytes. Uploads run with --open-uploads: a signed upload adds one Ed25519
verification and one allow-list lookup, which wrk cannot exercise (each signature is good
once).

| what | requests/s | p50 ms | p99 ms | × nginx |
| --- | ---: | ---: | ---: | ---: |
$(row "nginx, static file (ceiling)" "$nginx_fetch" ratio)
$(row "relay on SQLite, fetch" "$sqlite_fetch" ratio)
$(row "relay on SQLite, upload (201, fsync'd), paced: ≤ 2,400/s offered" "$sqlite_paced")
$(row "relay on SQLite, upload (201, fsync'd), as fast as it answers" "$sqlite_upload")
$(row "relay on PostgreSQL, one node, fetch" "$pg_fetch" ratio)
$(row "relay on PostgreSQL, one node, upload (201, committed)" "$pg_upload")
$(row "relay on PostgreSQL, two nodes, fetch" "$pg2_fetch" ratio)
$(row "relay on PostgreSQL, two nodes, upload (201, committed)" "$pg2_upload")

Targets: fetches at ≥ 0.5× nginx's rate: $(fetch_target "$sqlite_fetch") on SQLite,
$(fetch_target "$pg_fetch") on PostgreSQL with one node, $(fetch_target "$pg2_fetch") with two;
uploads on SQLite ≥ 2,000/s with p99 < 25 ms: $(upload_target "$sqlite_paced") (paced row).
Paced, 120 connections each wait 50 ms on average (exponentially distributed) before each
request. As fast as it answers, wrk keeps 64 uploads in flight, the relay writes each body
twice (the WAL, then the database) at thousands a second, and p99 follows the disk's
write-back.

The machine has $(nproc) cores, shared by wrk, nginx or the relay under test, and PostgreSQL:
wrk and the server compete for them, which weighs on every row alike, and the two-node rows
run two relays and the database on the same cores.
<!-- /relay-load -->
TABLE
)
echo "$table"

doc="$ROOT/docs/BENCHMARKS.md"
mkdir -p "$ROOT/docs"
[ -f "$doc" ] || printf '# Benchmarks\n\nEvery figure here comes from a script in `bench/`, run on the machine named with it.\n' > "$doc"
python3 - "$doc" "$table" <<'PY'
import re, sys
path, table = sys.argv[1], sys.argv[2]
text = open(path).read()
block = re.compile(r"<!-- relay-load:.*?<!-- /relay-load -->", re.S)
text = block.sub(lambda _: table, text) if block.search(text) else text.rstrip() + "\n\n" + table + "\n"
open(path, "w").write(text)
PY
