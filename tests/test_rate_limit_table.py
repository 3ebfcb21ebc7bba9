"""One table of rate limits (``RATE_LIMITS``): the data file and the README's table say the same."""
import os
import re

from lxml import etree

from odoo.tests import common

from ..models.livechat_rate_limit import RATE_LIMITS, WINDOW_SECONDS

ADDON = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_FILE = os.path.join(ADDON, "data", "livechat_security_data.xml")
README = os.path.join(ADDON, "README.rst")
ROW = re.compile(r"^``(livechat\.rate_limit_\w+)``\s+(\S+)\s+(\S+)\s")


def data_file_limits():
    """{parameter: (xml id, value)} of the rate-limit parameters of the data file."""
    limits = {}
    for record in etree.parse(DATA_FILE).iterfind(".//record[@model='ir.config_parameter']"):
        key = record.findtext("field[@name='key']")
        if key.startswith("livechat.rate_limit_"):
            limits[key] = (record.get("id"), int(record.findtext("field[@name='value']")))
    return limits


def readme_limits():
    """{parameter: (per, default)} of the README's table: the rows between the title row's rules."""
    with open(README, encoding="utf-8") as readme:
        lines = readme.read().splitlines()
    title = next(index for index, line in enumerate(lines) if line.startswith("System parameter (requests per minute)"))
    rows = {}
    for line in lines[title + 2:]:
        if line.startswith("="):
            break
        match = ROW.match(line)
        assert match, "not a row of the README's rate-limit table: %r" % line
        rows[match.group(1)] = (match.group(2), int(match.group(3)))
    return rows


class TestRateLimitTable(common.TransactionCase):

    def expected(self):
        return {limit.param: limit for limit in RATE_LIMITS.values()}

    def test_every_limit_is_per_minute_and_per_address_or_session(self):
        for kind, limit in RATE_LIMITS.items():
            self.assertEqual(limit.period, WINDOW_SECONDS, kind)  # the README says "per minute"
            self.assertIn(limit.per, ("address", "session"), kind)
            self.assertGreater(limit.default, 0, kind)
        self.assertEqual(len({limit.param for limit in RATE_LIMITS.values()}), len(RATE_LIMITS))

    def test_data_file_agrees(self):
        in_file = data_file_limits()
        self.assertEqual({param: value for param, (_xmlid, value) in in_file.items()},
                         {param: limit.default for param, limit in self.expected().items()})
        for param, (xmlid, value) in in_file.items():  # and installed as written
            record = self.env.ref("livechat.%s" % xmlid)
            self.assertEqual((record.key, int(record.value)), (param, value))

    def test_readme_agrees(self):
        self.assertEqual(readme_limits(), {param: (limit.per, limit.default)
                                           for param, limit in self.expected().items()})

    def test_a_row_that_differs_is_seen(self):
        """The comparison bites: one default changed in the table no longer matches either side."""
        param, limit = next(iter(self.expected().items()))
        changed = dict(self.expected(), **{param: limit._replace(default=limit.default + 1)})
        self.assertNotEqual(readme_limits(), {p: (l.per, l.default) for p, l in changed.items()})
        self.assertNotEqual({p: v for p, (_x, v) in data_file_limits().items()},
                            {p: l.default for p, l in changed.items()})
