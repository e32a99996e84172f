#!/usr/bin/env bash
# `make prod-check`: the production stack on this machine's loopback (DJANGO_DEBUG=0,
# gunicorn, a Celery worker and beat, PostgreSQL and Redis, collected static files), every
# page, partial and API route requested anonymous and signed in (deploy/prod_check.py),
# no 5xx allowed. Uses its own database and Redis db; stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PORT=${PROD_CHECK_PORT:-8765}
PG=${PROD_CHECK_PG:-postgres://postgres@127.0.0.1:5432}
DB=${PROD_CHECK_DB:-aicrash_prodcheck}
REDIS=${PROD_CHECK_REDIS:-redis://127.0.0.1:6379/13}
VAR=$(mktemp -d /tmp/aicrash-prodcheck.XXXXXX)
PIDS=()

stop() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$VAR"
}
trap stop EXIT

export DJANGO_DEBUG=0
export SECRET_KEY="prod-check-$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
export ALLOWED_HOSTS=127.0.0.1,localhost SITE_URL="http://127.0.0.1:$PORT"
export DATABASE_URL="$PG/$DB" CELERY_BROKER_URL="$REDIS" REDIS_CACHE_URL="$REDIS"
export AICRASH_VAR_DIR="$VAR" SECURE_SSL_REDIRECT=0 DB_CONN_MAX_AGE=60
export EMAIL_URL=consolemail:// PRICE_PROVIDER=demo LOG_LEVEL=WARNING
export PROD_CHECK_URL="http://127.0.0.1:$PORT"

# Quoted: a name such as my-check is a valid database, not valid SQL unquoted.
psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS \"$DB\"" -c "CREATE DATABASE \"$DB\""
"$VENV/bin/python" -c "import redis; redis.Redis.from_url('$REDIS').flushdb()"
"$VENV/bin/python" manage.py migrate --noinput -v0
"$VENV/bin/python" manage.py collectstatic --noinput -v0
"$VENV/bin/python" manage.py seed_demo >/dev/null

"$VENV/bin/gunicorn" aicrash_site.wsgi -w 2 -b "127.0.0.1:$PORT" --log-level warning \
  --error-logfile "$VAR/gunicorn.log" >/dev/null 2>&1 &
PIDS+=($!)
"$VENV/bin/celery" -A aicrash_site worker -n "prodcheck@%h" --concurrency 1 -l warning \
  >"$VAR/worker.log" 2>&1 &
PIDS+=($!)
"$VENV/bin/celery" -A aicrash_site beat -s "$VAR/beat-schedule" -l warning >"$VAR/beat.log" 2>&1 &
PIDS+=($!)

for _ in $(seq 1 100); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break || sleep 0.2
done
# The worker answers a ping: tasks sent by the site will run. A ping broadcast before the
# worker has subscribed is lost, so ask again until it answers (up to about a minute).
answered=0
for _ in $(seq 1 30); do
  if "$VENV/bin/celery" -A aicrash_site inspect ping -d "prodcheck@$(hostname)" -t 2 \
      >/dev/null 2>&1; then answered=1; break; fi
done
[ "$answered" -eq 1 ] \
  || { echo "prod-check: the Celery worker did not answer"; cat "$VAR/worker.log"; exit 1; }

status=0
"$VENV/bin/python" deploy/prod_check.py || status=$?
for pid in "${PIDS[@]:1}"; do
  kill -0 "$pid" 2>/dev/null || { echo "prod-check: a Celery process died"; status=1; }
done
if [ "$status" -ne 0 ]; then tail -n 50 "$VAR"/*.log; fi
exit "$status"
