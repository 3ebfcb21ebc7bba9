"""The conversation starts with the visitor's first message, on a real server, under concurrency."""
import json
import threading

import httpx

from widget_support import Odoo


def test_first_messages_at_once_make_one_conversation_and_lose_nothing(base_url, db_name):
    """A visitor's first messages sent at once (a double click, a flaky network retrying): one
    conversation is created; the requests that had to wait are replayed by Odoo with their body."""
    odoo = Odoo(base_url, db_name)
    channel_id = odoo.make_channel(rules=[{"action": "display_button"}], name="First Message Desk")
    odoo.set_admin_online()
    with httpx.Client(base_url=base_url, timeout=60) as client:
        opened = client.post("/livechat/api/session/open", content=json.dumps(
            {"channel_id": channel_id, "url": "https://shop.example.com/"})).json()
        assert opened["available"], opened
        session = odoo.call("livechat.session", "search_read", [("access_token", "=", opened["token"])],
                            fields=["mail_channel_id"])[0]
        assert not session["mail_channel_id"], "no conversation before the visitor writes"

        answers = []

        def say(number):
            response = client.post("/livechat/api/session/post", content=json.dumps(
                {"token": opened["token"], "body": "message %d" % number}))
            answers.append((response.status_code, response.text[:200]))
        threads = [threading.Thread(target=say, args=(number,)) for number in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert [status for status, _text in answers] == [200] * 8, answers

        history = client.post("/livechat/api/session/history", content=json.dumps(
            {"token": opened["token"]})).json()["messages"]
    # the channel's welcome comes first, in the operator's name; then the visitor's eight, each once
    assert sorted(message["body"] for message in history if not message.get("welcome")) == \
        sorted("message %d" % n for n in range(8))
    conversations = odoo.call("mail.channel", "search", [("name", "=", opened["visitor_name"]),
                                                         ("channel_type", "=", "livechat")])
    assert len(conversations) == 1
    odoo.call("livechat.session", "write", [session["id"]], {"state": "closed"})
