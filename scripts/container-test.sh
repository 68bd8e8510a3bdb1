#!/usr/bin/env bash
# The containers, for real: builds the image, brings docker-compose.yml up with docker-compose.host.yml and checks
# what an operator relies on:
#   1. every service turns healthy (Redis too);
#   2. the demo feed is served (the bundled sample interview in /feeds/interviews.atom);
#   3. a crashed role container (its process SIGKILLed) is restarted by its restart policy, turns healthy again and
#      nothing is lost: the stories served before are still served, and an item waiting in its queue when it died is
#      published by the restarted container;
#   4. `docker-compose stop` stops every service gracefully: exit code 0 (not 137), within stop_grace_period, and
#      each role logs its orderly "stopped" line.
# On these machines no image registry is reachable and bridge networks are off-limits (their 172.x addresses), so
# it installs Docker from Debian when missing, starts an engine without bridge networking if none answers, and
# builds a local base image (debootstrap + the host's Node). Everything it starts is stopped by PID on exit.
#
# Usage: bash scripts/container-test.sh   (root; called by .ci/run)
# Environment: SYNDICATE_CT_TIMEOUT (whole run, seconds, default 900), SYNDICATE_CT_CACHE (where the engine's images
# and the debootstrap tree are kept between runs, default /var/tmp/syndicate-container-test).
set -euo pipefail

# Bound the whole run. `timeout` signals its process group too, so the engine runs in a session of its own (setsid)
# and survives until the EXIT trap has taken the project down; --kill-after leaves that trap time to finish.
if [ -z "${SYNDICATE_CT_BOUNDED:-}" ]; then
  export SYNDICATE_CT_BOUNDED=1
  exec timeout --kill-after=180 "${SYNDICATE_CT_TIMEOUT:-900}" bash "$0" "$@"
fi

cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${SYNDICATE_CT_CACHE:-/var/tmp/syndicate-container-test}
RUN_DIR=$(mktemp -d /tmp/syndicate-ct.XXXXXX)
PROJECT=syndicate-ct
T0=$(date +%s%N)
TIMINGS=()
FAILED=0
STARTED_DOCKERD_PID=""
STARTED_CONTAINERD_PID=""
COMPOSE_UP=0

# --- Output: elapsed time on every line, a PASS/FAIL line per check, a table of timings at the end --------------
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
secs() { printf '%d.%01d' $(($1 / 1000)) $((($1 % 1000) / 100)); }
# Seconds from a date in ns ($1) to a date in any form date(1) reads ($2).
offset() { secs $(( ($(date -d "$2" +%s%N) - $1) / 1000000 )); }
log() { echo "[container-test +$(secs "$(ms_since "$T0")")s] $*"; }
STEP_T=0
step() { STEP_NAME=$1; STEP_T=$(date +%s%N); log "== $1"; }
step_done() { local ms; ms=$(ms_since "$STEP_T"); TIMINGS+=("$(printf '%-40s %8ss' "$STEP_NAME" "$(secs "$ms")")"); log "   $STEP_NAME took $(secs "$ms")s"; }
pass() { TIMINGS+=("$(printf '%-40s %8ss  PASS' "$1" "$(secs "$(ms_since "$STEP_T")")")"); log "PASS $1: $2"; }
fail() { TIMINGS+=("$(printf '%-40s %8ss  FAIL' "$1" "$(secs "$(ms_since "$STEP_T")")")"); log "FAIL $1: $2"; FAILED=1; }

# Polls `$@` every second until it succeeds or `limit` seconds pass.
wait_for() {
  local limit=$1; shift
  local deadline=$(($(date +%s) + limit))
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 1
  done
}

