// "Włącz powiadomienia w tej przeglądarce": registers the service worker,
// asks for permission on click, subscribes with the gmina's VAPID key and
// stores the subscription with the topics and villages chosen in the
// surrounding form. Without JavaScript the box only explains itself.
(function () {
  "use strict";
  var box = document.querySelector("[data-webpush]");
  if (!box) return;
  var d = box.dataset;
  var status = box.querySelector("[data-webpush-status]");
  var controls = box.querySelector("[data-webpush-controls]");
  var onButton = box.querySelector("[data-webpush-on]");
  var offButton = box.querySelector("[data-webpush-off]");
  box.querySelector("[data-webpush-nojs]").hidden = true;

  function say(text, isError) {
    // Clear first: a live region does not repeat an unchanged text.
    status.textContent = "";
    status.classList.toggle("webpush__status--error", !!isError);
    setTimeout(function () { status.textContent = text; }, 50);
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) ||
      !("Notification" in window)) {
    status.textContent = d.msgUnsupported;
    return;
  }
  controls.hidden = false;

  function showSubscribed(on) {
    onButton.hidden = on;
    offButton.hidden = !on;
  }

  function keyBytes(base64url) {
    var padded = base64url + "====".slice((base64url.length + 3) % 4 + 1);
    var raw = atob(padded.replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function checked(name) {
    var form = box.closest("form");
    if (!form || !name) return [];
    return Array.prototype.map.call(
      form.querySelectorAll('input[name="' + name + '"]:checked'),
      function (input) { return input.value; }
    );
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": d.csrf },
      body: JSON.stringify(data)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) throw new Error(body.error || d.msgServerFailed);
        return body;
      });
    });
  }

  function failure(message) {
    var error = new Error(message);
    error.shown = true;
    return error;
  }

  var registration = navigator.serviceWorker.register(d.swUrl, { scope: "/" });
  registration.then(function (reg) {
    return reg.pushManager.getSubscription();
  }).then(function (subscription) {
    showSubscribed(!!subscription);
  }).catch(function () {
    say(d.msgPushFailed, true);
  });

  onButton.addEventListener("click", function () {
    onButton.disabled = true;
    say(d.msgWorking);
    Promise.resolve(Notification.requestPermission()).then(function (permission) {
      if (permission !== "granted") throw failure(d.msgDenied);
      return registration;
    }).then(function (reg) {
      return reg.pushManager.getSubscription().then(function (existing) {
        return existing || reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(d.publicKey)
        });
      }).catch(function () {
        throw failure(d.msgPushFailed);
      });
    }).then(function (subscription) {
      return post(d.subscribeUrl, {
        subscription: subscription.toJSON(),
        topics: checked(d.topicsField),
        villages: checked(d.villagesField),
        follower: d.follower || "",
        page: location.pathname
      }).catch(function (error) {
        // Not stored: do not leave the browser subscribed for nothing.
        subscription.unsubscribe();
        throw failure(error.message || d.msgServerFailed);
      });
    }).then(function (body) {
      showSubscribed(true);
      say(body.message || d.msgOn);
    }).catch(function (error) {
      say(error.shown ? error.message : d.msgPushFailed, true);
    }).then(function () {
      onButton.disabled = false;
    });
  });

  offButton.addEventListener("click", function () {
    offButton.disabled = true;
    registration.then(function (reg) {
      return reg.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return null;
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(d.unsubscribeUrl, { endpoint: endpoint, page: location.pathname });
      });
    }).then(function () {
      showSubscribed(false);
      say(d.msgOff);
    }).catch(function (error) {
      say(error.message || d.msgServerFailed, true);
    }).then(function () {
      offButton.disabled = false;
    });
  });
})();
