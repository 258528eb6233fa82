/* The shop's own behaviour tracking: list impressions and clicks, dwell and scroll depth.
 * Events are batched and sent to the server's event endpoint with navigator.sendBeacon
 * (a text/plain JSON body, no CSRF token needed), every few seconds and when the page is hidden.
 * Configuration comes from <script id="tracking-config"> rendered by {% tracking_script %}. */
(function () {
  "use strict";
  var configNode = document.getElementById("tracking-config");
  if (!configNode || !window.JSON) return;
  var config = JSON.parse(configNode.textContent);
  var queue = [];
  var seen = {};
  var maxBatch = config.maxBatch || 100;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(bytes);
    else for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function track(type, product, context) {
    var event = { uuid: uuid(), type: type, timestamp: new Date().toISOString(), path: location.pathname, context: context || {} };
    if (product) event.product = product;
    if (document.referrer) event.referrer = document.referrer.slice(0, 500);
    queue.push(event);
    if (queue.length >= maxBatch) flush();
  }

  function send(body) {
    if (navigator.sendBeacon && navigator.sendBeacon(config.endpoint, body)) return;
    if (window.fetch) {
      fetch(config.endpoint, {
        method: "POST", body: body, keepalive: true, credentials: "same-origin",
        headers: { "Content-Type": "text/plain;charset=UTF-8" }
      }).catch(function () {});
    }
  }

  function flush() {
    while (queue.length) send(JSON.stringify({ events: queue.splice(0, maxBatch) }));
  }

  function card(element) {
    var item = element.closest && element.closest("[data-product-id]");
    var list = item && item.closest("[data-list-id]");
    if (!list) return null;
    return {
      product: parseInt(item.getAttribute("data-product-id"), 10) || null,
      context: { list_id: list.getAttribute("data-list-id"), position: parseInt(item.getAttribute("data-position"), 10) || 0 }
    };
  }

  function observeImpressions() {
    if (!("IntersectionObserver" in window)) return;
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        var found = card(entry.target);
        if (!found || !found.product) return;
        var key = found.context.list_id + "#" + found.context.position;
        if (seen[key]) return;
        seen[key] = true;
        track("list_impression", found.product, found.context);
      });
    }, { threshold: 0.5 });
    document.querySelectorAll("[data-list-id] [data-product-id]").forEach(function (el) { observer.observe(el); });
  }

  document.addEventListener("click", function (event) {
    var found = card(event.target);
    if (found && found.product) {
      track("list_click", found.product, found.context);
      flush(); // the click usually navigates away
    }
  }, true);

  var visibleSince = document.visibilityState === "visible" ? Date.now() : null;
  var dwellMs = 0;
  var maxDepth = 0;
  var reportedDepth = 0;

  window.addEventListener("scroll", function () {
    var doc = document.documentElement;
    var scrollable = doc.scrollHeight - window.innerHeight;
    var depth = scrollable > 0 ? Math.min(100, Math.round(100 * window.scrollY / scrollable)) : 100;
    if (depth > maxDepth) maxDepth = depth;
  }, { passive: true });

  function pageHidden() {
    if (visibleSince !== null) { dwellMs += Date.now() - visibleSince; visibleSince = null; }
    if (config.productId && dwellMs >= 1000) {
      track("dwell", config.productId, { seconds: Math.min(86400, Math.round(dwellMs / 100) / 10) });
      dwellMs = 0;
    }
    if (maxDepth > reportedDepth) {
      track("scroll", config.productId, { depth: maxDepth });
      reportedDepth = maxDepth;
    }
    flush();
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") pageHidden();
    else visibleSince = Date.now();
  });
  window.addEventListener("pagehide", pageHidden);
  setInterval(function () { if (queue.length) flush(); }, config.flushIntervalMs || 5000);

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", observeImpressions);
  else observeImpressions();
})();
