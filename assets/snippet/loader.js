/*! edge loader: never blocks the page; queues calls until the library arrives (incident 000). */
(function (w, d) {
  // Filled in at upload (models/snippet/snippet.ts renderLoader); the page never waits for them.
  var LIBRARY_URL = "__EDGE_LIBRARY_URL__";
  var TIMEOUT_MS = Number("__EDGE_TIMEOUT_MS__");
  var MAX_QUEUED = Number("__EDGE_MAX_QUEUED_EVENTS__");
  // models/snippet/snippet.ts loaderRetry: attempts after the first, and their backoff.
  var RETRY = JSON.parse('__EDGE_LOADER_RETRY__');
  // The library's stored queue (assets/snippet/edge.js): what the loader keeps is what it sends.
  var STORAGE_KEY = "edge:queue:v1";
  var ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  // The queue: an array of calls, kept in memory until the library drains it.
  var edge = (w.edge = w.edge || []);
  if (edge.loaderStarted) return;
  edge.loaderStarted = true;

  function newInsertId() {
    var bytes = [];
    var i;
    if (w.crypto && w.crypto.getRandomValues) bytes = w.crypto.getRandomValues(new Uint8Array(22));
    else for (i = 0; i < 22; i++) bytes.push(Math.floor(Math.random() * 256));
    var id = "";
    for (i = 0; i < 22; i++) id += ID_CHARS.charAt(bytes[i] & 63);
    return id;
  }

  // Until the library runs, every call is also written to the library's stored queue, with the
  // insert id it will be sent with: when the library cannot load (the CDN fails) or the visitor
  // leaves first, the next page view's library sends it, and a library that does load finds the
  // same id in the page's calls and keeps one copy. Storage that throws (private modes, quota)
  // leaves the call in memory only.
  function keep(call) {
    try {
      var s = w.localStorage;
      var saved = JSON.parse(s.getItem(STORAGE_KEY) || "null") || {};
      var events = saved.events instanceof Array ? saved.events : [];
      events.push({ insertId: call[4], name: call[1], properties: call[2], time: call[3], page: w.location.href });
      while (events.length > MAX_QUEUED) events.shift();
      s.setItem(STORAGE_KEY, JSON.stringify({ events: events, failures: Number(saved.failures) || 0, retryAt: Number(saved.retryAt) || 0 }));
    } catch (e) {
      // in memory only
    }
  }

  edge.track =
    edge.track ||
    function (name, properties) {
      var call = ["track", String(name), properties || {}, new Date().getTime(), newInsertId()];
      edge.push(call);
      if (!edge.libraryLoaded) keep(call);
    };

  var attempts = 0;

  function retry() {
    if (edge.libraryLoaded || attempts > RETRY.retries) return;
    setTimeout(inject, Math.min(RETRY.capMs, RETRY.baseMs * Math.pow(2, attempts - 1)));
  }

  function inject() {
    if (edge.libraryLoaded) return;
    attempts += 1;
    var script = d.createElement("script");
    var settled = false;
    function settle(failed) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      script.onload = script.onerror = null;
      if (failed && script.parentNode) script.parentNode.removeChild(script);
      if (!edge.libraryLoaded) retry();
    }
    // A CDN that hangs must not hold the queue forever: give up on this attempt, try again later.
    var timer = setTimeout(function () {
      settle(true);
    }, TIMEOUT_MS);
    script.async = true;
    script.crossOrigin = "anonymous";
    // A retry of the very same URL would queue behind the hung request in the browser's cache;
    // the query string gives it its own request (the CDN's cache key ignores query strings).
    script.src = attempts > 1 ? LIBRARY_URL + "?retry=" + (attempts - 1) : LIBRARY_URL;
    script.onload = function () {
      settle(false);
    };
    script.onerror = function () {
      settle(true);
    };
    (d.head || d.documentElement).appendChild(script);
  }

  // A script inserted before the load event delays it, even an async one: start after it.
  if (d.readyState === "complete") inject();
  else w.addEventListener("load", inject);
})(window, document);
