/* Campaigns first-party conversion tracking.
 *
 * <script src="https://<campaigns host>/t/c.js" data-days="5" async></script>
 *
 * A visitor who arrives from a tracked link carries ?ctid=<token>; this script keeps it on
 * the shop's own domain (localStorage and a first-party cookie) for data-days days, and
 * window.campaigns.track(event, {value, currency, orderId, properties}) reports a conversion
 * by requesting /t/pixel.gif. Without a stored ctid, track() sends nothing and answers false.
 */
(function (w, d) {
  "use strict";
  var KEY = "cmp_ctid";
  var TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
  var script = d.currentScript;
  var origin = "";
  try { origin = script ? new URL(script.src, w.location.href).origin : ""; } catch (e) { origin = ""; }
  var days = parseInt((script && script.getAttribute("data-days")) || "5", 10);
  if (!(days > 0)) { days = 5; }

  function store(token) {
    var seconds = days * 86400;
    try { w.localStorage.setItem(KEY, JSON.stringify({ t: token, e: Date.now() + seconds * 1000 })); } catch (e) { /* storage refused */ }
    d.cookie = KEY + "=" + encodeURIComponent(token) + "; Max-Age=" + seconds + "; Path=/; SameSite=Lax" +
      (w.location.protocol === "https:" ? "; Secure" : "");
  }

  function read() {
    try {
      var kept = JSON.parse(w.localStorage.getItem(KEY) || "null");
      if (kept && kept.e > Date.now() && TOKEN.test(kept.t)) { return kept.t; }
    } catch (e) { /* storage refused or garbled */ }
    var match = d.cookie.match(/(?:^|;\s*)cmp_ctid=([^;]*)/);
    var token = match ? decodeURIComponent(match[1]) : "";
    return TOKEN.test(token) ? token : "";
  }

  var arrived = "";
  try { arrived = new URLSearchParams(w.location.search).get("ctid") || ""; } catch (e) { arrived = ""; }
  if (TOKEN.test(arrived)) { store(arrived); }

  function track(event, options) {
    var token = read();
    if (!token || !origin) { return false; }
    var o = options || {};
    var query = new URLSearchParams({ t: token, e: event || "purchase" });
    if (o.value !== undefined && o.value !== null) { query.set("v", String(o.value)); }
    if (o.currency) { query.set("c", String(o.currency)); }
    if (o.orderId) { query.set("o", String(o.orderId)); }
    if (o.properties) { query.set("p", JSON.stringify(o.properties)); }
    var image = new Image(1, 1);
    image.src = origin + "/t/pixel.gif?" + query.toString();
    return true;
  }

  w.campaigns = w.campaigns || {};
  w.campaigns.track = track;
})(window, document);
