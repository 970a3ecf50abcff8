// Ratusz service worker: shows the gmina's push notifications and opens the
// article on click. Served at /sw.js with "Service-Worker-Allowed: /".
// When the push service replaces a subscription (pushsubscriptionchange), it
// subscribes again with the same key and tells the server, which swaps the
// old endpoint for the new one and keeps the follower's topics and villages.
"use strict";

var APPLICATION_SERVER_KEY = "{{ public_key|escapejs }}";
var RESUBSCRIBE_URL = "{{ resubscribe_url|escapejs }}";
// The last endpoint this worker saw, for browsers that fire the event
// without `oldSubscription`.
var MEMORY = "ratusz-webpush";
var MEMORY_KEY = "/webpush/endpoint";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(Promise.all([self.clients.claim(), rememberEndpoint()]));
});

function keyBytes(base64url) {
  var padded = base64url + "====".slice((base64url.length + 3) % 4 + 1);
  var raw = atob(padded.replace(/-/g, "+").replace(/_/g, "/"));
  var bytes = new Uint8Array(raw.length);
  for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function remember(endpoint) {
  if (!endpoint || !self.caches) return Promise.resolve();
  return self.caches.open(MEMORY).then(function (cache) {
    return cache.put(MEMORY_KEY, new Response(endpoint));
  }).catch(function () {});
}

function rememberEndpoint() {
  return self.registration.pushManager.getSubscription().then(function (subscription) {
    return subscription && remember(subscription.endpoint);
  }).catch(function () {});
}

function lastEndpoint() {
  if (!self.caches) return Promise.resolve("");
  return self.caches.open(MEMORY).then(function (cache) {
    return cache.match(MEMORY_KEY);
  }).then(function (response) {
    return response ? response.text() : "";
  }).catch(function () { return ""; });
}

function resubscribe(oldSubscription, newSubscription) {
  var known = oldSubscription && oldSubscription.endpoint;
  return Promise.resolve(known || lastEndpoint()).then(function (oldEndpoint) {
    // Unknown to us: the page's button will subscribe this browser anew.
    if (!oldEndpoint) return null;
    var options = oldSubscription && oldSubscription.options;
    var key = (options && options.applicationServerKey) || keyBytes(APPLICATION_SERVER_KEY);
    var subscribing = newSubscription
      ? Promise.resolve(newSubscription)
      : self.registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: key
        });
    return subscribing.then(function (subscription) {
      return fetch(RESUBSCRIBE_URL, {
        method: "POST",
        credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          old_endpoint: oldEndpoint,
          subscription: subscription.toJSON()
        })
      }).then(function (response) {
        if (response.ok) return remember(subscription.endpoint);
      });
    });
  });
}

self.addEventListener("pushsubscriptionchange", function (event) {
  event.waitUntil(resubscribe(event.oldSubscription, event.newSubscription));
});

function safeUrl(value) {
  try {
    var url = new URL(value || "/", self.location.origin);
    if (url.protocol === "https:" || url.protocol === "http:") return url.href;
  } catch (error) {}
  return new URL("/", self.location.origin).href;
}

self.addEventListener("push", function (event) {
  var data = {};
  if (event.data) {
    try {
      data = event.data.json();
    } catch (error) {
      data = { body: event.data.text() };
    }
  }
  var options = {
    body: data.body || "",
    lang: "pl",
    data: { url: safeUrl(data.url) }
  };
  if (data.icon) options.icon = data.icon;
  if (data.tag) options.tag = data.tag;
  event.waitUntil(Promise.all([
    self.registration.showNotification(data.title || "Nowa wiadomość z gminy", options),
    rememberEndpoint()
  ]));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = safeUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === url && "focus" in windows[i]) return windows[i].focus();
      }
      return self.clients.openWindow(url);
    })
  );
});
