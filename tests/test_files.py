"""Files both ways: the visitor's uploads (size, type by content), the operator's attachments reaching the
widget, the files served only with their token and never run, and erased with the visitor's data."""
import base64
import io
import json
import socket
import zipfile

from odoo.addons.bus.models.bus import json_dump
from odoo.tests import common

from ..controllers.common import DRAIN_MAX_BYTES
from ..hooks import uninstall_hook
from ..models import livechat_input as inp
from .security_common import SecurityHttpCase, SecurityMixin

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" \
      b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.domain)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


def office_zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@common.at_install(False)
@common.post_install(True)
class TestFileTypes(common.TransactionCase):
    """What a file is, by its content, whatever its name."""

    def test_types_are_decided_by_content(self):
        docx = office_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"})
        docm = office_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>", "word/vbaProject.bin": "x"})
        odt = office_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})
        cases = [
            (PNG, "a.png", "png"), (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a.jpg", "jpeg"), (b"GIF89a\x01\x00", "a", "gif"),
            (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "a.webp", "webp"), (PDF, "a.pdf", "pdf"),
            ("Grüße, 3 × 4\n\tend\n".encode("utf-8"), "notes.txt", "text"),
            (docx, "report.docx", "docx"), (odt, "letter.odt", "odt"), (office_zip({"a.txt": "x"}), "a.zip", "zip"),
            (inp.OLE2_MAGIC + b"\x00" * 8, "sheet.xls", "xls"), (inp.OLE2_MAGIC + b"\x00" * 8, "x.exe", "doc"),
            # refused, whatever the name says
            (HTML, "photo.png", None), (SVG, "logo.png", None), (SVG, "logo.svg", None),
            (b"  \n<?xml version='1.0'?><svg/>", "a.txt", None), (b"\xef\xbb\xbf<html>", "a.txt", None),
            (b"MZ\x90\x00\x03\x00\x00\x00", "setup.pdf", None), (b"\x7fELF\x02\x01", "a.txt", None),
            (b"text\x00with NUL", "a.txt", None), (b"\xff\xfe\x00\x00latin", "a.txt", None),
            (docm, "macro.docx", None), (b"PK\x03\x04broken", "a.zip", None), (b"", "a.txt", None),
        ]
        for content, name, kind in cases:
            self.assertEqual(inp.file_kind(content, name), kind, (name, content[:20]))

    def test_names_end_with_the_extension_of_the_content(self):
        self.assertEqual(inp.clean_file_name("../../etc/evil.html", "text"), "evil.html.txt")
        self.assertEqual(inp.clean_file_name("C:\\Users\\me\\Photo 1.PNG", "png"), "Photo 1.PNG")
        self.assertEqual(inp.clean_file_name("shot\u202egnp.exe", "png"), "shot gnp.exe.png")
        self.assertEqual(inp.clean_file_name("", "pdf"), "file.pdf")
        long_name = inp.clean_file_name("a" * 300 + ".pdf", "pdf")
        self.assertEqual((len(long_name), long_name[-4:]), (inp.FILE_NAME_MAX_LENGTH, ".pdf"))

    def test_sizes(self):
        self.assertEqual([inp.format_size(size) for size in (830, 1024, 12800, inp.FILE_MAX_BYTES)],
                         ["830 B", "1 kB", "12.5 kB", "10 MB"])
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(inp.file_max_bytes(self.env), 10 * 1024 * 1024)
        params.set_param(inp.FILE_MAX_BYTES_PARAM, "2048")
        self.assertEqual(inp.file_limits(self.env)["file_size"], 2048)
        params.set_param(inp.FILE_MAX_BYTES_PARAM, "lots")
        self.assertEqual(inp.file_max_bytes(self.env), inp.FILE_MAX_BYTES)


@common.at_install(False)
@common.post_install(True)
class TestFilesInTheConversation(SecurityMixin, common.TransactionCase):
    """One message path: the visitor's file is a message of the conversation, everywhere."""

    def setUp(self):
        super(TestFilesInTheConversation, self).setUp()
        self.operator = self._make_user("fiona_files_operator")
        self.channel = self._make_channel("Files Desk", self.operator)

    def _events(self, session):
        channel = json_dump(session._bus_channel())
        records = self.env["bus.bus"].sudo().search([("channel", "=", channel)], order="id")
        return [json.loads(record.message)["message"] for record in records
                if json.loads(record.message).get("type") == "message"]

    def test_a_visitors_file_is_a_message_of_the_conversation(self):
        session = self._open_session(self.channel, first_message=None)
        payload = session._post_visitor_file("../screenshot.png", PNG, client_id="shot-1")
        self.assertTrue(session.mail_channel_id, "a file starts the conversation as a message does")
        message = self.env["mail.message"].sudo().browse(payload["id"])
        attachment = message.attachment_ids
        self.assertEqual((attachment.res_model, attachment.res_id), ("mail.channel", session.mail_channel_id.id))
        self.assertEqual((attachment.datas_fname, attachment.mimetype), ("screenshot.png", "image/png"))
        [item] = payload["attachments"]
        self.assertEqual({key: item[key] for key in ("id", "name", "mimetype", "size", "image")},
                         {"id": attachment.id, "name": "screenshot.png", "mimetype": "image/png",
                          "size": len(PNG), "image": True})
        self.assertRegex(item["url"], r"^/livechat/file/%d/[0-9a-f]{32}$" % attachment.id)
        self.assertEqual(session._history()[-1], payload, "the history gives what was sent")
        self.assertEqual(self._events(session)[-1], payload, "the widget got it on the bus")
        # the operator's chat window and Discuss: what mail's message_format gives
        operators_channel = json_dump((self.env.cr.dbname, "mail.channel", session.mail_channel_id.id))
        notification = [json.loads(record.message) for record in self.env["bus.bus"].sudo().search(
            [("channel", "=", operators_channel)], order="id")]
        formatted = message.sudo(self.operator).message_format()[0]
        self.assertEqual(notification[-1]["attachment_ids"], formatted["attachment_ids"])
        self.assertEqual(formatted["attachment_ids"][0]["filename"], "screenshot.png")
        # a resend with the same client id posts nothing
        self.assertEqual(session._post_visitor_file("screenshot.png", PNG, client_id="shot-1"), payload)
        self.assertEqual(len(self._conversation_messages(session).filtered(lambda m: not m.livechat_welcome)), 1)
        # the operator reads it through Odoo's own access rules
        self.assertEqual(attachment.sudo(self.operator).datas, base64.b64encode(PNG))
        # the session's history and the transcript name it
        self.assertIn("screenshot.png", session.conversation_html)
        self.assertIn(item["url"], session.conversation_html)

    def test_the_operators_attachment_reaches_the_visitor(self):
        session = self._open_session(self.channel)
        conversation = session.mail_channel_id.sudo(self.operator)
        # the chat window's paperclip: uploaded first (as mail's composer does), then posted with the message
        attachment = self.env["ir.attachment"].sudo(self.operator).create({
            "name": "note.txt", "datas_fname": "note.txt", "datas": base64.b64encode(b"the note"),
            "res_model": "mail.compose.message", "res_id": 0})
        conversation.message_post(body="Here is a file", message_type="comment", subtype="mail.mt_comment",
                                  attachment_ids=[attachment.id])
        payload = self._events(session)[-1]
        self.assertEqual(payload["body"], "Here is a file")
        self.assertEqual([(item["id"], item["name"], item["image"]) for item in payload["attachments"]],
                         [(attachment.id, "note.txt", False)])
        self.assertEqual(session._history()[-1], payload)

    def test_no_file_that_is_not_allowed(self):
        session = self._open_session(self.channel)
        for content in (HTML, SVG, b""):
            with self.assertRaises(Exception):
                session._post_visitor_file("photo.png", content)
        self.env["ir.config_parameter"].sudo().set_param(inp.FILE_MAX_BYTES_PARAM, str(len(PNG) - 1))
        with self.assertRaises(Exception):
            session._post_visitor_file("photo.png", PNG)
        self.assertEqual(len(self._conversation_messages(session).filtered(lambda m: not m.livechat_welcome)), 1,
                         "only the first message (the channel's welcome apart)")

    def test_erasing_the_visitor_erases_his_files_and_the_operators(self):
        session = self._open_session(self.channel)
        sent = session._post_visitor_file("shot.png", PNG)
        operator_file = self.env["ir.attachment"].sudo(self.operator).create({
            "name": "offer.pdf", "datas_fname": "offer.pdf", "datas": base64.b64encode(PDF),
            "res_model": "mail.compose.message", "res_id": 0})
        session.mail_channel_id.sudo(self.operator).message_post(
            body="Our offer", message_type="comment", subtype="mail.mt_comment", attachment_ids=[operator_file.id])
        ids = [sent["attachments"][0]["id"], operator_file.id]
        session._erase()
        self.assertFalse(self.env["ir.attachment"].sudo().browse(ids).exists())

    def test_uninstalling_erases_the_files(self):
        session = self._open_session(self.channel)
        attachment_id = session._post_visitor_file("shot.png", PNG)["attachments"][0]["id"]
        uninstall_hook(self.env.cr, self.env.registry)
        self.assertFalse(self.env["ir.attachment"].sudo().browse(attachment_id).exists())


class FilesHttpCase(SecurityHttpCase):

    def setUp(self):
        super(FilesHttpCase, self).setUp()
        params = self.env["ir.config_parameter"].sudo()
        for key in ("livechat.rate_limit_open", "livechat.rate_limit_post_per_ip", "livechat.rate_limit_upload"):
            params.set_param(key, "0")

    def upload(self, token, name, content, client_id=None, headers=None):
        """POST a file as the widget does: a line of JSON, then the bytes. Returns (status, JSON)."""
        meta = {"token": token, "name": name}
        if client_id:
            meta["client_id"] = client_id
        body = json.dumps(meta).encode() + b"\n" + content
        response = self.request("POST", "/livechat/api/session/upload", data=body,
                                headers=dict({"Content-Type": "application/octet-stream"}, **(headers or {})))
        return response.status_code, response.json()

    def get(self, url):
        return self.request("GET", url)


@common.at_install(False)
@common.post_install(True)
class TestFilesHttp(FilesHttpCase):

    def test_init_gives_the_file_limits(self):
        status, data = self.api("init", {"channel_id": self.channel.id, "url": "https://shop.example.com/"})
        self.assertEqual(status, 200)
        self.assertEqual(data["limits"]["file_size"], 10 * 1024 * 1024)
        self.assertIn("image/png", data["limits"]["file_types"])
        self.assertNotIn("image/svg+xml", data["limits"]["file_types"])
        self.assertTrue(data["texts"]["file_attach"] and data["texts"]["file_type_refused"])
        self.assertIn("10 MB", data["texts"]["file_too_large"])

    def test_upload_then_download(self):
        token = self.open_session()["token"]
        status, data = self.upload(token, "shot.png", PNG, client_id="up-1")
        self.assertEqual(status, 200, data)
        message = data["message"]
        self.assertTrue(message["is_visitor"])
        [item] = message["attachments"]
        self.assertTrue(item["image"])
        session = self.session_of(token)
        self.assertEqual(session._history()[-1], message, "the conversation started with the file")
        # the safe image: inline, its type from its content, never sniffed, never able to run anything
        response = self.get(item["url"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PNG)
        self.assertEqual(response.headers["Content-Type"], "image/png")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        self.assertTrue(response.headers["Content-Disposition"].startswith("inline;"))
        self.assertIn("sandbox", response.headers["Content-Security-Policy"])
        self.assertNotIn("Set-Cookie", response.headers)
        download = self.get(item["url"] + "?download=1")
        self.assertTrue(download.headers["Content-Disposition"].startswith("attachment;"))
        # a document: always a download
        status, data = self.upload(token, "Offre été.pdf", PDF)
        self.assertEqual(status, 200, data)
        response = self.get(data["message"]["attachments"][0]["url"])
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertEqual(response.headers["Content-Disposition"],
                         "attachment; filename=\"Offre _t_.pdf\"; filename*=UTF-8''Offre%20%C3%A9t%C3%A9.pdf")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")

    def test_the_size_limit_bites_at_ten_megabytes_and_one_byte(self):
        token = self.open_session()["token"]
        limit = 10 * 1024 * 1024
        exactly = PNG + b"\x00" * (limit - len(PNG))
        status, data = self.upload(token, "big.png", exactly)
        self.assertEqual(status, 200, "exactly 10 MB is accepted")
        status, data = self.upload(token, "bigger.png", exactly + b"\x00")
        self.assertEqual((status, data["error"]["code"]), (413, "file_too_large"))
        self.assertIn("10 MB", data["error"]["message"])
        # the parameter changes it
        self.env["ir.config_parameter"].sudo().set_param(inp.FILE_MAX_BYTES_PARAM, str(len(PNG)))
        self.assertEqual(self.upload(token, "shot.png", PNG)[0], 200)
        status, data = self.upload(token, "shot.png", PNG + b"\x00")
        self.assertEqual((status, data["error"]["code"]), (413, "file_too_large"))
        self.assertEqual(len([m for m in self.session_of(token)._history() if m["attachments"]]), 2)

    def test_too_large_is_answered_before_the_body_is_read(self):
        """A Content-Length over the limit: the 413 comes at once, while the client has sent almost nothing."""
        token = self.open_session()["token"]
        self.env.cr.commit()  # pylint: disable=invalid-commit
        head = json.dumps({"token": token, "name": "huge.png"}).encode() + b"\n"
        connection = socket.create_connection((common.HOST, common.PORT), timeout=10)
        try:
            connection.sendall(b"POST /livechat/api/session/upload HTTP/1.1\r\nHost: localhost\r\n"
                               b"Content-Type: application/octet-stream\r\n"
                               b"Content-Length: %d\r\n\r\n" % (DRAIN_MAX_BYTES + 1) + head + PNG)
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                answer += chunk
        finally:
            connection.close()
        self.assertTrue(answer.startswith(b"HTTP/1.0 413") or answer.startswith(b"HTTP/1.1 413"), answer[:200])

    def test_types_refused_by_content(self):
        token = self.open_session()["token"]
        for name, content in (("photo.png", HTML), ("logo.svg", SVG), ("logo.png", SVG),
                              ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 60)):
            status, data = self.upload(token, name, content)
            self.assertEqual((status, data["error"]["code"]), (415, "file_type_refused"), name)
            self.assertIn("PNG", data["error"]["message"])
        status, data = self.upload(token, "empty.txt", b"")
        self.assertEqual((status, data["error"]["code"]), (400, "file_empty"))
        self.assertFalse(self.session_of(token).mail_channel_id, "nothing was posted")

    def test_bad_uploads(self):
        token = self.open_session()["token"]
        response = self.request("POST", "/livechat/api/session/upload", data=b"no line of JSON first")
        self.assertEqual((response.status_code, response.json()["error"]["code"]), (400, "invalid_upload"))
        self.assertEqual(self.upload("not-a-token", "a.png", PNG)[0], 403)
        self.assertEqual(self.upload(token, "a.png", PNG, client_id="no spaces")[1]["error"]["code"],
                         "invalid_client_id")
        self.api("session/leave", {"token": token})
        status, data = self.upload(token, "a.png", PNG)
        self.assertEqual((status, data["error"]["code"]), (403, "session_closed"))

    def test_a_file_is_served_only_with_its_own_token(self):
        first, second = self.open_session()["token"], self.open_session()["token"]
        mine = self.upload(first, "mine.png", PNG)[1]["message"]["attachments"][0]
        theirs = self.upload(second, "theirs.png", PNG)[1]["message"]["attachments"][0]
        self.assertEqual(self.get(mine["url"]).status_code, 200)
        other_token = theirs["url"].rsplit("/", 1)[1]
        for url in ("/livechat/file/%d/%s" % (mine["id"], other_token),
                    "/livechat/file/%d/%s" % (mine["id"], "0" * 32),
                    "/livechat/file/%d/%s" % (mine["id"], first[:32]),
                    "/livechat/file/%d/short" % mine["id"]):
            response = self.get(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertNotIn(PNG, response.content)
        # Odoo's own routes give the public nothing of a conversation's files
        for url in ("/web/content/%d" % mine["id"], "/web/image/%d" % mine["id"]):
            self.assertNotEqual(self.get(url).content, PNG, url)
        # an attachment elsewhere in Odoo, even with the token its id would have: no
        other = self.env["ir.attachment"].sudo().create({"name": "secret.png", "datas": base64.b64encode(PNG),
                                                         "res_model": "res.partner", "res_id": 1})
        self.assertEqual(self.get(self.env["livechat.session"]._file_url(other.id)).status_code, 404)

    def test_an_operators_hostile_file_is_a_download(self):
        """An SVG or HTML page (an operator may attach anything): bytes to save, never a page to run."""
        token = self.open_session()["token"]
        session = self.session_of(token)
        self.upload(token, "hello.txt", b"hello")
        for name, content in (("logo.svg", SVG), ("page.html", HTML), ("fake.png", HTML)):
            attachment = self.env["ir.attachment"].sudo(self.operator).create({
                "name": name, "datas_fname": name, "datas": base64.b64encode(content),
                "res_model": "mail.compose.message", "res_id": 0})
            session.mail_channel_id.sudo(self.operator).message_post(
                body="see", message_type="comment", subtype="mail.mt_comment", attachment_ids=[attachment.id])
            item = session._history()[-1]["attachments"][0]
            self.assertFalse(item["image"], name)
            response = self.get(item["url"])
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.headers["Content-Type"], "application/octet-stream", name)
            self.assertTrue(response.headers["Content-Disposition"].startswith("attachment;"), name)
            self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
            self.assertIn("sandbox", response.headers["Content-Security-Policy"])

    def test_erased_files_are_gone(self):
        token = self.open_session()["token"]
        item = self.upload(token, "mine.png", PNG)[1]["message"]["attachments"][0]
        self.session_of(token)._erase()
        self.assertEqual(self.get(item["url"]).status_code, 404)

    def test_uploads_are_rate_limited(self):
        self.env["ir.config_parameter"].sudo().set_param("livechat.rate_limit_upload", "2")
        token = self.open_session()["token"]
        self.assertEqual([self.upload(token, "a.txt", b"a")[0] for _i in range(2)], [200, 200])
        status, data = self.upload(token, "a.txt", b"a")
        self.assertEqual((status, data["error"]["code"]), (429, "rate_limited"))
