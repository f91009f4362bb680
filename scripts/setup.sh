#!/usr/bin/env bash
# Prepares this machine for Kirjuri's tests: system packages and a running PostgreSQL.
# Idempotent; installs only what is missing. Used by scripts/test.sh and .ci/run.
set -euo pipefail

need_apt=()
# Add Debian packages the test suite needs here (name of a file it provides : package).
for spec in ${KIRJURI_APT_NEEDS:-}; do
    file=${spec%%:*}; pkg=${spec##*:}
    [ -e "$file" ] || need_apt+=("$pkg")
done
if [ -x .ci/install-voikko.sh ]; then
    .ci/install-voikko.sh
fi
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "setup: installing ${need_apt[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
    else
        echo "setup: missing packages ${need_apt[*]} (install them, or run as root with apt)" >&2
        exit 1
    fi
fi

# PostgreSQL: the suite runs on both backends, so an unreachable server is an error, not a skip.
case ",${KIRJURI_TEST_BACKENDS:-sqlite,postgres}," in
*,postgres,*)
    if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
        if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
            echo "setup: starting PostgreSQL"
            pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
        fi
        for _ in $(seq 1 30); do
            pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && break
            sleep 1
        done
    fi
    pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 || {
        echo "setup: PostgreSQL is expected on 127.0.0.1:5432 and is not running" >&2
        echo "       (set KIRJURI_TEST_BACKENDS=sqlite to test the embedded backend only)" >&2
        exit 1
    }
    ;;
esac
