#!/usr/bin/env bash
# Idempotent set-up of the Odoo 11 runtime for the livechat addon.
# Installs what a fresh machine lacks (Debian packages, PostgreSQL role, venv, wheels, lessc)
# into the git-ignored .cache/ folder. A second run only checks stamps and takes seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache"
VENV="$CACHE/venv"
WHEELS="$CACHE/wheels"
NODE_DIR="$CACHE/node"
PY="${LIVECHAT_PYTHON:-python3}"
mkdir -p "$CACHE" "$WHEELS" "$CACHE/logs" "$CACHE/addons"

log() { printf '[setup] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages ---------------------------------------------------------
need_pkgs=()
dpkg -s libpq-dev >/dev/null 2>&1 || need_pkgs+=(libpq-dev)
[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
[ -x /usr/bin/chromedriver ] || need_pkgs+=(chromium-driver)
command -v pg_ctlcluster >/dev/null 2>&1 || need_pkgs+=(postgresql)
command -v npm >/dev/null 2>&1 || need_pkgs+=(npm)
# the reverse-proxy browser test: nginx in front of Odoo, over https with a certificate made by openssl
[ -x /usr/sbin/nginx ] || need_pkgs+=(nginx)
command -v openssl >/dev/null 2>&1 || need_pkgs+=(openssl)
# building the venv: Debian's python3 has no venv/ensurepip without python3-venv, and psycopg2 and
# friends compile against Python.h (python3-dev) with a C compiler
command -v gcc >/dev/null 2>&1 || need_pkgs+=(gcc)
if [ "$(command -v "$PY")" = /usr/bin/python3 ] || [ "$(command -v "$PY")" = /bin/python3 ]; then
    "$PY" -c 'import ensurepip' >/dev/null 2>&1 || need_pkgs+=(python3-venv)
    "$PY" -c 'import os, sysconfig; raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
        || need_pkgs+=(python3-dev)
fi
if [ "${#need_pkgs[@]}" -gt 0 ]; then
    log "installing Debian packages: ${need_pkgs[*]}"
    as_root apt-get update -qq
    if ! DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need_pkgs[@]}" >"$CACHE/logs/apt.log" 2>&1; then
        tail -n 30 "$CACHE/logs/apt.log" >&2; log "apt-get install failed, see $CACHE/logs/apt.log"; exit 1
    fi
fi

# 2. PostgreSQL running, with a superuser role for the running user ----------
start_postgres() {
    local ver cluster
    if pg_isready -q -h localhost 2>/dev/null; then return 0; fi
    if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
        # Debian creates a cluster when it installs PostgreSQL, unless that failed or was disabled
        ver="$(ls /usr/lib/postgresql | sort -V | tail -n1)"
        log "no PostgreSQL cluster: creating $ver/main"
        as_root pg_createcluster "$ver" main >/dev/null || { log "pg_createcluster $ver main failed"; return 1; }
    fi
    read -r ver cluster _ < <(pg_lsclusters -h | head -n1)
    log "starting PostgreSQL $ver/$cluster"
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" start
    for _ in $(seq 1 30); do pg_isready -q -h localhost && return 0; sleep 0.5; done
    log "PostgreSQL did not start"; return 1
}
start_postgres
ME="$(id -un)"
if ! psql -h localhost -d postgres -tAc "select 1" >/dev/null 2>&1 && \
   ! psql -d postgres -tAc "select rolsuper from pg_roles where rolname='$ME'" 2>/dev/null | grep -q t; then
    log "creating PostgreSQL superuser role $ME"
    as_root su postgres -c "psql -q -d postgres -c \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='$ME') THEN CREATE ROLE \\\"$ME\\\" LOGIN SUPERUSER; ELSE ALTER ROLE \\\"$ME\\\" SUPERUSER; END IF; END\\\$\\\$;\""
fi

# 3. venv + pinned Odoo + our Python dependencies ----------------------------
VENV_TOOLS="$CACHE/venv-tools"
PIPLOG="$CACHE/logs/pip.log"
pip_in() {  # pip_in VENV ARGS...: quiet pip, full log kept, shown on failure
    local venv="$1"; shift
    if ! "$venv/bin/python" -m pip --disable-pip-version-check "$@" >>"$PIPLOG" 2>&1; then
        tail -n 40 "$PIPLOG" >&2; log "pip failed, see $PIPLOG"; exit 1
    fi
}
fresh_venv() {  # fresh_venv DIR: reuse a working venv; rebuild one a failed run left without pip
    if [ -x "$1/bin/python" ] && ! "$1/bin/python" -m pip --version >/dev/null 2>&1; then
        log "$1 has no working pip (a failed earlier run?): rebuilding it"
        rm -rf "$1"
    fi
    [ -x "$1/bin/python" ] || "$PY" -m venv "$1" || { log "python3 -m venv failed"; exit 1; }
}
STAMP_SRC="$(cat "$ROOT/tools/requirements-odoo.txt" "$ROOT/tools/requirements-addon.txt" "$ROOT/tools/setup.sh" | sha1sum | cut -c1-16)"
if [ "$(cat "$VENV/.stamp" 2>/dev/null)" != "$STAMP_SRC" ]; then
    log "creating venv in $VENV (first run: a couple of minutes)"
    fresh_venv "$VENV"
    pip_in "$VENV" install "pip>=25.3" wheel
    # vatnumber and suds-jurko are sdists using use_2to3: build them with an old setuptools.
    if ! ls "$WHEELS"/vatnumber-1.2-*.whl >/dev/null 2>&1 || ! ls "$WHEELS"/suds_jurko-0.6-*.whl >/dev/null 2>&1; then
        echo 'setuptools<58' > "$CACHE/build-constraint.txt"
        pip_in "$VENV" wheel --no-deps --build-constraint "$CACHE/build-constraint.txt" \
            -w "$WHEELS" vatnumber==1.2 suds-jurko==0.6
    fi
    pip_in "$VENV" install --find-links "$WHEELS" -r "$ROOT/tools/requirements-odoo.txt" \
        -r "$ROOT/tools/requirements-addon.txt"
    echo "$STAMP_SRC" > "$VENV/.stamp"
fi
STAMP_TOOLS="$(cat "$ROOT/tools/requirements-dev.txt" | sha1sum | cut -c1-16)"
if [ "$(cat "$VENV_TOOLS/.stamp" 2>/dev/null)" != "$STAMP_TOOLS" ]; then
    log "creating test tools venv in $VENV_TOOLS"
    fresh_venv "$VENV_TOOLS"
    pip_in "$VENV_TOOLS" install -r "$ROOT/tools/requirements-dev.txt"
    echo "$STAMP_TOOLS" > "$VENV_TOOLS/.stamp"
fi

# 4. lessc (Odoo 11 compiles its stylesheets with it) and axe-core (the browser tests' WCAG audit) --
# one npm install of all of them, so that none is pruned by installing another
if [ ! -x "$NODE_DIR/node_modules/.bin/lessc" ] || [ ! -f "$NODE_DIR/node_modules/axe-core/axe.min.js" ]; then
    log "installing lessc and axe-core from npm"
    mkdir -p "$NODE_DIR"
    (cd "$NODE_DIR" && npm install --silent --no-audit --no-fund --prefix "$NODE_DIR" \
        less@3.13.1 less-plugin-clean-css@1.5.1 axe-core@4.14.1 >/dev/null 2>&1)
fi

# 5. the repository root seen by Odoo as the addon "livechat" ----------------
ln -sfn "$ROOT" "$CACHE/addons/livechat"
log "ready"
