"""Uninstall and reinstall, for real: in a database of the test's own (a copy of the template ./test
builds), the addon is installed, a visitor chats with an operator, then the administrator uninstalls
the addon with the Apps page's button (``button_immediate_uninstall`` over RPC, in the running server)
and installs it again. Nothing a visitor wrote survives the uninstall, and the reinstalled addon starts
with no conversation and serves its widget."""
import json
import os
import shutil
import subprocess
import uuid

import httpx
import pytest

from livechat_server import ADDONS, ROOT, VENV, OdooServer, free_port
from widget_support import Odoo

FILESTORE = os.path.join(os.path.expanduser("~"), ".local", "share", "Odoo", "filestore")
MODULE_TIMEOUT = 600  # s: installing or uninstalling on a loaded machine; bounds a hung server only


def psql(db, query):
    """One value per line, as ``psql -tA`` prints them."""
    out = subprocess.run(["psql", "-d", db, "-tAc", query], check=True, capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line]


@pytest.fixture
def own_db():
    """A fresh copy of the template database (Odoo's modules, without the addon), filestore included."""
    template = os.environ.get("LIVECHAT_TEMPLATE_DB")
    if not template:
        pytest.skip("LIVECHAT_TEMPLATE_DB is set by ./test (the template database to copy)")
    db = "livechat_uninstall_%s" % uuid.uuid4().hex[:8]
    subprocess.run(["createdb", "-T", template, db], check=True)
    if os.path.isdir(os.path.join(FILESTORE, template)):
        shutil.copytree(os.path.join(FILESTORE, template), os.path.join(FILESTORE, db))
    psql(db, "UPDATE ir_config_parameter SET value = md5(random()::text) WHERE key = 'database.uuid'")
    yield db
    subprocess.run(["dropdb", "--if-exists", db], check=False)
    shutil.rmtree(os.path.join(FILESTORE, db), ignore_errors=True)


def install_from_the_command_line(db):
    logdir = os.environ.get("LIVECHAT_LOGDIR") or os.path.join(ROOT, ".cache", "logs")
    subprocess.run([os.path.join(VENV, "bin", "python"), os.path.join(ROOT, "tools", "odoo-bin"),
                    "--addons-path=%s" % ADDONS, "-d", db, "-i", "livechat", "--stop-after-init",
                    "--http-port=%d" % free_port(), "--longpolling-port=%d" % free_port(), "--log-level=warn",
                    "--logfile=%s" % os.path.join(logdir, "uninstall-test-install.log")],
                   check=True, timeout=MODULE_TIMEOUT,
                   env=dict(os.environ, ODOO_PRELOAD_ADDONS="no", PYTHONDONTWRITEBYTECODE="1"))


def module_state(odoo):
    module = odoo.call("ir.module.module", "search_read", [("name", "=", "livechat")], fields=["state"])
    return module[0]["state"]


def test_uninstall_erases_the_conversations_and_a_reinstall_starts_clean(own_db):
    install_from_the_command_line(own_db)
    server = OdooServer(own_db, "uninstall").start()
    try:
        odoo = Odoo(server.url, own_db, timeout=MODULE_TIMEOUT)
        channel_id = odoo.make_channel(rules=[{"action": "display_button"}], name="Uninstall Desk")
        odoo.set_admin_online()
        opened = httpx.post(server.url + "/livechat/api/session/open", timeout=30, content=json.dumps(
            {"channel_id": channel_id, "url": "https://shop.example.com/"})).json()
        assert opened["available"], opened
        token = opened["token"]
        answer = httpx.post(server.url + "/livechat/api/session/post", timeout=30, content=json.dumps(
            {"token": token, "body": "My secret order 4711-UNINSTALL"}))
        assert answer.status_code == 200, answer.text
        mail_channel_id = odoo.call("livechat.session", "search_read", [("channel_id", "=", channel_id)],
                                    fields=["mail_channel_id"])[0]["mail_channel_id"][0]
        odoo.call("mail.channel", "message_post", [mail_channel_id], body="We ship 4711-UNINSTALL today.",
                  message_type="comment", subtype="mail.mt_comment")
        left = "SELECT count(*) FROM mail_message WHERE body LIKE '%4711-UNINSTALL%'"
        assert psql(own_db, left) == ["2"], "the conversation is there before"

        module_id = odoo.call("ir.module.module", "search", [("name", "=", "livechat")])
        odoo.call("ir.module.module", "button_immediate_uninstall", module_id)
        assert module_state(odoo) == "uninstalled"
        assert psql(own_db, left) == ["0"], "no message of the visitor's conversation is left"
        assert psql(own_db, "SELECT count(*) FROM mail_channel WHERE id = %d" % mail_channel_id) == ["0"]
        assert psql(own_db, "SELECT count(*) FROM mail_channel WHERE channel_type NOT IN ('chat', 'channel')") == ["0"]
        assert psql(own_db, "SELECT tablename FROM pg_tables WHERE tablename LIKE 'livechat\\_%'") == []
        gone = httpx.post(server.url + "/livechat/api/session/history", timeout=30,
                          content=json.dumps({"token": token}))
        assert gone.status_code == 404, "the visitor API is gone with the addon"

        odoo.call("ir.module.module", "button_immediate_install", module_id)
        assert module_state(odoo) == "installed"
        assert odoo.call("livechat.session", "search_count", []) == 0, "a reinstall starts with no conversation"
        assert psql(own_db, left) == ["0"]
        demo_channel = odoo.call("livechat.channel", "search", [], limit=1)
        assert demo_channel, "the reinstalled addon has its channels again"
        init = httpx.post(server.url + "/livechat/api/init", timeout=30, content=json.dumps(
            {"channel_id": demo_channel[0], "url": "https://shop.example.com/"}))
        assert init.status_code == 200, init.text
        assert httpx.get(server.url + "/livechat/loader/%d.js" % demo_channel[0], timeout=30).status_code == 200
    finally:
        server.stop()