# --- Cleanup: the project, then the engine and its containerd (only if started here), and no bridge left ---------
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  log "== cleanup"
  if [ "$COMPOSE_UP" = 1 ]; then
    timeout 60 "${COMPOSE[@]}" down -v --remove-orphans >"$RUN_DIR/down.log" 2>&1 || { log "compose down failed:"; tail -5 "$RUN_DIR/down.log"; }
    log "project down"
  fi
  if [ -n "$STARTED_DOCKERD_PID" ]; then
    # Anything still running here belongs to this engine: remove it so that no containerd-shim outlives it.
    local left
    left=$(docker ps -aq 2>/dev/null)
    [ -z "$left" ] || timeout 30 docker rm -f $left >/dev/null 2>&1
    kill -TERM "$STARTED_DOCKERD_PID" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$STARTED_DOCKERD_PID" 2>/dev/null || break; sleep 1; done
    kill -0 "$STARTED_DOCKERD_PID" 2>/dev/null && { log "dockerd did not stop: SIGKILL"; kill -KILL "$STARTED_DOCKERD_PID"; }
    if [ -n "$STARTED_CONTAINERD_PID" ] && kill -0 "$STARTED_CONTAINERD_PID" 2>/dev/null; then
      kill -TERM "$STARTED_CONTAINERD_PID"
      for _ in $(seq 1 10); do kill -0 "$STARTED_CONTAINERD_PID" 2>/dev/null || break; sleep 1; done
      kill -0 "$STARTED_CONTAINERD_PID" 2>/dev/null && kill -KILL "$STARTED_CONTAINERD_PID"
    fi
    log "engine stopped (dockerd $STARTED_DOCKERD_PID, containerd ${STARTED_CONTAINERD_PID:-none})"
  fi
  local bridges
  bridges=$(bridges)
  if [ "$bridges" != "$BRIDGES_BEFORE" ]; then
    log "FAIL a bridge is left behind:"; echo "$bridges"; rc=1
  else
    log "no bridge left behind (/sys/class/net: ${bridges:-no docker0, no br-*})"
  fi
  # The engine leaves its network namespace mounted under the exec root: unmount whatever is left under RUN_DIR.
  awk -v d="$RUN_DIR/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -ru | while read -r m; do umount -l "$m"; done
  rm -rf "$RUN_DIR"
  echo
  echo "container-test timings:"
  printf '  %s\n' "${TIMINGS[@]}"
  echo "  $(printf '%-40s %8ss' total "$(secs "$(ms_since "$T0")")")"
  [ "$FAILED" = 0 ] || rc=1
  if [ "$rc" = 0 ]; then echo "container-test: PASS"; else echo "container-test: FAIL (exit $rc)"; fi
  exit "$rc"
}
# From /sys, not `ip`: a fresh machine may lack iproute2, and an empty answer would hide a bridge.
bridges() { ls /sys/class/net | grep -E '^(docker0|br-)' || true; }
BRIDGES_BEFORE=$(bridges)
trap cleanup EXIT
trap 'log "interrupted"; exit 143' INT TERM

# One run at a time on a machine: the services share the host's loopback ports.
exec 9>/var/lock/syndicate-container-test.lock
flock -w 300 9 || { log "another container test holds /var/lock/syndicate-container-test.lock"; exit 1; }

# --- 1. Tools: Docker, docker-compose and debootstrap from Debian -------------------------------------------------
step "install tools"
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >"$RUN_DIR/apt.log" 2>&1 || { tail -20 "$RUN_DIR/apt.log"; exit 1; }
fi
log "$(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /'), $(dockerd --version)"
step_done

# --- 2. An engine: the one that answers, or one of our own without bridge networking -----------------------------
step "engine"
if docker info >/dev/null 2>&1; then
  log "using the engine that answers at ${DOCKER_HOST:-the default socket}"
else
  mkdir -p "$CACHE/docker"
  export DOCKER_HOST="unix://$RUN_DIR/docker.sock"
  # Its own data root (kept in $CACHE: the base and built images survive between runs), exec root, pidfile and
  # socket, so it meets nothing else on the machine. No bridge, no iptables, no forwarding, no masquerading.
  setsid dockerd --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
    --data-root "$CACHE/docker" --exec-root "$RUN_DIR/exec" --pidfile "$RUN_DIR/dockerd.pid" \
    -H "$DOCKER_HOST" >"$RUN_DIR/dockerd.log" 2>&1 < /dev/null &
  STARTED_DOCKERD_PID=$!
  if ! wait_for 60 docker info >/dev/null 2>&1; then
    log "dockerd did not answer within 60 s:"; tail -20 "$RUN_DIR/dockerd.log"; exit 1
  fi
  STARTED_CONTAINERD_PID=$(cat "$RUN_DIR/exec/containerd/containerd.pid" 2>/dev/null || pgrep -P "$STARTED_DOCKERD_PID" containerd || true)
  log "dockerd $STARTED_DOCKERD_PID (containerd ${STARTED_CONTAINERD_PID:-?}) at $DOCKER_HOST, data root $CACHE/docker"
