"""Percentiles, targets and verdicts, and the one table the benchmark prints."""
import math


def percentile(samples, fraction):
    """Nearest-rank percentile (p50 of 20 samples is the 10th smallest, p95 the 19th)."""
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def stats(measure):
    samples = measure["samples"]
    wall = measure.get("wall")
    errors = len(measure.get("errors") or [])
    missing = max(0, (measure.get("count") or 0) - len(samples) - errors)
    return {
        "n": len(samples),
        "p50": percentile(samples, 0.50),
        "p95": percentile(samples, 0.95),
        "max": max(samples) if samples else None,
        "rate": len(samples) / wall if wall and samples else None,
        "errors": errors + missing,
        "cpu": cpu_per_item(measure),
        "odoo_cpu": (cpu_per_item(measure) or {}).get("odoo"),
    }


def cpu_per_item(measure):
    """CPU seconds per session (open rows) or per message (delivery rows): {"odoo", "pg_db", "pg_all"}."""
    cpu = measure.get("cpu")
    count = measure.get("count") or len(measure["samples"])
    if not cpu or not count:
        return None
    return {key: value / count for key, value in cpu.items()}


def other_work(cpu):
    """CPU seconds the machine spent on anything but the server, PostgreSQL and the load client."""
    return max(0.0, cpu["machine"] - cpu["odoo"] - cpu["pg_all"] - cpu["client"]) if cpu else None


def fmt_cpu(cpu, key):
    return "%.1f ms" % (cpu[key] * 1000) if cpu else "-"


class Target:
    """A goal for one figure of a row: an absolute bound, or at most ``ratio`` times another row's figure."""

    def __init__(self, figure, bound=None, ratio=None, base=None, at_least=False):
        self.figure = figure
        self.bound = bound
        self.ratio = ratio
        self.base = base
        self.at_least = at_least

    def limit(self, results):
        if self.ratio is None:
            return self.bound
        base = results.get(self.base)
        value = base and stats(base)[self.figure]
        return value * self.ratio if value is not None else None

    def met(self, value, results):
        limit = self.limit(results)
        if value is None or limit is None:
            return None
        return value >= limit if self.at_least else value <= limit

    def describe(self):
        if self.ratio is not None:
            return "%s <= %g x %s" % (self.figure, self.ratio, self.base)
        if self.figure == "rate":
            return "rate >= %g/s" % self.bound
        if self.figure == "odoo_cpu":
            return "Odoo CPU <= %.0f ms" % (self.bound * 1000)
        return "%s %s %s" % (self.figure, ">=" if self.at_least else "<=", fmt_seconds(self.bound))


def fmt_seconds(value):
    if value is None:
        return "-"
    if value < 1:
        return "%.0f ms" % (value * 1000) if value >= 0.0095 else "%.1f ms" % (value * 1000)
    return "%.2f s" % value


def fmt_bytes(value):
    return "%.1f kB" % (value / 1000.0) if value is not None else "-"


def verdict(key, measure, targets, results):
    figures = stats(measure)
    if figures["errors"] or not figures["n"]:
        return "FAILED (%d errors)" % max(1, figures["errors"]), False
    checks = [target.met(figures[target.figure], results) for target in targets.get(key, [])]
    if not checks or all(check is None for check in checks):
        return "-", True
    return ("ok" if all(check is not False for check in checks) else "MISSED"), True


def table(rows, results, targets, labels):
    """Rows of the one table: scenario | p50 | p95 | max | rate | CPU per item | target | verdict."""
    header = ("scenario", "p50", "p95", "max", "rate", "Odoo CPU", "PG CPU db/all", "target", "verdict")
    lines = []
    for key in rows:
        if key not in results:
            continue
        figures = stats(results[key])
        text, _ok = verdict(key, results[key], targets, results)
        rate = "%.1f/s" % figures["rate"] if figures["rate"] else "-"
        lines.append((labels.get(key, key), fmt_seconds(figures["p50"]), fmt_seconds(figures["p95"]),
                      fmt_seconds(figures["max"]), rate, fmt_cpu(figures["cpu"], "odoo"),
                      "%s / %s" % (fmt_cpu(figures["cpu"], "pg_db"), fmt_cpu(figures["cpu"], "pg_all"))
                      if figures["cpu"] else "-",
                      ", ".join(target.describe() for target in targets.get(key, [])) or "-", text))
    widths = [max(len(str(line[column])) for line in [header] + lines) for column in range(len(header))]

    def render(line):
        return " | ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip()
    separator = "-+-".join("-" * width for width in widths)
    return "\n".join([render(header), separator] + [render(line) for line in lines])
