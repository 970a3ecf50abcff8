/* The staff inbox, live: an EventSource says that something changed; the
   page then fetches a server-rendered fragment of itself (escaped by the
   server) and swaps it in. Announcements use textContent. Without
   JavaScript the page works with a reload. */
(function () {
  "use strict";

  function announce(region, text) {
    if (!region || !text) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function refresher(container, url) {
    var busy = false, again = false;
    return function refresh() {
      if (busy) { again = true; return; }
      busy = true;
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) container.innerHTML = html; })
        .catch(function () {})
        .then(function () {
          busy = false;
          if (again) { again = false; refresh(); }
        });
    };
  }

  function listen(url, onEvent) {
    if (!window.EventSource) return;
    var source = new EventSource(url);
    source.onmessage = function (event) {
      var data = {};
      try { data = JSON.parse(event.data); } catch (e) { return; }
      onEvent(data);
    };
  }

  var inbox = document.querySelector("[data-rz-inbox]");
  if (inbox) {
    var rows = inbox.querySelector("[data-rz-rows]");
    var region = inbox.querySelector("[data-rz-live]");
    var refreshRows = refresher(rows, inbox.getAttribute("data-rz-fragment"));
    listen(inbox.getAttribute("data-rz-events"), function (data) {
      refreshRows();
      if (data["new"] && data["new"].length) {
        announce(region, "Nowa wiadomość w sprawie " + data["new"].join(", "));
      }
    });
  }

  var view = document.querySelector("[data-rz-conversation-view]");
  if (view) {
    var list = view.querySelector("[data-rz-messages]");
    var live = view.querySelector("[data-rz-live]");
    var refreshMessages = refresher(list, view.getAttribute("data-rz-fragment"));
    listen(view.getAttribute("data-rz-events"), function (data) {
      refreshMessages();
      if (data.resident) {
        announce(live, "Nowa wiadomość w sprawie " + view.getAttribute("data-rz-reference"));
      }
    });

    var form = view.querySelector("[data-rz-reply]");
    var textarea = form && form.querySelector("textarea");
    var insertAtCursor = function (text) {
      if (!textarea || !text) return;
      var start = textarea.selectionStart, end = textarea.selectionEnd;
      var before = textarea.value.slice(0, start), after = textarea.value.slice(end);
      var glue = before && !/\s$/.test(before) ? "\n" : "";
      textarea.value = before + glue + text + after;
      var caret = (before + glue + text).length;
      textarea.focus();
      textarea.setSelectionRange(caret, caret);
    };
    if (form) {
      form.addEventListener("click", function (event) {
        var button = event.target.closest("button");
        if (!button) return;
        if (button.hasAttribute("data-rz-insert")) {
          event.preventDefault();
          insertAtCursor(button.getAttribute("data-rz-insert"));
        } else if (button.hasAttribute("data-rz-insert-saved")) {
          event.preventDefault();
          var select = form.querySelector("[data-rz-saved]");
          var option = select && select.options[select.selectedIndex];
          if (option) insertAtCursor(option.getAttribute("data-rz-text"));
        }
      });
      // A retried submit (double click, reload) is stored once.
      var clientId = form.querySelector("input[name=client_id]");
      if (clientId && !clientId.value && window.crypto && window.crypto.randomUUID) {
        clientId.value = window.crypto.randomUUID();
      }
    }
  }
})();
