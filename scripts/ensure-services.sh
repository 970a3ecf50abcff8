#!/usr/bin/env bash
# Install and start what the test suite needs on a Debian machine: chromium for
# the browser tests, nginx and wrk for the benchmark, PostgreSQL and Redis.
# Idempotent and quick when everything is already there.
set -euo pipefail

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v msgfmt >/dev/null 2>&1 || need_apt+=(gettext)
if [ "${WITH_BENCH:-0}" = 1 ]; then
  command -v nginx >/dev/null 2>&1 || need_apt+=(nginx-light)
  command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
fi
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "Installing Debian packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "Starting PostgreSQL"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Starting Redis"
  mkdir -p /tmp/ratusz-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp/ratusz-redis --logfile /tmp/ratusz-redis/redis.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi
