// The resident's conversation page: new replies appear without a reload
// (Server-Sent Events) and a reply is sent without leaving the page.
// Progressive enhancement only: without this file the form posts, the page
// reloads, and everything still works.
(function () {
  "use strict";
  var list = document.getElementById("messages");
  if (!list) return;
  var liveStatus = document.getElementById("live-status");
  var lastId = parseInt(list.getAttribute("data-last-id") || "0", 10) || 0;

  // Messages arrive as HTML rendered (and escaped) by the server, the same
  // fragment the page itself is built from; each is shown once, in order.
  function append(id, html) {
    id = parseInt(id, 10);
    if (!id || document.getElementById("w" + id)) return;
    var template = document.createElement("template");
    template.innerHTML = String(html).trim();
    var item = template.content.firstElementChild;
    if (!item) return;
    var next = null;
    for (var i = 0; i < list.children.length; i++) {
      var other = parseInt(list.children[i].getAttribute("data-id"), 10);
      if (other > id) { next = list.children[i]; break; }
    }
    list.insertBefore(item, next);
    if (id > lastId) lastId = id;
  }

  function setLive(ok) {
    if (!liveStatus) return;
    liveStatus.textContent = liveStatus.getAttribute(ok ? "data-live-text" : "data-offline-text");
  }

  // --- live updates -------------------------------------------------------
  var source = null;
  var reconnectTimer = null;
  function connect() {
    if (!window.EventSource) return;
    if (source) source.close();
    // After a drop, start from the last message this page has shown.
    source = new EventSource(list.getAttribute("data-events-url") + "?after=" + lastId);
    source.addEventListener("open", function () { setLive(true); });
    source.addEventListener("message", function (event) {
      try {
        var data = JSON.parse(event.data);
        append(data.id, data.html);
      } catch (e) { /* a broken event: the next poll brings it again */ }
    });
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (e.g. 429): try again later from the last shown id.
        setLive(false);
        clearTimeout(reconnectTimer);
        reconnectTimer = setTimeout(connect, 10000);
      }
      // Otherwise the browser reconnects by itself with Last-Event-ID.
    });
  }
  connect();
  window.addEventListener("online", connect);

  // --- sending ------------------------------------------------------------
  var form = document.getElementById("reply-form");
  if (!form || !window.fetch || !window.FormData) return;
  var statusLine = document.getElementById("reply-status");
  var errorBox = document.getElementById("reply-errors");
  var button = form.querySelector("button[type=submit]");
  var fileInput = document.getElementById("reply-attachment");
  var RETRIES = 5;

  function say(text) { if (statusLine) statusLine.textContent = text || ""; }

  function newClientId() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function clearErrors() {
    errorBox.hidden = true;
    errorBox.textContent = "";
    ["body", "attachment"].forEach(function (name) {
      var el = document.getElementById("reply-" + name + "-error");
      var input = document.getElementById("reply-" + name);
      if (el) { el.hidden = true; el.textContent = ""; }
      if (input) input.removeAttribute("aria-invalid");
    });
  }

  function showErrors(errors) {
    var general = [];
    Object.keys(errors).forEach(function (name) {
      var el = document.getElementById("reply-" + name + "-error");
      var input = document.getElementById("reply-" + name);
      var text = errors[name].join(" ");
      if (el && input) {
        el.textContent = text;
        el.hidden = false;
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", el.id);
      } else {
        general.push(text);
      }
    });
    var p = document.createElement("p");
    var fallback = Object.keys(errors).length ? "data-invalid-text" : "data-failed-text";
    p.textContent = general.length ? general.join(" ") : form.getAttribute(fallback);
    errorBox.appendChild(p);
    errorBox.hidden = false;
  }

  function done() { button.disabled = false; }

  function send(data, attempt) {
    fetch(window.location.pathname, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (json) {
        return { status: response.status, json: json };
      });
    }).then(function (result) {
      if (result.status === 200 && result.json.id) {
        append(result.json.id, result.json.html);
        form.reset();
        form.elements.client_id.value = newClientId();
        say(form.getAttribute("data-sent-text"));
        done();
      } else if (result.json.errors) {
        say("");
        showErrors(result.json.errors);
        done();
      } else {
        throw new Error("unexpected answer");
      }
    }).catch(function () {
      // The same client_id on every try: the server stores it once.
      if (attempt < RETRIES) {
        say(form.getAttribute("data-retry-text"));
        setTimeout(function () { send(data, attempt + 1); }, 1000 * Math.pow(2, attempt));
      } else {
        say("");
        showErrors({});
        done();
      }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var file = fileInput && fileInput.files && fileInput.files[0];
    var max = parseInt(fileInput && fileInput.getAttribute("data-max-bytes"), 10);
    if (file && max && file.size > max) {
      showErrors({ attachment: [fileInput.getAttribute("data-too-big-text")] });
      return;
    }
    button.disabled = true;
    say(form.getAttribute("data-sending-text"));
    send(new FormData(form), 0);
  });
})();
