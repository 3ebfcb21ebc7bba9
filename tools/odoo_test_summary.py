"""Count Odoo test results in a --log-level=test log: prints "passed failed skipped".

Odoo 11's runner logs "Ran N tests", then "OK", "OK (skipped=S)" or "FAILED" followed by a
separate " (failures=F, errors=E, skipped=S)" line, and "Module X: F failures, E errors" for each
failing test module. Any other ERROR or CRITICAL line (a broken install, an error logged
during a test) counts as one more failure, as Odoo's own CI does.
"""
import re
import sys

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) \S+ ([\w.]+): (.*)$")


def summarize(text):
    ran = failed = skipped = stray_errors = 0
    for line in text.splitlines():
        match = LINE.match(line)
        if not match:
            continue
        level, _logger, message = match.groups()
        ran_match = re.match(r"Ran (\d+) tests? in ", message)
        if ran_match:
            ran += int(ran_match.group(1))
            continue
        module_match = re.match(r"Module \S+: (\d+) failures?, (\d+) errors?$", message)
        if module_match:
            failed += int(module_match.group(1)) + int(module_match.group(2))
            continue
        if re.match(r"^(OK|FAILED)? ?\(.*=\d+.*\)$", message.strip()):
            counts = dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", message))
            skipped += counts.get("skipped", 0)
            continue
        if level in ("ERROR", "CRITICAL") and not message.startswith(("FAIL:", "ERROR:")):
            stray_errors += 1
    failed_total = failed + (1 if stray_errors and not failed else 0)
    return ran - failed - skipped, failed_total, skipped


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8", errors="replace") as handle:
        print(*summarize(handle.read()))
