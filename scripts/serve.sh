#!/usr/bin/env bash
# `make serve`: the production configuration on this machine. gunicorn (WEB_CONCURRENCY workers)
# behind nothing, static files from whitenoise, the task worker as a second process, JSON logs.
# Set DATABASE_URL for PostgreSQL (pooled); SECRET_KEY is generated for the run when not set.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DEBUG=false
export SECRET_KEY="${SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(64))')}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"   # no TLS on loopback; set true behind HTTPS
export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
export LOG_FORMAT="${LOG_FORMAT:-json}"
if [[ "${DATABASE_URL:-}" == postgres* ]]; then export DB_POOL="${DB_POOL:-true}"; fi
PORT="${PORT:-8000}"
WORKERS="${WEB_CONCURRENCY:-2}"
TASK_WORKERS="${TASK_WORKERS:-1}"

$PY manage.py collectstatic --noinput -v0
$PY manage.py migrate --noinput -v0
$PY manage.py load_frameworks -v0
pids=()
for _ in $(seq 1 "$TASK_WORKERS"); do
  $PY manage.py db_worker --no-reload --interval 1 & pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
echo "Serving the production configuration on http://127.0.0.1:$PORT/ ($WORKERS web workers, $TASK_WORKERS task workers)"
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --error-logfile - --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
