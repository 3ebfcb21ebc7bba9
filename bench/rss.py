"""Memory of a process tree, as JSON: run with the Odoo venv's python (it has psutil).

    rss.py PID  ->  {"rss": bytes, "uss": bytes, "processes": n}

rss sums each process's resident set (pages shared after fork count once per process, as
``ps`` and ``top`` show them); uss sums the memory private to each process.
"""
import json
import sys

import psutil


def tree_memory(pid):
    root = psutil.Process(pid)
    rss = uss = count = 0
    for process in [root] + root.children(recursive=True):
        try:
            info = process.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss
        uss += info.uss
        count += 1
    return {"rss": rss, "uss": uss, "processes": count}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(tree_memory(int(sys.argv[1]))) + "\n")
