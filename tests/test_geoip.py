import os

from odoo.tests import common
from odoo.tools import config

from .visitor_common import VisitorMixin, build_geoip_database


class TestGeoip(VisitorMixin, common.TransactionCase):
    """Visitor countries come from a real GeoIP2 database (the file of Odoo's --geoip-db option)."""

    @classmethod
    def setUpClass(cls):
        super(TestGeoip, cls).setUpClass()
        cls.tiny_db = build_geoip_database({"81.196.0.0/16": "RO", "8.8.8.0/24": "US"})
        cls.tiny_city_db = build_geoip_database({"193.231.20.0/24": "RO"}, database_type="GeoLite2-City")

    @classmethod
    def tearDownClass(cls):
        os.unlink(cls.tiny_db)
        os.unlink(cls.tiny_city_db)
        super(TestGeoip, cls).tearDownClass()

    def setUp(self):
        super(TestGeoip, self).setUp()
        self.real_db = config.get("geoip_database")
        self.addCleanup(config.__setitem__, "geoip_database", self.real_db)
        self.geoip = self.env["livechat.geoip"]

    def _use(self, path):
        config["geoip_database"] = path

    def test_tiny_database_countries(self):
        self._use(self.tiny_db)
        self.assertEqual(self.geoip._country_code("81.196.0.1"), "RO")
        self.assertEqual(self.geoip._country_code("8.8.8.8"), "US")
        self.assertEqual(self.geoip._country("81.196.0.1"), self.env.ref("base.ro"))

    def test_city_database(self):
        self._use(self.tiny_city_db)
        self.assertEqual(self.geoip._country_code("193.231.20.1"), "RO")

    def test_unknown_addresses_have_no_country(self):
        self._use(self.tiny_db)
        for address in ("10.0.0.1", "127.0.0.1", "not an address", "", None, "::1"):
            self.assertIsNone(self.geoip._country_code(address), address)
        self.assertFalse(self.geoip._country("10.0.0.1"))

    def test_missing_database_gives_no_country_and_no_error(self):
        self._use("/nonexistent/GeoLite2-City.mmdb")
        self.assertIsNone(self.geoip._country_code("81.196.0.1"))
        self._use(False)
        self.assertIsNone(self.geoip._country_code("81.196.0.1"))

    def test_real_geolite2_database(self):
        """./run and ./test pass the GeoLite2 City database of the maxminddb-geolite2 package."""
        if not self.real_db or not os.path.exists(self.real_db):
            self.skipTest("no --geoip-db given to this server")
        self.assertEqual(self.geoip._country_code("81.196.0.1"), "RO")
        self.assertEqual(self.geoip._country_code("8.8.8.8"), "US")

    def test_romanian_visitor_gets_the_romania_only_rule(self):
        self._use(self.tiny_db)
        self._setup_visitor_channel()
        self._set_online(self.op_anna)
        Rule = self.env["livechat.channel.rule"]
        Rule.create({"channel_id": self.channel.id, "sequence": 1, "action": "auto_popup", "auto_popup_timer": 7,
                     "regex_url": "/", "country_ids": [(6, 0, [self.env.ref("base.ro").id])]})
        Rule.create({"channel_id": self.channel.id, "sequence": 2, "action": "display_button", "regex_url": "/"})
        romanian = self.Session._widget_init(self.channel, "/shop", self.geoip._country_code("81.196.0.1"))
        self.assertEqual((romanian["action"], romanian["auto_popup_timer"], romanian["country_code"]),
                         ("auto_popup", 7, "RO"))
        american = self.Session._widget_init(self.channel, "/shop", self.geoip._country_code("8.8.8.8"))
        self.assertEqual((american["action"], american["auto_popup_timer"]), ("display_button", 0))
