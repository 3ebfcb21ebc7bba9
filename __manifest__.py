# -*- coding: utf-8 -*-
{
    "name": "Live Chat",
    "summary": "Chat in real time with the visitors of your websites",
    "description": """
Live Chat
=========
Visitors click a chat button on any web page; operators answer from the Odoo backend,
in Odoo's own chat windows and in Discuss. Channels, operators, rules by page and country,
a framework-free widget for any website, and a direct chat link.
""",
    "version": "11.0.1.0.0",
    "category": "Website/Live Chat",
    "author": "Live Chat developers",
    "website": "https://github.com/livechat-odoo/livechat",
    "license": "LGPL-3",
    "depends": ["mail", "website"],
    "external_dependencies": {"python": ["geoip2"]},
    "data": [
        "security/livechat_security.xml",
        "security/ir.model.access.csv",
        "views/livechat_channel_views.xml",
        "views/livechat_menus.xml",
        "data/livechat_channel_data.xml",
    ],
    "demo": [
    ],
    "images": ["static/description/icon.png"],
    "application": True,
    "installable": True,
}
