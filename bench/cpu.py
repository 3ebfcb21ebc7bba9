"""CPU time (user + system) of an Odoo server's process tree and of PostgreSQL: the cost of a scenario.

Run with the Odoo venv's python (it has psutil) as a co-process of bench.py: one request a line
on stdin, ``ODOO_PID DB[,DB...]``, one JSON answer a line on stdout::

    {"odoo": seconds, "pg_all": seconds, "pg_db": {"pid": seconds, ...}, "machine": seconds}

- ``odoo``: the server's whole process tree (the master, prefork workers, cron workers and the
  gevent long-polling process), each with the time of its exited and reaped children, so that a
  worker that is recycled in between still counts.
- ``pg_all``: every PostgreSQL process (the postmaster's tree, exited backends included through its
  children's time): the connections that live for one request and the bus ``NOTIFY`` / ``LISTEN`` on
  the ``postgres`` database count too, but so does anything else using PostgreSQL on the machine.
- ``pg_db``: each backend connected to one of the given databases (read from its process title),
  so that other work on the machine does not count; a backend that exits in between is lost.
- ``machine``: every CPU of the machine busy (all processes): what is left once the server, PostgreSQL
  and the load client are taken away is other work, which skews the figures.

A scenario's cost is the difference of two snapshots (``servers.CpuMeter.delta``). The kernel counts in clock ticks
(10 ms per process), hence figures per message from a few messages are coarse.
"""
import json
import re
import sys

import psutil

TITLE = re.compile(r"^postgres: (?:[^ :]+: )?(\S+) (\S+) (?:\[local\]|\S+\(\d+\)|\S+) ")


def busy(process):
    times = process.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def tree_seconds(root):
    total = 0.0
    for process in [root] + root.children(recursive=True):
        try:
            total += busy(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def postmaster():
    for process in psutil.process_iter(["name", "ppid"]):
        if process.info["name"] == "postgres":
            try:
                parent = psutil.Process(process.info["ppid"])
                if parent.name() != "postgres":
                    return process
            except psutil.NoSuchProcess:
                continue
    return None


def snapshot(odoo_pid, databases):
    machine = psutil.cpu_times()
    result = {"odoo": 0.0, "pg_all": 0.0, "pg_db": {},
              "machine": sum(getattr(machine, field, 0.0) for field in ("user", "nice", "system", "irq", "softirq",
                                                                        "steal"))}
    try:
        result["odoo"] = tree_seconds(psutil.Process(odoo_pid))
    except psutil.NoSuchProcess:
        pass
    master = postmaster()
    if master is not None:
        result["pg_all"] = tree_seconds(master)
        for backend in master.children():
            try:
                title = " ".join(backend.cmdline())
                match = TITLE.match(title)
                if match and match.group(2) in databases:
                    result["pg_db"][str(backend.pid)] = busy(backend)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
    return result


def main():
    for line in sys.stdin:
        pid, databases = line.split()
        sys.stdout.write(json.dumps(snapshot(int(pid), set(databases.split(",")))) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
