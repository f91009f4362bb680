#!/usr/bin/env bash
# Prepares this machine for Kirjuri's tests: system packages and a running PostgreSQL.
# Idempotent; installs only what is missing. Used by scripts/test.sh and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
# Add Debian packages the test suite needs here (name of a file it provides : package).
# libvoikko1 + voikko-fi: Finnish morphology for kirjuri-quality, loaded at run time; its
# libvoikko tests fail (never skip) without them.
# libhunspell-1.7-0 + hunspell-sv: Swedish morphology for kirjuri-quality (Hunspell's stems),
# loaded at run time the same way; its Hunspell tests fail (never skip) without them.
multiarch="$(uname -m)-linux-gnu"
apt_needs=(
    "/usr/lib/$multiarch/libvoikko.so.1:libvoikko1"
    "/usr/lib/voikko/5/mor-standard/mor.vfst:voikko-fi"
    "/usr/lib/$multiarch/libhunspell-1.7.so.0:libhunspell-1.7-0"
    "/usr/share/hunspell/sv_SE.dic:hunspell-sv"
    # chromium + chromium-driver: the browser tests of the pages (issue 12) drive the system
    # Chromium (playwright-core downloads no browser); chromedriver is there for WebDriver.
    "/usr/bin/chromium:chromium"
    "/usr/bin/chromedriver:chromium-driver"
)
for spec in "${apt_needs[@]}" ${KIRJURI_APT_NEEDS:-}; do
    file=${spec%%:*}; pkg=${spec##*:}
    [ -e "$file" ] || need_apt+=("$pkg")
done
if [ -x .ci/install-voikko.sh ]; then
    .ci/install-voikko.sh
fi
# Node.js runs the real OpenID Connect provider of the web tests (crates/web/tests/oidc).
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
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

# The OpenID Connect test provider (oidc-provider), exactly as locked. A missing Node.js or a
# failed install is an error: the OIDC test must fail, never skip.
oidc_dir=crates/web/tests/oidc
if [ ! -d "$oidc_dir/node_modules/oidc-provider" ]; then
    node_major=$(node -p 'process.versions.node.split(".")[0]')
    if [ "$node_major" -lt 20 ]; then
        echo "setup: Node.js $(node --version) is too old for $oidc_dir (oidc-provider 9 needs 20 or later)" >&2
        exit 1
    fi
    echo "setup: installing the OpenID Connect test provider (npm ci in $oidc_dir)"
    (cd "$oidc_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The browser tests of the pages (issue 12): playwright-core and axe-core, exactly as locked.
browser_dir=crates/web/tests/browser
if [ ! -d "$browser_dir/node_modules/playwright-core" ] || [ ! -d "$browser_dir/node_modules/axe-core" ]; then
    echo "setup: installing the browser test's packages (npm ci in $browser_dir)"
    (cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error)
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

# Reliability tools (issue 17), pinned: cargo-fuzz drives the parser fuzzers (scripts/fuzz;
# libFuzzer is built from the libfuzzer-sys crate with the machine's C++ compiler), and
# schemathesis fuzzes the API against its OpenAPI document (scripts/api-fuzz), in a virtual
# environment of its own kept between runs.
CARGO_FUZZ_VERSION=0.13.2
SCHEMATHESIS_VERSION=4.32.5
if ! cargo fuzz --version 2>/dev/null | grep -qF "$CARGO_FUZZ_VERSION"; then
    echo "setup: installing cargo-fuzz $CARGO_FUZZ_VERSION"
    cargo install --quiet --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi
command -v c++ >/dev/null || {
    echo "setup: a C++ compiler is needed to build libFuzzer (apt-get install g++)" >&2
    exit 1
}
venv=${KIRJURI_VENV:-$HOME/.cache/kirjuri/venv}
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
    echo "setup: installing schemathesis $SCHEMATHESIS_VERSION into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
# aiosmtpd is the real SMTP server the e-mail notice tests start (issue 13,
# crates/web/tests/smtp/server.py), in the same virtual environment.
AIOSMTPD_VERSION=1.4.6
if ! "$venv/bin/python" -c "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '$AIOSMTPD_VERSION')" 2>/dev/null; then
    echo "setup: installing aiosmtpd $AIOSMTPD_VERSION into $venv"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
fi
