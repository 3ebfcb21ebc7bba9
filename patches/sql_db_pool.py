"""``ConnectionPool.borrow`` / ``give_back`` (``odoo/sql_db.py``): a process whose pool is full waits
a moment for a connection to be given back, instead of failing at once.

What it changes: Odoo 11 raises ``PoolError('The Connection Pool Is Full')`` as soon as every
connection of the process's pool (``--db_maxconn``) is in use, and the request fails with HTTP 500.
Here ``borrow`` waits, up to ``WAIT_SECONDS``, until ``give_back`` frees one (then tries again);
past that it fails as before. ``give_back`` wakes one waiter.

Why: the gevent long-polling process serves thousands of long-polls with one pool. A long-poll
holds a connection only for its short reads (the token lookup, the bus read when it wakes up), but
when hundreds arrive or wake up at once (a crowd of visitors opening, the bus timeout firing for
all of those who came together), more than ``db_maxconn`` of them want one at the same instant:
measured by the benchmark's scale part, hundreds of the long-polls of 1,000 idle visitors answered 500
with ``--db_maxconn=16``. Each needs a connection for a millisecond or two: waiting for one is
the right answer, and the number of PostgreSQL connections stays bounded by ``db_maxconn``. In a
threaded server or a prefork worker the same wait replaces a 500 under a burst.

Drop when porting to an Odoo whose pool waits for a free connection (Odoo 17's still raises
``PoolError`` at once: keep it there too, or size ``db_maxconn`` for the burst).
"""
import threading
import time

from psycopg2.pool import PoolError

from odoo import sql_db

from .replace import replace

WAIT_SECONDS = 30.0
RETRY_SECONDS = 0.5  # a waiter looks again at least this often (a wake-up may go to another)


def _freed(pool):
    """The pool's condition, notified when a connection is given back (created once per pool)."""
    condition = getattr(pool, "_livechat_freed", None)
    if condition is None:
        condition = pool.__dict__.setdefault("_livechat_freed", threading.Condition())
    return condition


def borrow(self, connection_info):
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            return borrow.original(self, connection_info)
        except PoolError as error:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or "Full" not in str(error):
                raise
            condition = _freed(self)
            with condition:
                condition.wait(min(RETRY_SECONDS, remaining))


def give_back(self, connection, keep_in_pool=True):
    try:
        return give_back.original(self, connection, keep_in_pool)
    finally:
        condition = _freed(self)
        with condition:
            condition.notify()


def apply():
    replace(sql_db.ConnectionPool, "borrow", borrow)
    replace(sql_db.ConnectionPool, "give_back", give_back)
