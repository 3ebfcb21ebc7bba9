#!/usr/bin/env bash
# Lint as the Odoo community does (OCA): pylint with the pylint-odoo plugin (.pylintrc, checks for 11.0),
# flake8 (.flake8), Odoo's own schemas on the XML/CSV data (tools/lint_xml.py) and on the translation
# files (tools/lint_po.py), each model method defined once in the addon (tools/lint_models.py), and the
# Debian packages of tools/setup.sh against what it probes (tools/check_setup_packages.py).
# Each part runs even when another fails; exit 1 on any failure.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TOOLS_PY="$ROOT/.cache/venv-tools/bin"
ODOO_PY="$ROOT/.cache/venv/bin/python"
rc=0
step() {  # step NAME COMMAND...: run one check, say which failed
    local name="$1"; shift
    if ! "$@"; then echo; echo "lint: $name failed"; rc=1; fi
}
# the addon's Python (its packages: models, controllers, tests...); tools/ and browser_tests/ are not addon code
step pylint-odoo "$TOOLS_PY/pylint" --rcfile="$ROOT/.pylintrc" "$ROOT"
step flake8 "$TOOLS_PY/flake8" --config="$ROOT/.flake8" .
step xml "$ODOO_PY" -W ignore "$ROOT/tools/lint_xml.py" "$ROOT"
step po "$ODOO_PY" -W ignore "$ROOT/tools/lint_po.py" "$ROOT"
# each method of a model defined once in the addon (and the check itself proven to bite)
step models-self-test "$ODOO_PY" "$ROOT/tools/lint_models.py" --self-test
step models "$ODOO_PY" "$ROOT/tools/lint_models.py" "$ROOT"
# the Debian packages setup.sh installs on a fresh machine provide what it probes (and the check bites)
step setup-packages-self-test "$TOOLS_PY/python" "$ROOT/tools/check_setup_packages.py" --self-test
step setup-packages "$TOOLS_PY/python" "$ROOT/tools/check_setup_packages.py"
[ $rc -eq 0 ] && echo "lint: ok"
exit $rc
