"""Multiply the live chat history of a benchmark database: run with the Odoo venv's python (psycopg2).

    grow_history.py DBNAME FACTOR   ->  prints "grown: N -> M sessions, K -> L messages"

The sessions already in the database were made by the benchmark through the real HTTP routes;
this copies them FACTOR - 1 times, in SQL, row by row as the ORM wrote them: the conversation
(mail.channel, its alias, the operator's membership, its followers), the session (closed, with a
new token) and every message with its channel and notification links, the k-th copy dated k weeks
earlier: a history that accumulated over months. So every table and index a request touches grows
×FACTOR, in seconds. Columns are read from the database, so fields added to
these models later are copied too. Then ANALYZE, as autovacuum would do after such a growth.
"""
import sys

import psycopg2

# table -> {column: SQL expression}; "t" is the row copied, map_<x>(old_id, new_id) the copies made
OVERRIDES = {
    "mail_alias": {"alias_name": "NULL"},
    "mail_channel": {"alias_id": "(SELECT new_id FROM map_alias WHERE old_id = t.alias_id)",
                     "uuid": "md5(random()::text)"},
    "mail_channel_partner": {"channel_id": "(SELECT new_id FROM map_channel WHERE old_id = t.channel_id)",
                             "seen_message_id": "NULL", "is_pinned": "false", "is_minimized": "false",
                             "fold_state": "'closed'"},
    "mail_followers": {"res_id": "(SELECT new_id FROM map_channel WHERE old_id = t.res_id)",
                       "channel_id": "coalesce((SELECT new_id FROM map_channel WHERE old_id = t.channel_id), "
                                     "t.channel_id)"},
    "livechat_session": {"mail_channel_id": "(SELECT new_id FROM map_channel WHERE old_id = t.mail_channel_id)",
                         "access_token": "md5(random()::text) || md5(random()::text)",
                         "visitor_uid": "md5(random()::text)", "state": "'closed'",
                         "start_date": "t.start_date - %(age)s",
                         "end_date": "coalesce(t.end_date, t.start_date) - %(age)s"},
    "mail_message": {"res_id": "(SELECT new_id FROM map_channel WHERE old_id = t.res_id)",
                     "parent_id": "(SELECT new_id FROM map_message WHERE old_id = t.parent_id)",
                     "message_id": "'<' || md5(random()::text) || '@bench-history>'",
                     "date": "t.date - %(age)s"},
    "mail_message_res_partner_needaction_rel": {
        "mail_message_id": "(SELECT new_id FROM map_message WHERE old_id = t.mail_message_id)"},
}
# what to copy, in order: (table, map name, SQL selecting the ids to copy)
COPIES = [
    ("mail_alias", "map_alias", "SELECT alias_id FROM mail_channel WHERE id IN (SELECT id FROM src_channel)"),
    ("mail_channel", "map_channel", "SELECT id FROM src_channel"),
    ("mail_channel_partner", "map_member",
     "SELECT id FROM mail_channel_partner WHERE channel_id IN (SELECT id FROM src_channel)"),
    ("mail_followers", "map_follower",
     "SELECT id FROM mail_followers WHERE res_model = 'mail.channel' AND res_id IN (SELECT id FROM src_channel)"),
    # every session, also those whose visitor never wrote (no conversation)
    ("livechat_session", "map_session", "SELECT id FROM src_session"),
    ("mail_message", "map_message",
     "SELECT id FROM mail_message WHERE model = 'mail.channel' AND res_id IN (SELECT id FROM src_channel)"),
    ("mail_message_res_partner_needaction_rel", "map_notification",
     "SELECT id FROM mail_message_res_partner_needaction_rel "
     "WHERE mail_message_id IN (SELECT old_id FROM map_message)"),
]
# many2many tables (no id): (table, {column: map})
RELATIONS = [
    ("mail_followers_mail_message_subtype_rel", {"mail_followers_id": "map_follower"}),
    ("mail_message_mail_channel_rel", {"mail_message_id": "map_message", "mail_channel_id": "map_channel"}),
    ("mail_message_res_partner_rel", {"mail_message_id": "map_message"}),
]