fi
step_done

# --- 3. A local base image: Debian bookworm (debootstrap minbase) with the host's Node and CA bundle ---------------
NODE_VERSION=$(node --version)
BASE_IMAGE="syndicate-base:bookworm-node${NODE_VERSION#v}"
export SYNDICATE_BASE_IMAGE=$BASE_IMAGE
step "base image"
if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  log "$BASE_IMAGE is cached"
else
  rootfs="$CACHE/rootfs-bookworm-minbase"
  if [ ! -e "$rootfs/.complete" ]; then
    # The machine's own apt source (deb822 first, then the one-line format); with none, debootstrap's default.
    mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 !~ /^\[/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
    log "debootstrap --variant=minbase bookworm from ${mirror:-the default of debootstrap}"
    rm -rf "$rootfs"
    debootstrap --variant=minbase bookworm "$rootfs" ${mirror:+"$mirror"} >"$RUN_DIR/debootstrap.log" 2>&1 || { tail -20 "$RUN_DIR/debootstrap.log"; exit 1; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    touch "$rootfs/.complete"
  else
    log "debootstrap tree is cached ($rootfs)"
  fi
  work="$RUN_DIR/rootfs"
  cp -a "$rootfs" "$work"
  rm -f "$work/.complete"
  # Node where the official image has it, npm beside it, the host's CA bundle (npm in a build needs it), a node user.
  install -D -m 0755 "$(readlink -f "$(command -v node)")" "$work/usr/local/bin/node"
  mkdir -p "$work/usr/local/lib/node_modules" "$work/etc/ssl/certs"
  cp -a /usr/lib/node_modules/npm "$work/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/usr/local/bin/npx"
  cp /etc/ssl/certs/ca-certificates.crt "$work/etc/ssl/certs/ca-certificates.crt"
  chroot "$work" groupadd --gid 1000 node
  chroot "$work" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  tar -C "$work" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["node"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$work"
  log "imported $BASE_IMAGE ($(docker image inspect -f '{{.Size}}' "$BASE_IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
fi
# Also under the name docker-compose.host.yml uses by default, so that a hand-run `up` with it finds this base.
docker tag "$BASE_IMAGE" syndicate-base:local
step_done

# --- 4. The images: the project's on the local base, Redis from Debian's package ---------------------------------
step "build images"
docker build --network host --build-arg "NODE_IMAGE=$BASE_IMAGE" -t syndicate:latest . >"$RUN_DIR/build.log" 2>&1 \
  || { tail -30 "$RUN_DIR/build.log"; exit 1; }
docker build --network host --build-arg "BASE_IMAGE=$BASE_IMAGE" -t syndicate-redis:local -f ops/redis-local.Dockerfile ops >"$RUN_DIR/build-redis.log" 2>&1 \
  || { tail -30 "$RUN_DIR/build-redis.log"; exit 1; }
log "built syndicate:latest and syndicate-redis:local"
# Earlier builds' leftovers (their untagged build stages), once they are a day old: the latest ones are the cache.
docker image prune -f --filter until=24h >/dev/null
step_done

# --- 5. Up: the compose file with the override for these machines, plus this test's feed directory ---------------
step "compose up"
port_free() { [ -z "$(ss -Hltn "sport = :$1")" ]; }
export SYNDICATE_PORT_REDIS=16379 SYNDICATE_PORT_API=18080 SYNDICATE_PORT_SCHEDULER=18081 SYNDICATE_PORT_FETCH=18082 \
  SYNDICATE_PORT_NORMALIZE=18083 SYNDICATE_PORT_DEDUP=18084 SYNDICATE_PORT_PUBLISH=18085 SYNDICATE_PORT_DELIVER=18086 \
  SYNDICATE_PORT_WEBSUB=18087
for p in 16379 $(seq 18080 18087); do port_free "$p" || { log "port $p on 127.0.0.1 is taken: stop what listens there"; exit 1; }; done
API="http://127.0.0.1:$SYNDICATE_PORT_API"
export PUBLIC_URL=$API
ADMIN_TOKEN=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
export ADMIN_TOKEN
# A feed this test writes in check 3, read by the fetch role as a file: source.
mkdir -p "$RUN_DIR/feeds"
chmod 755 "$RUN_DIR" "$RUN_DIR/feeds"
cat >"$RUN_DIR/compose.test.yml" <<EOF
services:
  fetch:
    volumes:
      - $RUN_DIR/feeds:/app/feeds:ro
EOF
COMPOSE=(docker-compose -p "$PROJECT" --project-directory "$ROOT" -f docker-compose.yml -f docker-compose.host.yml -f "$RUN_DIR/compose.test.yml")
"${COMPOSE[@]}" config -q
COMPOSE_UP=1
"${COMPOSE[@]}" up -d --no-build >"$RUN_DIR/up.log" 2>&1 || { cat "$RUN_DIR/up.log"; exit 1; }
SERVICES=(redis api scheduler fetch normalize dedup publish deliver websub)
ROLES=(api scheduler fetch normalize dedup publish deliver websub)
cid() { docker ps -aq --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1"; }
# Host networking only: no network of the project's own, every container in the host's namespace.
networks=$(docker network ls -q --filter "label=com.docker.compose.project=$PROJECT")
modes=$(for s in "${SERVICES[@]}"; do docker inspect -f "$s={{.HostConfig.NetworkMode}}" "$(cid "$s")"; done)
if [ -n "$networks" ] || grep -qv '=host$' <<<"$modes"; then fail "host networking only" "networks: ${networks:-none}; $(tr '\n' ' ' <<<"$modes")"; fi
step_done

# --- Check 1: every service healthy --------------------------------------------------------------------------------
health() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}no-healthcheck{{end}}' "$(cid "$1")" 2>/dev/null; }
all_healthy() { local s; for s in "${SERVICES[@]}"; do [ "$(health "$s")" = healthy ] || return 1; done; }
# When each role turned healthy: its "listening" log line and the probes Docker kept (the last five): when each
# ended, counted from the container's start, its outcome and how long it ran.
show_probes() {
  local s id start logs heard probes began end code
  for s in "${ROLES[@]}"; do
    id=$(cid "$s")
    start=$(date -d "$(docker inspect -f '{{.State.StartedAt}}' "$id")" +%s%N)
    logs=$(docker logs "$id" 2>&1)
    heard=$(grep -m1 'listening' <<<"$logs" | sed -E 's/.*"time":"([^"]+)".*/\1/' || true)
    probes=""
    while read -r began end code; do
      [ -n "$end" ] && probes+=" +$(offset "$start" "$end")s:$([ "$code" = 0 ] && echo ok || echo "fail($code)") ($(offset "$(date -d "$began" +%s%N)" "$end")s)"
    done < <(docker inspect -f '{{range .State.Health.Log}}{{.Start.Format "2006-01-02T15:04:05.000Z07:00"}} {{.End.Format "2006-01-02T15:04:05.000Z07:00"}} {{.ExitCode}}{{"\n"}}{{end}}' "$id")
    log "   $s: listening at +$([ -n "$heard" ] && offset "$start" "$heard" || echo ?)s; probes$probes"
  done
}
step "check 1: every service healthy"
if wait_for 120 all_healthy; then
  pass "every service healthy" "${SERVICES[*]} healthy after $(secs "$(ms_since "$STEP_T")")s"
else
  states=""; for s in "${SERVICES[@]}"; do states+="$s=$(health "$s") "; done
  fail "every service healthy" "within 120 s: $states"
fi
show_probes

# --- Check 2: the demo feed is served ------------------------------------------------------------------------------
step "check 2: demo feed served"
DEMO_MARK='Grigory Trofimchuk'
# (Whole answers into grep: a pipe into `grep -q` may end the writer early, which pipefail reports as a failure.)
feed_has() { grep -q "$2" <<<"$(curl -fsS --max-time 5 "$API/feeds/$1" 2>/dev/null)"; }
entries() { grep -c '<entry>' <<<"$(curl -fsS --max-time 5 "$API/feeds/all.atom" 2>/dev/null)" || true; }
if wait_for 90 feed_has interviews.atom "$DEMO_MARK"; then
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$API/feeds/interviews.atom")
  if [ "$code" = 200 ]; then
    pass "demo feed served" "GET /feeds/interviews.atom: 200 with the sample interview ($DEMO_MARK)"
  else
    fail "demo feed served" "GET /feeds/interviews.atom answered $code"
  fi
else
  fail "demo feed served" "/feeds/interviews.atom has no entry with '$DEMO_MARK' within 90 s"
fi

# --- Check 3: a crashed role container is restarted and nothing is lost -------------------------------------------
# The publish role is frozen (docker pause: it can take no job), a new item is added and followed until its publish
# job waits in the queue, then the role's process is SIGKILLed, as the kernel's OOM killer or a fault would do it.
# (`docker kill` would count as an operator's stop, which a restart policy respects: nothing would restart.) The
# restart policy must bring the container back, the restarted process must publish the waiting item, and every
# story served before must still be served.
step "check 3: crashed role restarted, nothing lost"
VICTIM=publish
victim_id=$(cid "$VICTIM")
restarts_before=$(docker inspect -f '{{.RestartCount}}' "$victim_id")
served_before=$(entries)
NEW_TITLE="Container test article $(date +%s)"
cat >"$RUN_DIR/feeds/container-test.rss" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Container test feed</title>
  <link>https://container-test.example/</link>
  <description>Written by scripts/container-test.sh while the publish role was frozen, then killed.</description>
  <item>
    <title>$NEW_TITLE</title>
    <link>https://container-test.example/articles/$(date +%s)</link>
    <guid isPermaLink="false">container-test-$(date +%s)</guid>
    <pubDate>$(date -u -R)</pubDate>
    <description>An article that exists only in this test's feed, added while the publish role could not work.</description>
    <content:encoded><![CDATA[<p>An article that exists only in this test's feed, added while the publish role could not work.</p>
<p>It travels through fetch, normalize and dedup, waits in the publish queue while the publish container is killed
and restarted, and must then appear in the republished feed, with none of the earlier stories missing.</p>
<p>Nothing else in the pipeline knows it: if it shows up, the queue carried it across the crash.</p>]]></content:encoded>
  </item>
</channel>
</rss>
EOF
chmod 644 "$RUN_DIR/feeds/container-test.rss"
docker pause "$victim_id" >/dev/null
# Added through Redis by the CLI in the api container (file: sources are allowed there), read by the fetch role.
if ! "${COMPOSE[@]}" exec -T api node bin/syndicate.js sources add container-test file:feeds/container-test.rss \
  --name 'Container test' --interval 5m >"$RUN_DIR/source-add.log" 2>&1; then
  fail "new item added" "$(cat "$RUN_DIR/source-add.log")"
fi
publish_waiting() { grep -Eq '^syndicate_queue_jobs\{queue="publish",state="waiting"\} [1-9]' <<<"$(curl -fsS --max-time 5 "$API/metrics" 2>/dev/null)"; }
if wait_for 90 publish_waiting; then
  log "the new item's publish job waits in the queue (syndicate_queue_jobs{queue=\"publish\",state=\"waiting\"} >= 1)"
else
  fail "new item queued for publish" "no waiting publish job within 90 s"
fi
pid=$(docker inspect -f '{{.State.Pid}}' "$victim_id")
kill -KILL "$pid"
docker unpause "$victim_id" >/dev/null # the pending SIGKILL lands as it thaws
log "SIGKILLed $VICTIM's process (pid $pid); $served_before stories served before"
restarted() { [ "$(docker inspect -f '{{.RestartCount}}' "$victim_id")" -gt "$restarts_before" ] && [ "$(health "$VICTIM")" = healthy ]; }
if wait_for 120 restarted; then
  pass "crashed $VICTIM restarted" "RestartCount $restarts_before -> $(docker inspect -f '{{.RestartCount}}' "$victim_id"), healthy again after $(secs "$(ms_since "$STEP_T")")s"
else
  fail "crashed $VICTIM restarted" "RestartCount $(docker inspect -f '{{.RestartCount}}' "$victim_id"), health $(health "$VICTIM") after 120 s"
fi
new_item_served() { feed_has all.atom "$NEW_TITLE"; }
if wait_for 120 new_item_served; then
  served_after=$(entries)
  if [ "$served_after" -eq $((served_before + 1)) ] && feed_has interviews.atom "$DEMO_MARK"; then
    pass "nothing lost" "$served_before stories before the crash, $served_after after (the waiting item published by the restarted container); demo interview still served ($(secs "$(ms_since "$STEP_T")")s)"
  else
    fail "nothing lost" "$served_before stories before, $served_after after (expected $((served_before + 1)))"
  fi
else
  fail "nothing lost" "the item waiting for publish is not in /feeds/all.atom within 120 s"
  "${COMPOSE[@]}" logs --tail 20 fetch normalize dedup publish | tail -60
fi

# --- Check 4: `stop` is graceful for every service -----------------------------------------------------------------
step "check 4: graceful stop"
declare -A IDS
for s in "${SERVICES[@]}"; do IDS[$s]=$(cid "$s"); done
# Each service's stop_grace_period as compose resolves it (10 s when none is set), in seconds.
declare -A GRACE
while read -r s g; do GRACE[$s]=$g; done < <("${COMPOSE[@]}" config | python3 -c '
import re, sys, yaml
units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
for name, svc in yaml.safe_load(sys.stdin)["services"].items():
    g = str(svc.get("stop_grace_period", "10s"))
    print(name, int(sum(float(n) * units[u] for n, u in re.findall(r"([0-9.]+)(ms|s|m|h)", g))))')
stop_t=$(date +%s%N)
"${COMPOSE[@]}" stop >"$RUN_DIR/stop.log" 2>&1
stop_ms=$(ms_since "$stop_t")
bad=""
detail=""
roles_done=$stop_t
declare -A FINISHED
for s in "${SERVICES[@]}"; do
  FINISHED[$s]=$(date -d "$(docker inspect -f '{{.State.FinishedAt}}' "${IDS[$s]}")" +%s%N)
  [ "$s" = redis ] || [ "${FINISHED[$s]}" -le "$roles_done" ] || roles_done=${FINISHED[$s]}
done
for s in "${SERVICES[@]}"; do
  code=$(docker inspect -f '{{.State.ExitCode}}' "${IDS[$s]}")
  # compose stops the roles first, then Redis (it depends on nothing): Redis's time counts from the last role's exit.
  if [ "$s" = redis ]; then from=$roles_done; else from=$stop_t; fi
  took=$(( (FINISHED[$s] - from) / 1000000 ))
  detail+="$s exit $code in $(secs "$took")s/${GRACE[$s]}s; "
  [ "$code" = 0 ] || bad+="$s exited $code; "
  [ "$took" -lt $((GRACE[$s] * 1000)) ] || bad+="$s took longer than its grace period; "
  if [ "$s" != redis ] && ! grep -q '"msg":"stopped"' <<<"$(docker logs "${IDS[$s]}" 2>&1)"; then bad+="$s logged no graceful stop; "; fi
done
if [ -z "$bad" ]; then
  pass "graceful stop" "all ${#SERVICES[@]} exited 0 within their grace periods, each role logged \"stopped\"; stop took $(secs "$stop_ms")s: $detail"
else
  fail "graceful stop" "${bad}stop took $(secs "$stop_ms")s: $detail"
fi
step "compose down"
timeout 90 "${COMPOSE[@]}" down -v --remove-orphans >"$RUN_DIR/down.log" 2>&1 && COMPOSE_UP=0
step_done
