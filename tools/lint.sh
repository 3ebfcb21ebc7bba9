#!/usr/bin/env bash
# Lint as the Odoo community does: flake8 on the Python code, XML well-formedness of views and data.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
rc=0
"$ROOT/.cache/venv-tools/bin/flake8" --max-line-length=120 --exclude=.cache,__pycache__ \
    --per-file-ignores="__init__.py:F401 __manifest__.py:B018" . || rc=1
"$ROOT/.cache/venv/bin/python" - <<'PY' || rc=1
import glob, sys
from lxml import etree
bad = 0
for path in sorted(glob.glob("views/*.xml") + glob.glob("data/*.xml") + glob.glob("demo/*.xml")
                   + glob.glob("security/*.xml") + glob.glob("static/src/**/*.xml", recursive=True)):
    try:
        etree.parse(path)
    except etree.XMLSyntaxError as error:
        print("%s: %s" % (path, error)); bad += 1
sys.exit(1 if bad else 0)
PY
[ $rc -eq 0 ] && echo "lint: ok"
exit $rc
