"""The waiting queue on a prefork server (two workers): when a slot frees, the workers and the cron that
see it at the same moment assign exactly one visitor, the first in line, never two, never none.

A channel caps its one operator at one conversation. Visitors arrive at once (the opening goes through
the queue: one is assigned, the others wait). Then, round after round, the visitor being served leaves
while the cron (``ir.cron.method_direct_trigger``, in a worker) runs twice and the operator sets his
status (which dispatches the queue too), all at the same moment: after each round exactly one more
visitor is assigned, the first in line, and the others moved up one place (their widget's long-poll
receives the new position)."""
import datetime
import json
import threading
import uuid

import httpx
import pytest

from livechat_server import OdooServer
from widget_support import Odoo

POLL_PATH = "/longpolling/livechat/poll"
VISITORS = 5


@pytest.fixture(scope="module")
def server(db_name):
    server = OdooServer(db_name, "queue-race", workers=2, extra_args=["--load=base,web,livechat"]).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def admin(server, db_name):
    return Odoo(server.url, db_name)


@pytest.fixture(scope="module")
def operator(admin, server, db_name):
    """Quinn, an operator of his own (other tests' chats do not count in his load), online."""
    login = "quinn_%s" % uuid.uuid4().hex[:6]
    user_id = admin.call("res.users", "create", {
        "name": "Quinn Queue", "login": login, "password": login,
        "groups_id": [(4, admin.ref("base.group_user")), (4, admin.ref("livechat.group_livechat_user"))],
    })
    return user_id, Odoo(server.url, db_name, login=login, password=login)


def set_online(admin, user_id):
    """What his web client's bus poll records: he is there, now."""
    stamp = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")
    values = {"last_poll": stamp, "last_presence": stamp, "status": "online"}
    presence = admin.call("bus.presence", "search", [("user_id", "=", user_id)])
    if presence:
        admin.call("bus.presence", "write", presence, values)
    else:
        admin.call("bus.presence", "create", dict(values, user_id=user_id))


def api(server, path, payload):
    response = httpx.post(server.url + "/livechat/api/" + path, content=json.dumps(payload), timeout=60)
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


def together(calls):
    """Run ``calls`` in threads released at the same moment; their results (or exceptions)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # reported by the caller
            results[index] = error

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def sessions(admin, tokens):
    """{token: (state, operator id)} of the visitors' sessions."""
    rows = admin.call("livechat.session", "search_read", [("access_token", "in", tokens)],
                      fields=["access_token", "state", "operator_id", "queue_outcome"])
    return {row["access_token"]: (row["state"], row["operator_id"] and row["operator_id"][0]) for row in rows}


def queue_events(server, token, last):
    response = httpx.post(server.longpolling_url + POLL_PATH, timeout=70,
                          content=json.dumps({"token": token, "last": last}))
    assert response.status_code == 200, response.text
    return [event["queue"] for event in response.json()["events"] if event["type"] == "queue"]


def test_a_freed_slot_assigns_exactly_one_visitor_whoever_sees_it(server, admin, operator, db_name):
    user_id, quinn = operator
    # an XML-RPC connection per thread (a connection carries one request at a time)
    cron_a, cron_b = Odoo(server.url, db_name), Odoo(server.url, db_name)
    set_online(admin, user_id)
    channel = admin.call("livechat.channel", "create", {
        "name": "Queue Race %s" % uuid.uuid4().hex[:6], "user_ids": [(6, 0, [user_id])],
        "limit_conversations": True, "max_conversations": 1,
    })
    cron = admin.ref("livechat.ir_cron_livechat_queue_dispatch")
    try:
        # they all arrive at once: one is assigned, the others wait, each once
        page = {"channel_id": channel, "url": "https://shop.example.com/"}
        opened = together([lambda: api(server, "session/open", page) for _visitor in range(VISITORS)])
        for answer in opened:
            assert isinstance(answer, dict) and answer["available"], answer
        assert sorted(answer["state"] for answer in opened) == ["open"] + ["waiting"] * (VISITORS - 1)
        assert sorted(answer["queue"]["position"] for answer in opened if answer["state"] == "waiting") == \
            list(range(1, VISITORS))
        line = sorted((answer for answer in opened if answer["state"] == "waiting"),
                      key=lambda answer: answer["queue"]["position"])
        served = [answer for answer in opened if answer["state"] == "open"][0]
        tokens = [answer["token"] for answer in opened]
        last_seen = {answer["token"]: answer["cursor"] for answer in opened}

        for round_number in range(1, VISITORS):
            set_online(admin, user_id)
            results = together([
                lambda: api(server, "session/leave", {"token": served["token"]}),
                lambda: cron_a.call("ir.cron", "method_direct_trigger", [cron]),
                lambda: cron_b.call("ir.cron", "method_direct_trigger", [cron]),
                lambda: quinn.call("res.users", "livechat_set_status", "online"),
            ])
            for result in results:
                assert not isinstance(result, Exception), result
            states = sessions(admin, tokens)
            # exactly one more visitor served: the first in line; the others still wait, in order
            assert states[served["token"]] == ("closed", user_id)
            first, rest = line[0], line[1:]
            assert states[first["token"]] == ("open", user_id), (round_number, states)
            assert [states[answer["token"]][0] for answer in rest] == ["waiting"] * len(rest), (round_number, states)
            assert sum(1 for state, _operator in states.values() if state == "open") == 1
            # the first learned his operator, the others their new place, over the bus
            assert {"state": "open", "operator_name": "Quinn Queue"} in queue_events(
                server, first["token"], last_seen[first["token"]])
            for position, answer in enumerate(rest, 1):
                events = queue_events(server, answer["token"], last_seen[answer["token"]])
                assert events and events[-1]["position"] == position, (round_number, position, events)
            served, line = first, rest
    finally:
        admin.call("livechat.channel", "write", [channel], {"active": False})
