"""Readable colours: the administrator picks the button's and the header's colours freely; the form warns,
with the ratio, when the button's text would be hard to read (WCAG 2.2 AA asks 4.5:1), and the visitor
always gets readable text (``_widget_colors``: the chosen text colour if readable, else black or white).
The header's text colour is never chosen: black or white, whichever contrasts more with the header."""
from odoo import _, api, fields, models

from .livechat_channel import HEX_COLOR
from .livechat_contrast import MIN_TEXT_CONTRAST, best_text_on, contrast_ratio, readable_text


class LivechatChannel(models.Model):
    _inherit = "livechat.channel"

    color_contrast_warning = fields.Char(
        string="Contrast Warning", compute="_compute_color_contrast_warning",
        help="Shown when the button's text colour is too close to its background for some visitors to read.")

    @api.depends("button_background_color", "button_text_color")
    def _compute_color_contrast_warning(self):
        for channel in self:
            background, text = channel.button_background_color, channel.button_text_color
            warning = False
            if background and text and HEX_COLOR.match(background) and HEX_COLOR.match(text):
                ratio = contrast_ratio(text, background)
                if ratio < MIN_TEXT_CONTRAST:
                    warning = _(
                        "The button's text is hard to read on its background: contrast %(ratio).2f:1, below the "
                        "%(minimum).1f:1 that WCAG 2.2 AA asks for. Visitors will see its text in %(color)s.") % {
                        "ratio": ratio, "minimum": MIN_TEXT_CONTRAST, "color": best_text_on(background)}
            channel.color_contrast_warning = warning

    def _widget_colors(self):
        """The colours sent to the widget, every text readable on its background."""
        self.ensure_one()
        button_bg, button_fg, header_bg = (self.button_background_color, self.button_text_color,
                                           self.header_color)
        colors = {"button-bg": button_bg or "", "button-fg": button_fg or "", "header-bg": header_bg or ""}
        if button_bg and HEX_COLOR.match(button_bg):
            colors["button-fg"] = readable_text(button_fg if button_fg and HEX_COLOR.match(button_fg) else "",
                                                button_bg)
        if header_bg and HEX_COLOR.match(header_bg):
            colors["header-fg"] = best_text_on(header_bg)
            # the header's colour as text on white (chatbot answers), or black when it would be unreadable
            colors["accent"] = readable_text(header_bg, "#FFFFFF")
        return colors
