"""Colour contrast of the administrator's chosen colours, as WCAG 2.2 measures it (success criterion
1.4.3, contrast minimum: 4.5:1 for text). Defined once here: the channel's form warns with the ratio,
and the widget's ``init`` sends the visitor a text colour that is readable whatever was chosen."""

BLACK = "#000000"
WHITE = "#FFFFFF"
MIN_TEXT_CONTRAST = 4.5  # WCAG 2.2 AA, normal-size text


def _channel(value):
    value /= 255.0
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_color):
    """WCAG's relative luminance of ``#RRGGBB`` (0 black .. 1 white)."""
    red, green, blue = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(foreground, background):
    """WCAG's contrast ratio of two ``#RRGGBB`` colours, from 1.0 (same) to 21.0 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def best_text_on(background):
    """Black or white, whichever contrasts more with ``background`` (always at least 4.58:1)."""
    return BLACK if contrast_ratio(BLACK, background) >= contrast_ratio(WHITE, background) else WHITE


def readable_text(foreground, background):
    """``foreground`` if it is readable on ``background`` (4.5:1), else black or white, whichever is."""
    if foreground and contrast_ratio(foreground, background) >= MIN_TEXT_CONTRAST:
        return foreground
    return best_text_on(background)
