# Shared shell helpers for ./run and ./test (sourced, not executed).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache"
VENV="$CACHE/venv"
VENV_TOOLS="$CACHE/venv-tools"
export PATH="$CACHE/node/node_modules/.bin:$PATH"
export ODOO_PRELOAD_ADDONS=no
export PYTHONDONTWRITEBYTECODE=1
ODOO_ADDONS="$CACHE/addons,$VENV/lib/python3.11/site-packages/odoo/addons"
ODOO_BIN=("$VENV/bin/python" "$ROOT/tools/odoo-bin")
# base, web, mail, bus and website, installed once into a template database
TEMPLATE_MODULES="base,web,mail,bus,website"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }

free_port() {
    "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

db_exists() { psql -d postgres -tAc "select 1 from pg_database where datname='$1'" | grep -q 1; }

# The template database: Odoo's own modules installed once (with demo data);
# each test or demo database is a copy of it, which saves ~40 s per run.
ensure_template_db() {
    local stamp tpl
    stamp="$( (cat "$ROOT/tools/requirements-odoo.txt" "$ROOT/tools/odoo_compat.py"; echo "$TEMPLATE_MODULES") | sha1sum | cut -c1-10)"
    tpl="livechat_tpl_$stamp"
    if ! db_exists "$tpl" || [ "$(psql -d "$tpl" -tAc "select count(*) from ir_module_module where state='installed' and name='website'" 2>/dev/null)" != 1 ]; then
        log "building template database $tpl (once, ~40 s)"
        drop_db "$tpl"
        "${ODOO_BIN[@]}" --addons-path="$ODOO_ADDONS" -d "$tpl" -i "$TEMPLATE_MODULES" \
            --stop-after-init --http-port="$(free_port)" --longpolling-port="$(free_port)" \
            --log-level=warn --logfile="$CACHE/logs/template.log" || { tail -n 50 "$CACHE/logs/template.log" >&2; return 1; }
        # old templates of other versions are not needed any more
        for old in $(psql -d postgres -tAc "select datname from pg_database where datname like 'livechat_tpl_%' and datname <> '$tpl'"); do
            drop_db "$old" || true
        done
    fi
    TEMPLATE_DB="$tpl"
}

# Odoo keeps images and attachments in its filestore, next to the database
FILESTORE="${HOME}/.local/share/Odoo/filestore"

drop_db() {  # drop_db NAME: the database and its filestore
    dropdb --if-exists "$1" >/dev/null 2>&1
    rm -rf "${FILESTORE:?}/$1"
}

clone_db() {  # clone_db NEW: a fresh copy of the template, filestore included
    drop_db "$1"
    createdb -T "$TEMPLATE_DB" "$1"
    if [ -d "$FILESTORE/$TEMPLATE_DB" ]; then
        mkdir -p "$FILESTORE" && cp -a "$FILESTORE/$TEMPLATE_DB" "$FILESTORE/$1"
    fi
    # the copy needs its own database uuid, as a new database would get
    psql -q -d "$1" -c "update ir_config_parameter set value = md5(random()::text) where key = 'database.uuid'"
}
