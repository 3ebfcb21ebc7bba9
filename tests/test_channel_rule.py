import subprocess
import sys

from odoo.exceptions import ValidationError
from odoo.tests import common

from .common import LivechatCase


@common.at_install(False)
@common.post_install(True)
class TestChannelRule(LivechatCase):
    """Rules: what the administrator may write, and which rule a visitor's page gets."""

    def setUp(self):
        super(TestChannelRule, self).setUp()
        self.channel = self.env["livechat.channel"].sudo(self.livechat_manager).create({"name": "Shop"})
        self.Rule = self.env["livechat.channel.rule"].sudo(self.livechat_manager)
        self.romania = self.env.ref("base.ro")
        self.belgium = self.env.ref("base.be")

    def _rule(self, **values):
        values.setdefault("channel_id", self.channel.id)
        return self.Rule.create(values)

    # Validation -----------------------------------------------------------------

    def test_defaults(self):
        rule = self._rule()
        self.assertEqual(rule.action, "display_button")
        self.assertFalse(rule.regex_url)
        self.assertFalse(rule.country_ids)
        self.assertFalse(rule.chatbot_script_id)

    def test_invalid_regex_is_refused_with_a_readable_message(self):
        for bad in ("(shop", "[a-", "*shop", "/shop(?P<x"):
            with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
                self._rule(regex_url=bad)
            self.assertIn("not a valid regular expression", caught.exception.name)
            self.assertIn(bad, caught.exception.name)
        rule = self._rule(regex_url="/shop")
        with self.assertRaises(ValidationError), self.cr.savepoint():
            rule.write({"regex_url": "/shop)"})
        self.assertEqual(rule.regex_url, "/shop", "a refused change loses nothing")

    # Patterns that make a backtracking engine explode, each on a URL that never matches.
    CATASTROPHIC = (r"^/(a+)+$", r"^/(a|aa)+$", r"^/(a|a?)+$", r"^/(\w+\s?)*$", r"^/([a-z]+)*[A-Z]$",
                    r"(.*a){20}$")

    def test_backtracking_patterns_are_matched_in_linear_time(self):
        """A rule no administrator would suspect must not freeze the server for every visitor."""
        url = "/" + "a" * 2040 + "!"
        # the hazard is real: Python's own engine does not finish even a 42-character URL in 3 s
        script = "import re; re.search(%r, %r)" % (self.CATASTROPHIC[0], "/" + "a" * 40 + "!")
        with self.assertRaises(subprocess.TimeoutExpired):
            subprocess.run([sys.executable, "-c", script], timeout=3)
        rules = [self._rule(regex_url=pattern, sequence=index) for index, pattern in enumerate(self.CATASTROPHIC)]
        self._rule(regex_url="/", action="hide_button", sequence=99)
        for rule in rules:
            self.assertFalse(rule._matches_url(url), rule.regex_url)
        self.assertEqual(self.Rule.match_rule(self.channel, url).action, "hide_button")
        # and they still match what they should
        self.assertTrue(rules[0]._matches_url("/aaaa"))
        self.assertTrue(rules[4]._matches_url("/abcZ"))

    def test_unboundable_patterns_are_refused_at_save(self):
        for bad in (r"/(shop)/\1", r"/shop(?=/cart)", r"(?<!/admin)/page", r"/(?P<x>a)(?P=x)"):
            with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
                self._rule(regex_url=bad)
            self.assertIn("bounded time", caught.exception.name)
            self.assertIn(bad, caught.exception.name)
        # what administrators usually write is accepted
        for good in ("/shop", "^/shop/.*", "/(contact|about)us?$", r"^/blog/\d+", "(?i)/page"):
            self._rule(regex_url=good)

    def test_a_pattern_saved_before_the_check_never_matches(self):
        rule = self._rule(regex_url="/shop")
        self.env.cr.execute("UPDATE livechat_channel_rule SET regex_url = %s WHERE id = %s",
                            (r"/(shop)\1", rule.id))
        rule.invalidate_cache()
        self.assertFalse(rule._matches_url("/shopshop"))

    def test_regex_length_limit(self):
        self._rule(regex_url="/" + "a" * 999)
        with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
            self._rule(regex_url="/" + "a" * 1000)
        self.assertIn("1001", caught.exception.name)
        self.assertIn("1000", caught.exception.name)

    def test_open_automatically_needs_a_positive_timer(self):
        for timer in (0, -3):
            with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
                self._rule(action="auto_popup", auto_popup_timer=timer)
            self.assertIn("timer", caught.exception.name)
        rule = self._rule(action="auto_popup", auto_popup_timer=7)
        self.assertEqual(rule.auto_popup_timer, 7)
        # the timer only matters for "Open automatically"
        self._rule(action="display_button", auto_popup_timer=0)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._rule(action="display_button", auto_popup_timer=-1)

    def test_choosing_open_automatically_proposes_a_timer(self):
        rule = self.Rule.new({"channel_id": self.channel.id, "action": "auto_popup", "auto_popup_timer": 0})
        rule._onchange_action()
        self.assertGreater(rule.auto_popup_timer, 0)
        rule = self.Rule.new({"channel_id": self.channel.id, "action": "auto_popup", "auto_popup_timer": 42})
        rule._onchange_action()
        self.assertEqual(rule.auto_popup_timer, 42, "a timer already chosen is kept")

    def test_deleting_the_channel_deletes_its_rules(self):
        rule = self._rule(regex_url="/")
        self.channel.unlink()
        self.assertFalse(rule.exists())

    # Matching -------------------------------------------------------------------

    def test_match_rule_table(self):
        """URL x country x sequence, as the spec says."""
        rules = {
            "hide_cart": self._rule(sequence=10, action="hide_button", regex_url="^/shop/cart"),
            "shop_ro": self._rule(sequence=20, action="auto_popup", auto_popup_timer=5, regex_url="/shop",
                                  country_ids=[(6, 0, [self.romania.id])]),
            "shop": self._rule(sequence=30, action="display_button_and_text", regex_url="/shop"),
            "all_be": self._rule(sequence=40, action="display_button", regex_url="/",
                                 country_ids=[(6, 0, [self.belgium.id])]),
            "everything": self._rule(sequence=50, action="display_button", regex_url=False),
        }
        table = [
            # url, country, expected rule
            ("/shop/cart", "RO", "shop_ro"),       # a rule for the visitor's country comes first
            ("/shop/cart", "US", "hide_cart"),
            ("/shop/cart", None, "hide_cart"),     # country unknown: only rules without countries
            ("/shop", "RO", "shop_ro"),
            ("/shop", "ro", "shop_ro"),            # country codes in any case
            ("/shop", "US", "shop"),
            ("/shop", None, "shop"),
            ("/shop", "BE", "all_be"),             # "/" matches every page
            ("/", "BE", "all_be"),
            ("/contactus", "BE", "all_be"),
            ("/contactus", "US", "everything"),    # an empty regex matches every page
            ("/contactus", None, "everything"),
            ("/contactus", "RO", "everything"),    # the Romanian rule is for /shop only
            ("", None, "everything"),
        ]
        Rule = self.env["livechat.channel.rule"]
        for url, country, expected in table:
            matched = Rule.match_rule(self.channel, url, country)
            self.assertEqual(matched, rules[expected], "%s from %s: expected %s, got %s" % (
                url, country, expected, [name for name, rule in rules.items() if rule == matched]))

        # sequence decides among rules of the same kind: move "shop" above "hide_cart"
        rules["shop"].sequence = 5
        self.assertEqual(Rule.match_rule(self.channel, "/shop/cart", "US"), rules["shop"])
        self.assertEqual(Rule.match_rule(self.channel, "/shop/cart", "RO"), rules["shop_ro"])
        # and among country rules: a second Romanian rule placed before the first
        first_ro = self._rule(sequence=1, action="hide_button", regex_url="/shop/cart",
                              country_ids=[(6, 0, [self.romania.id])])
        self.assertEqual(Rule.match_rule(self.channel, "/shop/cart", "RO"), first_ro)
        self.assertEqual(Rule.match_rule(self.channel, "/shop", "RO"), rules["shop_ro"])

    def test_no_rule_matches(self):
        Rule = self.env["livechat.channel.rule"]
        self.assertFalse(Rule.match_rule(self.channel, "/", "US"), "a channel without rules matches nothing")
        self._rule(regex_url="^/shop")
        self._rule(regex_url="/", country_ids=[(6, 0, [self.belgium.id])])
        self.assertFalse(Rule.match_rule(self.channel, "/about", "US"))
        self.assertFalse(Rule.match_rule(self.channel, "/about", None))
        self.assertTrue(Rule.match_rule(self.channel, "/about", "BE"))

    def test_rules_of_other_channels_never_apply(self):
        other = self.env["livechat.channel"].create({"name": "Other"})
        self._rule(channel_id=other.id, regex_url="/")
        self.assertFalse(self.env["livechat.channel.rule"].match_rule(self.channel, "/", None))

    def test_match_rule_for_a_visitor_without_rights(self):
        """The visitor side calls it for the public user, who cannot read rules."""
        rule = self._rule(regex_url="/")
        matched = self.env["livechat.channel.rule"].sudo(self.public_user).match_rule(self.channel, "/", None)
        self.assertEqual(matched.id, rule.id)
