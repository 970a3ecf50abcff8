// Live progress of an article's deliveries (Powiadomienia screen).
// Polls the JSON endpoint every 2 s while something is pending or sending,
// and updates the numbers and <progress> bars. Without JS the page is a plain
// table with a refresh link.
(function () {
  "use strict";
  var root = document.getElementById("outbox-progress");
  if (!root || !window.fetch) return;
  var url = root.getAttribute("data-progress-url");
  var status = root.querySelector("[data-outbox-status]");
  var STATES = ["pending", "sending", "sent", "failed", "unknown", "cancelled", "total"];
  var seen = null;
  var timer = null;
  var failures = 0;

  function setText(selector, text) {
    var el = root.querySelector(selector);
    if (el && el.textContent !== text) el.textContent = text;
  }

  function render(data) {
    Object.keys(data.channels).forEach(function (key) {
      var c = data.channels[key];
      STATES.forEach(function (state) {
        setText('[data-outbox-count="' + key + "-" + state + '"]', String(c[state]));
      });
      var bar = root.querySelector('[data-outbox-bar="' + key + '"]');
      if (bar) {
        bar.max = c.total;
        bar.value = c.done;
        bar.textContent = c.percent + "%";
      }
      if (c.total) setText('[data-outbox-percent="' + key + '"]', c.percent + "%");
    });
    var problems = data.failed + data.unknown;
    if (seen === null) seen = problems;
    // The server words it: an article not live yet or followed by nobody
    // must not read "finished".
    var text = data.status;
    if (data.paused && data.paused.length) text += " " + data.paused.join(" ");
    if (problems !== seen) {
      text += " Zmieniła się liczba nieudanych lub nieznanych – odśwież stronę, aby zobaczyć listę.";
    }
    // Announced (aria-live) only when the sentence changes, not every poll.
    if (status && status.textContent.trim() !== text) status.textContent = text;
    return data.active;
  }

  function poll() {
    timer = null;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        if (render(data)) schedule();
      })
      .catch(function () {
        failures += 1;
        if (failures < 5) schedule();
      });
  }

  function schedule() {
    if (timer === null) timer = window.setTimeout(poll, 2000);
  }

  poll();
})();
