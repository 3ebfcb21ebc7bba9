"""A full connection pool makes a request wait for a connection (``patches/sql_db_pool.py``) rather
than fail: thousands of long-polls share one pool in the gevent process."""
import threading
import time

from psycopg2.pool import PoolError

from odoo import sql_db
from odoo.tests import common
from odoo.tools import config

from ..patches import sql_db_pool


class TestPoolWait(common.TransactionCase):

    def setUp(self):
        super(TestPoolWait, self).setUp()
        self.pool = sql_db.ConnectionPool(1)
        self.addCleanup(self.pool.close_all)
        self.info = sql_db.connection_info_for(config["db_name"] or self.env.cr.dbname)[1]
        self.held = self.pool.borrow(self.info)

    def test_a_full_pool_waits_for_a_connection_given_back(self):
        timer = threading.Timer(0.3, self.pool.give_back, [self.held])
        timer.start()
        started = time.monotonic()
        connection = self.pool.borrow(self.info)  # Odoo 11 alone: PoolError at once
        timer.join()
        self.assertIs(connection, self.held, "the connection given back")
        self.assertGreaterEqual(time.monotonic() - started, 0.2)
        self.pool.give_back(connection)

    def test_a_pool_full_for_too_long_still_fails(self):
        self.patch(sql_db_pool, "WAIT_SECONDS", 0.2)
        with self.assertRaises(PoolError):
            self.pool.borrow(self.info)
        self.pool.give_back(self.held)
