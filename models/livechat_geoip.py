"""The visitor's country, from the request IP and a GeoIP2 database."""
import logging
import threading

from odoo import api, models, tools

_logger = logging.getLogger(__name__)

try:
    import geoip2.database
    import geoip2.errors
except ImportError:  # declared in the manifest's external_dependencies
    geoip2 = None

_READERS = {}
_READERS_LOCK = threading.Lock()


def geoip_reader(path):
    """The geoip2 Reader of the database file ``path``, opened once per process (None if unusable)."""
    if not path or geoip2 is None:
        return None
    reader = _READERS.get(path, False)
    if reader is False:
        with _READERS_LOCK:
            reader = _READERS.get(path, False)
            if reader is False:
                try:
                    reader = geoip2.database.Reader(path)
                except (OSError, ValueError) as error:
                    _logger.warning("GeoIP database %s cannot be opened, visitors get no country: %s",
                                    path, error)
                    reader = None
                _READERS[path] = reader
    return reader


class LivechatGeoip(models.AbstractModel):
    """Looks up visitor countries in the database of Odoo's ``--geoip-db`` option."""

    _name = "livechat.geoip"
    _description = "Live Chat GeoIP Lookup"

    @api.model
    def _database_path(self):
        return tools.config.get("geoip_database")

    @api.model
    def _country_code(self, ip_address):
        """ISO code of the country of ``ip_address`` ("RO"), or None when unknown."""
        reader = geoip_reader(self._database_path())
        if not reader or not ip_address:
            return None
        try:
            if "City" in reader.metadata().database_type:
                record = reader.city(ip_address)
            else:
                record = reader.country(ip_address)
        except (ValueError, TypeError, geoip2.errors.GeoIP2Error):
            return None
        return record.country.iso_code or None

    @api.model
    def _country(self, ip_address):
        """The res.country of ``ip_address`` (empty when unknown)."""
        code = self._country_code(ip_address)
        if not code:
            return self.env["res.country"]
        return self.env["res.country"].sudo().search([("code", "=", code.upper())], limit=1)
