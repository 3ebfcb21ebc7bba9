"""The Website app's dashboard on the packaged Odoo 11 runtime.

Odoo 11's dashboard (``website.WebsiteDashboardMain``) suggests installing a fixed list of apps
and reads each one's ``ir.module.module`` record from ``/website/fetch_dashboard_data``. The Odoo 11
packages of PyPI that this runtime is built from lack some of them (``website_sale``,
``website_blog``, ``website_event``, ``im_livechat``), so the template reads a missing record and the
administrator's first click on *Website* shows "Odoo Client Error". The answer is completed with
a record for each missing app, marked unavailable, which the dashboard does not suggest.

Drop when porting: later Odoo versions have no such dashboard, and a full Odoo 11 has every app.
"""
from odoo import http
from odoo.addons.website.controllers.backend import WebsiteBackend

# the apps Odoo 11's dashboard template (website.dashboard_header) suggests
DASHBOARD_APPS = ("website_crm", "website_sale", "website_blog", "website_hr_recruitment", "website_event",
                  "im_livechat")


class WebsiteDashboard(WebsiteBackend):

    @http.route()
    def fetch_dashboard_data(self, date_from, date_to):
        data = super(WebsiteDashboard, self).fetch_dashboard_data(date_from, date_to)
        apps_data = data.get("dashboards", {}).get("apps_data")
        if data.get("groups", {}).get("system") and isinstance(apps_data, dict):
            for name in DASHBOARD_APPS:
                apps_data.setdefault(name, {"id": 0, "name": name, "shortdesc": name, "sequence": 0,
                                            "state": "unavailable"})
        return data
