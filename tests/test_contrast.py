from odoo.tests import common

from ..models.livechat_contrast import best_text_on, contrast_ratio, readable_text


class TestContrast(common.TransactionCase):
    """WCAG contrast of the channel's colours: measured once (livechat_contrast.py), warned about in the
    channel's form, and corrected for the visitor."""

    def test_ratio_as_wcag_measures_it(self):
        self.assertAlmostEqual(contrast_ratio("#000000", "#FFFFFF"), 21.0, places=2)
        self.assertAlmostEqual(contrast_ratio("#FFFFFF", "#000000"), 21.0, places=2)  # either order
        self.assertAlmostEqual(contrast_ratio("#875A7B", "#875A7B"), 1.0, places=2)
        # the classic threshold pair: #767676 on white passes 4.5:1, #777777 just fails it
        self.assertGreaterEqual(contrast_ratio("#767676", "#FFFFFF"), 4.5)
        self.assertLess(contrast_ratio("#777777", "#FFFFFF"), 4.5)

    def test_black_or_white_whichever_contrasts_more(self):
        self.assertEqual(best_text_on("#FFEE00"), "#000000")  # yellow
        self.assertEqual(best_text_on("#123456"), "#FFFFFF")  # dark blue
        for background in ("#777777", "#808080", "#FF0000", "#00AA00", "#875A7B"):
            text = best_text_on(background)
            self.assertGreaterEqual(contrast_ratio(text, background), 4.5, background)
        self.assertEqual(readable_text("#FFEEDD", "#112233"), "#FFEEDD", "a readable choice is kept")
        self.assertEqual(readable_text("#FFFFFF", "#FFEE00"), "#000000", "white on yellow becomes black")

    def _channel(self, **colors):
        return self.env["livechat.channel"].create(dict({"name": "Colours"}, **colors))

    def test_form_warns_with_the_ratio(self):
        channel = self._channel(button_background_color="#FFEE00", button_text_color="#FFFFFF")
        warning = channel.color_contrast_warning
        self.assertTrue(warning)
        self.assertIn("%.2f:1" % contrast_ratio("#FFFFFF", "#FFEE00"), warning)
        self.assertIn("#000000", warning, "says what visitors will see instead")
        # fixed by the administrator: the warning goes
        channel.write({"button_text_color": "#000000"})
        self.assertFalse(channel.color_contrast_warning)
        self.assertFalse(self._channel().color_contrast_warning, "the default colours are readable")

    def test_form_warns_while_editing(self):
        """The warning is computed in the form as the administrator picks a colour (onchange), before saving."""
        channel = self.env["livechat.channel"].new({"name": "Draft", "button_background_color": "#EEEEEE",
                                                    "button_text_color": "#FFFFFF"})
        self.assertIn("1.16:1", channel.color_contrast_warning)

    def test_visitor_gets_readable_text(self):
        channel = self._channel(button_background_color="#FFEE00", button_text_color="#FFFFFF",
                                header_color="#FFEE00")
        colors = channel._widget_colors()
        self.assertEqual(colors, {"button-bg": "#FFEE00", "button-fg": "#000000", "header-bg": "#FFEE00",
                                  "header-fg": "#000000", "accent": "#000000"})
        for text, background in (("button-fg", "button-bg"), ("header-fg", "header-bg")):
            self.assertGreaterEqual(contrast_ratio(colors[text], colors[background]), 4.5)
        dark = self._channel(button_background_color="#123456", button_text_color="#FFEEDD", header_color="#1F6F43")
        self.assertEqual(dark._widget_colors(), {"button-bg": "#123456", "button-fg": "#FFEEDD",
                                                 "header-bg": "#1F6F43", "header-fg": "#FFFFFF",
                                                 "accent": "#1F6F43"})
