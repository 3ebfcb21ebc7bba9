/* Odoo Live Chat loader, channel __CHANNEL_ID__ */
/* Tiny, never blocks the page: injects the widget module (deferred by nature). The server fills in the
   channel, the widget's version and a fallback URL (controllers/widget.py); the script tag's data-*
   attributes (data-position, data-start-hidden, data-lang) are the widget's options. */
(function () {
  "use strict";
  if (window.odooLivechat) { return; }
  var d = document, s = d.currentScript, u = new URL(s && s.src || "__FALLBACK_URL__", d.baseURI);
  window.odooLivechat = {channelId: __CHANNEL_ID__, serverUrl: u.origin, version: "__VERSION__",
                         fullPage: u.searchParams.get("page") === "1", options: Object.assign({}, s && s.dataset)};
  var m = d.createElement("script");
  m.type = "module";
  m.src = u.origin + "/livechat/widget/__VERSION__/widget.js";
  (d.head || d.documentElement).appendChild(m);
})();
