from psycopg2 import sql

from odoo import fields, models, tools


class LivechatSessionTagReport(models.Model):
    """Conversations per tag: a row per tag of a conversation (a conversation with two tags counts once
    under each), with every measure and dimension of ``livechat.session.report``, which it inherits
    (its fields, and its view's columns)."""

    _name = "livechat.session.tag.report"
    _inherit = "livechat.session.report"
    _description = "Live Chat Statistics by Tag"
    _rec_name = "tag_id"

    tag_id = fields.Many2one("livechat.session.tag", string="Tag", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        columns = [name for name, field in self.env["livechat.session.report"]._fields.items()
                   if field.store and name != "id"]
        self.env.cr.execute(sql.SQL("""
            CREATE VIEW livechat_session_tag_report AS (
                SELECT row_number() OVER (ORDER BY rel.session_id, rel.tag_id) AS id,
                       rel.tag_id,
                       {columns}
                  FROM livechat_session_tag_rel rel
                  JOIN livechat_session_report r ON r.session_id = rel.session_id
            )
        """).format(columns=sql.SQL(", ").join(sql.Identifier("r", column) for column in columns)))
