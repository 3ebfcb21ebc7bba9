from . import patches
from . import controllers
from . import models
from . import report
from . import wizard
from .hooks import uninstall_hook


def post_load():
    """The manifest's ``post_load`` hook: Odoo 11 calls it once the addon is imported, in every
    process that loads it (see ``patches/__init__.py`` for when that is)."""
    patches.apply()
