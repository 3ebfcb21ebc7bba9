#!/usr/bin/env bash
# Regenerate the translation template i18n/livechat.pot from the code with Odoo's own exporter,
# then update every i18n/*.po from it, keeping the translations they have (tools/i18n_merge.py).
#   tools/i18n_export.sh            pot + every existing i18n/LANG.po
#   tools/i18n_export.sh ro de      pot + i18n/ro.po and i18n/de.po (created when missing)
# Works on a throw-away copy of the template database (as ./test does) and on a copy of the addon
# without its demo data (demo texts are not for translators), so that nothing else is touched.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/tools/setup.sh" >/dev/null
source "$ROOT/tools/common.sh"

RUN_ID="$(date +%s)_$$"
DB="livechat_i18n_$RUN_ID"
WORK="$(mktemp -d /tmp/livechat_i18n.XXXXXX)"
LOG="$CACHE/logs/i18n_export_$RUN_ID.log"
cleanup() {
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# The addon as Odoo sees it, but alone: the repository root also holds .cache/ (the venv and a
# symlink back to the root), which Odoo's exporter would walk into.
mkdir -p "$WORK/addons/livechat"
tar -C "$ROOT" --exclude=./.cache --exclude=./.git --exclude=./browser_tests --exclude=./tools \
    --exclude=./bench --exclude=./docs --exclude=__pycache__ -cf - . | tar -C "$WORK/addons/livechat" -xf -
"$VENV/bin/python" - "$WORK/addons/livechat/__manifest__.py" <<'PY'
import ast, pprint, sys
path = sys.argv[1]
manifest = ast.literal_eval(open(path, encoding="utf-8").read())
manifest["demo"] = []
open(path, "w", encoding="utf-8").write(pprint.pformat(manifest))
PY

ensure_template_db
clone_db "$DB"
ADDONS="$WORK/addons,$VENV/lib/python3.11/site-packages/odoo/addons"
log "installing livechat in $DB (log: $LOG)"
"${ODOO_BIN[@]}" --addons-path="$ADDONS" -d "$DB" -i livechat --stop-after-init \
    --http-port="$(free_port)" --longpolling-port="$(free_port)" --log-level=warn --logfile="$LOG" \
    || { tail -n 40 "$LOG" >&2; exit 1; }
log "exporting the terms of livechat"
"${ODOO_BIN[@]}" --addons-path="$ADDONS" -d "$DB" --i18n-export="$WORK/livechat.po" --modules=livechat \
    --log-level=warn --logfile="$LOG" || { tail -n 40 "$LOG" >&2; exit 1; }
if grep -E "ERROR|CRITICAL" "$LOG" >&2; then
    log "errors in the export, see $LOG"; exit 1
fi

mkdir -p "$ROOT/i18n"
"$VENV/bin/python" -W ignore "$ROOT/tools/i18n_merge.py" pot "$WORK/livechat.po" "$ROOT"
"$VENV/bin/python" -W ignore "$ROOT/tools/i18n_merge.py" po "$ROOT" "$@"
