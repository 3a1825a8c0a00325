/*! edge loader: never blocks the page; queues calls until the library arrives (incident 000). */
(function (w, d) {
  // Filled in at upload (models/snippet/snippet.ts renderLoader); the page never waits for them.
  var LIBRARY_URL = "__EDGE_LIBRARY_URL__";
  var TIMEOUT_MS = Number("__EDGE_TIMEOUT_MS__");
  var RETRIES = 3;

  // The queue: an array of calls, kept in memory until the library drains it.
  var edge = (w.edge = w.edge || []);
  if (edge.loaderStarted) return;
  edge.loaderStarted = true;
  edge.track =
    edge.track ||
    function (name, properties) {
      edge.push(["track", String(name), properties || {}, new Date().getTime()]);
    };

  var attempts = 0;

  function retry() {
    if (edge.libraryLoaded || attempts > RETRIES) return;
    setTimeout(inject, Math.min(30000, 500 * Math.pow(2, attempts)));
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
