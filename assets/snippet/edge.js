/*! edge library v1.0.0 */
(function (w) {
  // Filled in at upload (models/snippet/snippet.ts renderLibrary; the numbers are
  // models/snippet/delivery.ts snippetDelivery).
  var COLLECTOR_URL = "__EDGE_COLLECTOR_URL__";
  var DELIVERY = JSON.parse('__EDGE_DELIVERY__');
  var RETRY = DELIVERY.retry;
  var LIMITS = DELIVERY.queue;
  var STORAGE_KEY = "edge:queue:v1";
  var ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

  var edge = (w.edge = w.edge || []);
  // A late copy (a timed-out attempt that answered after all) must not deliver twice.
  if (edge.libraryLoaded) return;
  edge.libraryLoaded = true;

  // What became of this page's events; a site can read it.
  var stats = (edge.stats = {
    tracked: 0,
    requests: 0,
    retries: 0,
    stored: 0,
    beacons: 0,
    dropped: { overflow: 0, rejected: 0, expired: 0, tooLarge: 0, invalid: 0 },
  });

  function now() {
    return new Date().getTime();
  }

  function utf8Bytes(text) {
    return encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, "x").length;
  }

  // 22 characters of 6 random bits each: the collector stores an insert id once, so a retry or a
  // page-hide beacon of an event it already has is not stored twice.
  function newInsertId() {
    var bytes = [];
    var i;
    if (w.crypto && w.crypto.getRandomValues) bytes = w.crypto.getRandomValues(new Uint8Array(22));
    else for (i = 0; i < 22; i++) bytes.push(Math.floor(Math.random() * 256));
    var id = "";
    for (i = 0; i < 22; i++) id += ID_CHARS.charAt(bytes[i] & 63);
    return id;
  }

  // localStorage where the browser allows it. Private modes, disabled storage and a full quota
  // throw: then the queue lives in memory for this page only.
  var storage = (function () {
    try {
      var s = w.localStorage;
      s.setItem(STORAGE_KEY + ":probe", "1");
      s.removeItem(STORAGE_KEY + ":probe");
      return s;
    } catch (e) {
      return null;
    }
  })();

  function isEvent(e) {
    return e && typeof e.insertId === "string" && ID_PATTERN.test(e.insertId) && typeof e.name === "string" && typeof e.time === "number" && typeof e.page === "string";
  }

  function readStored() {
    var empty = { events: [], failures: 0, retryAt: 0 };
    if (!storage) return empty;
    try {
      var saved = JSON.parse(storage.getItem(STORAGE_KEY) || "null");
      if (!saved || !(saved.events instanceof Array)) return empty;
      var events = [];
      for (var i = 0; i < saved.events.length; i++) if (isEvent(saved.events[i])) events.push(saved.events[i]);
      return { events: events, failures: Number(saved.failures) || 0, retryAt: Number(saved.retryAt) || 0 };
    } catch (e) {
      return empty;
    }
  }

  var saved = readStored();
  // Oldest first. Other tabs of the site share the stored copy: this page sends what it found at
  // start and what it tracks; on every write it keeps the others' events it does not hold.
  function byTime(a, b) {
    return a.time - b.time;
  }
  var queue = saved.events.sort(byTime);
  var failures = saved.failures;
  var retryAt = saved.retryAt;
  // Insert ids this page stored or dropped: removed from the stored copy at the next write.
  var forgotten = {};
  var inFlight = null;
  var retryTimer = null;
  var persistTimer = null;

  function trim(events) {
    while (events.length > LIMITS.maxQueuedEvents) {
      forgotten[events.shift().insertId] = true;
      stats.dropped.overflow += 1;
    }
    return events;
  }

  function persist() {
    clearTimeout(persistTimer);
    persistTimer = null;
    if (!storage) return;
    var mine = {};
    var i;
    for (i = 0; i < queue.length; i++) mine[queue[i].insertId] = true;
    var stored = readStored().events;
    var events = [];
    for (i = 0; i < stored.length; i++) {
      if (!mine[stored[i].insertId] && !forgotten[stored[i].insertId]) events.push(stored[i]);
    }
    // The stored copy is bounded too: the oldest go first, this page's own stay in its memory.
    events = trim(events.concat(queue).sort(byTime));
    try {
      storage.setItem(STORAGE_KEY, JSON.stringify({ events: events, failures: failures, retryAt: retryAt }));
      forgotten = {};
    } catch (e) {
      // Over quota: the older copy stays. Its events are sent again by a later page, and the
      // collector keeps one copy per insert id; losing them instead would lose unsent events.
    }
  }

  function persistSoon() {
    if (storage && !persistTimer) persistTimer = setTimeout(persist, 0);
  }

  function body(events) {
    var wire = [];
    for (var i = 0; i < events.length; i++) {
      var e = events[i];
      wire.push({ insertId: e.insertId, name: e.name, properties: e.properties, time: e.time });
    }
    return JSON.stringify({ events: wire, page: events[0].page, sentAt: now() });
  }

  // The oldest events from `from` on, of one page and within the batch limits. An event the
  // collector refused as part of a batch (413, 422) goes alone, so one bad event costs only itself.
  function batchFrom(from) {
    var events = [];
    var text = "";
    var limit = queue[from].solo ? 1 : LIMITS.maxBatchEvents;
    for (var i = from; i < queue.length && events.length < limit; i++) {
      if (queue[i].page !== queue[from].page || (events.length > 0 && queue[i].solo)) break;
      var candidate = body(events.concat([queue[i]]));
      if (events.length > 0 && utf8Bytes(candidate) > LIMITS.maxBatchBytes) break;
      events.push(queue[i]);
      text = candidate;
    }
    return { events: events, body: text, end: from + events.length };
  }

  function forget(events, outcome) {
    var gone = {};
    for (var i = 0; i < events.length; i++) {
      gone[events[i].insertId] = true;
      forgotten[events[i].insertId] = true;
    }
    var kept = [];
    for (var j = 0; j < queue.length; j++) {
      if (gone[queue[j].insertId]) outcome();
      else kept.push(queue[j]);
    }
    queue = kept;
  }

  function expire() {
    var oldest = now() - RETRY.maxEventAgeMs;
    var old = [];
    for (var i = 0; i < queue.length; i++) if (queue[i].time < oldest) old.push(queue[i]);
    if (old.length > 0) {
      forget(old, function () {
        stats.dropped.expired += 1;
      });
    }
  }

  function retryAfterMs(value) {
    if (!value) return 0;
    if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
    var date = Date.parse(value);
    return isNaN(date) ? 0 : Math.max(0, date - now());
  }

  // models/snippet/delivery.ts retryDelayMs: never before the collector's Retry-After, plus full
  // jitter over a capped exponential ceiling so shed clients do not come back together.
  function retryDelayMs(retryAfter) {
    var ceiling = Math.min(RETRY.capMs, RETRY.baseMs * Math.pow(2, Math.max(0, failures - 1)));
    return Math.min(RETRY.retryAfterCapMs, Math.max(0, retryAfter)) + Math.random() * ceiling;
  }

  // models/snippet/delivery.ts deliveryOutcome: only an answer that is the events' fault (400, 413,
  // 422) gives them up, one event at a time; every other answer is the edge's (5xx, 429, and a
  // 404/405 from a collector route a release broke) and is retried until maxEventAgeMs.
  function outcomeOf(status) {
    if (status >= 200 && status < 300) return "stored";
    if (status === 400 || status === 413 || status === 422) return "split";
    return "retry";
  }

  function settle(outcome, retryAfter) {
    var batch = inFlight;
    inFlight = null;
    if (outcome === "retry") {
      failures += 1;
      retryAt = now() + retryDelayMs(retryAfter);
    } else {
      failures = 0;
      retryAt = 0;
      if (outcome === "split" && batch.length > 1) {
        for (var i = 0; i < batch.length; i++) batch[i].solo = true;
      } else if (outcome === "stored") {
        forget(batch, function () {
          stats.stored += 1;
        });
      } else {
        // A permanent refusal: sending the same body again cannot succeed.
        forget(batch, function () {
          stats.dropped.rejected += 1;
        });
      }
    }
    persistSoon();
    schedule();
  }

  function post(text) {
    var controller = w.AbortController ? new w.AbortController() : null;
    var settled = false;
    function finish(outcome, retryAfter) {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      settle(outcome, retryAfter);
    }
    // A collector that never answers must not hold the queue: the attempt counts as failed.
    var timeout = setTimeout(function () {
      if (controller) controller.abort();
      finish("retry", 0);
    }, RETRY.requestTimeoutMs);
    // CORS, so the status and Retry-After can be read; a string body is text/plain, a
    // CORS-safelisted simple request without a preflight.
    w.fetch(COLLECTOR_URL, { method: "POST", body: text, mode: "cors", credentials: "omit", cache: "no-store", signal: controller ? controller.signal : undefined }).then(
      function (response) {
        finish(outcomeOf(response.status), retryAfterMs(response.headers.get("Retry-After")));
      },
      function () {
        finish("retry", 0);
      },
    );
  }

  function sendNext() {
    retryTimer = null;
    expire();
    if (inFlight || queue.length === 0) return;
    var batch = batchFrom(0);
    inFlight = batch.events;
    stats.requests += 1;
    if (failures > 0) stats.retries += 1;
    if (w.fetch) {
      post(batch.body);
      return;
    }
    // No fetch: a beacon is all this browser has, and nobody can read its answer.
    if (w.navigator.sendBeacon) w.navigator.sendBeacon(COLLECTOR_URL, batch.body);
    settle("stored", 0);
  }

  function schedule() {
    if (inFlight || retryTimer || queue.length === 0) return;
    // A stored retryAt from another page (or a changed clock) never parks the queue beyond one
    // largest delay.
    var wait = Math.min(Math.max(0, retryAt - now()), RETRY.retryAfterCapMs + RETRY.capMs);
    retryTimer = setTimeout(sendNext, wait);
  }

  // A fetch cannot finish once the page is gone: hand the queue to beacons (at most 64 KiB in
  // flight, the browsers' limit). The events stay queued and stored until a read answer
  // acknowledges them, so a later page may send them again and the collector keeps one copy.
  // While the collector has asked to wait, stored events wait for a later page instead: a beacon
  // would ignore its Retry-After.
  var flushed = false;
  function flush() {
    persist();
    if (flushed || queue.length === 0 || !w.navigator.sendBeacon || (storage && retryAt > now())) return;
    flushed = true;
    var budget = 64 * 1024;
    for (var from = 0; from < queue.length; ) {
      var batch = batchFrom(from);
      budget -= utf8Bytes(batch.body);
      if (budget < 0 || !w.navigator.sendBeacon(COLLECTOR_URL, batch.body)) break;
      stats.beacons += 1;
      from = batch.end;
    }
  }
  w.addEventListener("pagehide", flush);
  w.document.addEventListener("visibilitychange", function () {
    if (w.document.visibilityState === "hidden") flush();
    else flushed = false;
  });

  function track(call) {
    stats.tracked += 1;
    // The loader names each call's insert id and keeps it in the stored queue until the library
    // runs: that copy is already queued here, and must not be sent a second time under a new id.
    var id = typeof call[4] === "string" && ID_PATTERN.test(call[4]) ? call[4] : newInsertId();
    for (var q = 0; q < queue.length; q++) if (queue[q].insertId === id) return;
    var event = { insertId: id, name: String(call[1]), properties: call[2] || {}, time: call[3] || now(), page: w.location.href };
    var bytes;
    try {
      bytes = utf8Bytes(body([event]));
    } catch (e) {
      // Properties JSON cannot hold (a cycle, a BigInt).
      stats.dropped.invalid += 1;
      return;
    }
    if (bytes > LIMITS.maxBatchBytes) {
      stats.dropped.tooLarge += 1;
      return;
    }
    queue.push(event);
    queue = trim(queue);
  }

  for (var i = 0; i < edge.length; i++) {
    if (edge[i] && edge[i][0] === "track") track(edge[i]);
  }
  edge.length = 0;
  // From now on a call is queued and sent at once unless the collector asked to wait.
  edge.push = function (call) {
    if (call && call[0] === "track") {
      track(call);
      persistSoon();
      schedule();
    }
    return 0;
  };
  persistSoon();
  schedule();
})(window);
