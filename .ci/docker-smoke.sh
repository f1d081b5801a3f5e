#!/usr/bin/env bash
# Builds the image on a real Docker engine and runs what a deployment runs, all on host networking
# (no bridge, no docker network: every connection stays on 127.0.0.1): --help, migrate, the
# simulator and the worker from the same image (HEALTHCHECK turns healthy, /readyz answers 200,
# the files get synced, the process runs as uid 1000, `docker stop` exits 0 within 10 s), then a
# one-shot sync and `report runs`. Uses the machine's PostgreSQL (a database of its own, dropped
# at the end). Installs docker.io and debootstrap when missing and starts dockerd when none
# answers (and stops it again). Needs Node 24 first on PATH (.ci/run puts it there) and root.
set -euo pipefail
cd "$(dirname "$0")/.."
started_at=$SECONDS

# The docker.io package's client: it has BuildKit built in (a newer client without the buildx
# plugin refuses BuildKit builds, and the legacy builder refuses RUN --mount).
if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
  apt-get install -y -qq docker.io debootstrap >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq docker.io debootstrap >/dev/null; }
fi
docker_client="$(dpkg -L docker.io | grep 'bin/docker$' | head -n 1)"
docker() { DOCKER_BUILDKIT=1 "$docker_client" "$@"; }

run_id="nfs-smoke-$$-$RANDOM"
image="novita-file-sync-ci/app:$run_id"
base_image="novita-file-sync-ci/node:$(node --version | tr -d v)-bookworm"
database="nfs_smoke_$$_$RANDOM"
psql_admin=(psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d postgres)
work="$(mktemp -d /var/tmp/"$run_id".XXXXXX)"
dockerd_pid=""

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    for container in "$run_id-simulator" "$run_id-worker"; do
      docker inspect "$container" >/dev/null 2>&1 || continue
      docker logs --tail 40 "$container" 2>&1 | sed "s/^/[$container] /" >&2 || true
    done
  fi
  docker rm -f "$run_id-simulator" "$run_id-worker" >/dev/null 2>&1 || true
  docker image rm -f "$image" >/dev/null 2>&1 || true
  "${psql_admin[@]}" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 1; done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "docker smoke: FAILED: $*" >&2
  exit 1
}

# Polls `check` once a second until it succeeds, at most `seconds` times.
wait_until() {
  local seconds="$1" what="$2"
  shift 2
  for _ in $(seq 1 "$seconds"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 1
  done
  fail "$what (waited ${seconds}s)"
}

free_port() {
  node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

if ! docker info >/dev/null 2>&1; then
  # Exactly so: no bridge and no iptables rules; containers use the host's network.
  dockerd --bridge=none --iptables=false --ip-forward=false >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  wait_until 60 "dockerd answering (log: $work/dockerd.log)" docker info
fi

bash .ci/docker-base-image.sh "$docker_client" "$base_image"

echo "== docker build"
build_started=$SECONDS
timeout 900 env DOCKER_BUILDKIT=1 "$docker_client" build --network host --progress plain \
  --build-arg NODE_IMAGE="$base_image" -t "$image" . >"$work/build.log" 2>&1 ||
  { tail -n 40 "$work/build.log" >&2; fail "docker build"; }
echo "built $image in $((SECONDS - build_started)) s, $(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1 / 1e6}')"

run_once() { timeout 120 "$docker_client" run --rm --network host "$@"; }

echo "== --help"
help="$(run_once "$image" --help)" || fail "--help exited non-zero"
for command in worker migrate sync report simulator; do
  grep -q "$command" <<<"$help" || fail "--help does not mention $command"
done

echo "== migrate"
"${psql_admin[@]}" -c "CREATE DATABASE $database"
database_url="postgresql://postgres@127.0.0.1:5432/$database"
run_once -e DATABASE_URL="$database_url" -e LOG_LEVEL=warn "$image" migrate ||
  fail "migrate exited non-zero"

echo "== simulator and worker"
api_key="sk-docker-smoke"
simulator_port="$(free_port)"
worker_port="$(free_port)"
base_url="http://127.0.0.1:$simulator_port/openai/v1"
app_env=(-e DATABASE_URL="$database_url" -e NOVITA_API_KEY="$api_key" -e NOVITA_BASE_URL="$base_url"
  -e LOG_LEVEL=warn)
docker run -d --name "$run_id-simulator" --network host -e NOVITA_API_KEY="$api_key" "$image" \
  simulator --port "$simulator_port" --files 25 --seed 7 >/dev/null
wait_until 30 "simulator answering on $simulator_port" curl -fsS "http://127.0.0.1:$simulator_port/healthz"
docker run -d --name "$run_id-worker" --network host "${app_env[@]}" -e HTTP_PORT="$worker_port" \
  "$image" >/dev/null

files() { "${psql_admin[@]}" -d "$database" -tAc "SELECT count(*) FROM files"; }
healthy() { [ "$(docker inspect -f '{{.State.Health.Status}}' "$1")" = healthy ]; }
# The image's own HEALTHCHECK timing: the first check runs 30 s after start.
health_started=$SECONDS
wait_until 120 "worker HEALTHCHECK healthy" healthy "$run_id-worker"
wait_until 30 "simulator HEALTHCHECK healthy" healthy "$run_id-simulator"
echo "worker and simulator healthy after $((SECONDS - health_started)) s"
curl -fsS -o /dev/null "http://127.0.0.1:$worker_port/readyz" || fail "/readyz did not answer 200"
echo "/readyz: 200"
wait_until 30 "25 files synced" test "$(files)" = 25
echo "worker synced 25 files"
uid="$(docker exec "$run_id-worker" id -u)"
[ "$uid" = 1000 ] || fail "the worker runs as uid $uid, not 1000"
echo "worker runs as uid 1000"

# Stops a container with `docker stop -t 10`: it must exit 0 before the 10 s run out.
stop_within_10s() {
  local stop_started=$SECONDS code
  docker stop -t 10 "$1" >/dev/null
  code="$(docker inspect -f '{{.State.ExitCode}}' "$1")"
  [ "$code" = 0 ] || fail "$1 exited $code on docker stop"
  [ $((SECONDS - stop_started)) -lt 10 ] || fail "$1 took $((SECONDS - stop_started)) s to stop"
  echo "$1 stopped with 0 in $((SECONDS - stop_started)) s"
}

echo "== docker stop (worker)"
stop_within_10s "$run_id-worker"

echo "== one-shot sync and report runs"
curl -fsS -o /dev/null -H 'Content-Type: application/json' -d '{"count": 5}' \
  "http://127.0.0.1:$simulator_port/_control/generate" || fail "simulator control API"
run_once "${app_env[@]}" "$image" sync || fail "sync exited non-zero"
[ "$(files)" = 30 ] || fail "after the one-shot sync the mirror has $(files) files, not 30"
echo "one-shot sync: 30 files"
run_once -e DATABASE_URL="$database_url" "$image" report runs --json >"$work/runs.json" ||
  fail "report runs exited non-zero"
node -e '
  const { runs } = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  const succeeded = runs.filter((run) => run.status === "succeeded");
  if (succeeded.length < 2) throw new Error(`report runs: ${JSON.stringify(runs)}`);
  console.log(`report runs: ${succeeded.length} succeeded runs`);
' "$work/runs.json" || fail "report runs does not list the worker's run and the one-shot sync"

echo "== docker stop (simulator)"
stop_within_10s "$run_id-simulator"

echo "docker smoke: passed in $((SECONDS - started_at)) s"
