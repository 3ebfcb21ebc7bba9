"""Memory and open files of a process tree, as JSON: run with the Odoo venv's python (it has psutil).

    rss.py PID  ->  {"rss": bytes, "uss": bytes, "fds": n, "processes": n,
                     "gevent": {"rss": bytes, "uss": bytes, "fds": n} or null}

rss sums each process's resident set (pages shared after fork count once per process, as
``ps`` and ``top`` show them); uss sums the memory private to each process; fds the open file
descriptors (sockets included). ``gevent``: the same for the long-polling process alone (prefork).
"""
import json
import sys

import psutil


def tree_memory(pid):
    root = psutil.Process(pid)
    rss = uss = fds = count = 0
    gevent = None
    for process in [root] + root.children(recursive=True):
        try:
            info = process.memory_full_info()
            files = process.num_fds()
            command = process.cmdline()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss
        uss += info.uss
        fds += files
        count += 1
        if "gevent" in command[1:4]:
            gevent = {"rss": info.rss, "uss": info.uss, "fds": files}
    return {"rss": rss, "uss": uss, "fds": fds, "processes": count, "gevent": gevent}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(tree_memory(int(sys.argv[1]))) + "\n")