def columns(cr, table):
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
               "AND table_name = %s ORDER BY ordinal_position", (table,))
    return [row[0] for row in cr.fetchall()]


def copy_rows(cr, table, map_name, source_sql, age):
    """Copy the rows whose ids ``source_sql`` selects; map_name(old_id, new_id) says which copy is which.

    ``age``: an SQL interval the copy's dates are moved back by.
    """
    cr.execute('CREATE TEMP TABLE %s AS SELECT DISTINCT id AS old_id, 0 AS new_id FROM (%s) AS s(id) '
               'WHERE id IS NOT NULL' % (map_name, source_sql))
    cr.execute("UPDATE %s SET new_id = nextval(pg_get_serial_sequence(%%s, 'id'))" % map_name, (table,))
    cr.execute("CREATE INDEX ON %s (old_id)" % map_name)
    overrides = OVERRIDES.get(table, {})
    names = [name for name in columns(cr, table) if name != "id"]
    values = [overrides.get(name, 't."%s"' % name) % {"age": age} for name in names]
    cr.execute('INSERT INTO %s (id, %s) SELECT m.new_id, %s FROM %s t JOIN %s m ON m.old_id = t.id' % (
        table, ", ".join('"%s"' % name for name in names), ", ".join(values), table, map_name))


def copy_relation(cr, table, mapped):
    """Copy the links of a many2many table for the copied rows (unmapped columns keep their value)."""
    names = columns(cr, table)
    if not names:
        return
    first, first_map = next(iter(mapped.items()))
    values = []
    for name in names:
        if name == first:
            values.append("m.new_id")
        elif name in mapped:
            values.append("coalesce((SELECT new_id FROM %s WHERE old_id = t.%s), t.%s)" % (mapped[name], name, name))
        else:
            values.append("t.%s" % name)
    cr.execute("INSERT INTO %s (%s) SELECT %s FROM %s t JOIN %s m ON m.old_id = t.%s" % (
        table, ", ".join(names), ", ".join(values), table, first_map, first))


def count(cr):
    cr.execute("SELECT (SELECT count(*) FROM livechat_session), "
               "(SELECT count(*) FROM mail_message WHERE model = 'mail.channel' AND res_id IN "
               "(SELECT id FROM mail_channel WHERE channel_type = 'livechat'))")
    return cr.fetchone()


def grow(dbname, factor):
    connection = psycopg2.connect(dbname=dbname)
    try:
        with connection.cursor() as cr:
            before = count(cr)
            cr.execute("CREATE TEMP TABLE src_channel AS SELECT id FROM mail_channel WHERE channel_type = 'livechat'")
            cr.execute("CREATE TEMP TABLE src_session AS SELECT id FROM livechat_session")
            for copy in range(1, factor):
                for table, map_name, source_sql in COPIES:
                    copy_rows(cr, table, map_name, source_sql, "interval '%d days'" % (7 * copy))
                cr.execute("UPDATE mail_alias a SET alias_force_thread_id = c.id, alias_parent_thread_id = c.id "
                           "FROM mail_channel c JOIN map_channel m ON m.new_id = c.id WHERE a.id = c.alias_id")
                for table, mapped in RELATIONS:
                    copy_relation(cr, table, mapped)
                cr.execute("DROP TABLE %s" % ", ".join(map_name for _table, map_name, _sql in COPIES))
            after = count(cr)
        connection.commit()
        connection.autocommit = True
        with connection.cursor() as cr:
            for table, _map, _sql in COPIES:
                cr.execute("ANALYZE %s" % table)
    finally:
        connection.close()
    return before, after


if __name__ == "__main__":
    (sessions_before, messages_before), (sessions_after, messages_after) = grow(sys.argv[1], int(sys.argv[2]))
    sys.stdout.write("grown: %d -> %d sessions, %d -> %d messages\n" % (
        sessions_before, sessions_after, messages_before, messages_after))
