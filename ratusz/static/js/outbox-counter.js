// Live length counters under the article's "treść SMS" and "treść wpisu w
// Mastodonie" fields in the Wagtail editor. The counting mirrors
// ratusz/integrations/sms/gsm.py and ratusz/integrations/mastodon/text.py.
(function () {
  "use strict";
  var GSM7_BASIC =
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM7_EXTENSION = "\f^{}\\[~]|€";
  var MASTODON_LIMIT = 500;
  var URL_LENGTH = 23;
  // Mastodon's URL rule: a copy of URL_PATTERN in
  // ratusz/integrations/mastodon/text.py (a test keeps the two equal).
  var URL = new RegExp("(?<![A-Za-z0-9@$#＠＃])https?://(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}_-]*[\\p{L}\\p{N}])?\\.)*[\\p{L}\\p{N}](?:[\\p{L}\\p{N}_-]*[\\p{L}\\p{N}])?(?::[0-9]+)?(?:/(?:[^\\p{White_Space}<>()?]*(?:\\([^\\p{White_Space}<>()?]+\\)[^\\p{White_Space}<>()?]*)*(?:[^\\p{White_Space}()?!*\"'「」<>;:=,.$%\\[\\]~&|@]|\\([^\\p{White_Space}<>()?]+\\))|[^\\p{White_Space}<>()?]+/)*)?(?:\\?[a-z0-9!?*'();:&=+$/%#\\[\\]\\-_.,~|@]*[a-z0-9_&=#/\\-])?", "giu");

  function smsLength(text) {
    var chars = Array.from(text);
    var gsm = chars.every(function (c) {
      return GSM7_BASIC.indexOf(c) !== -1 || GSM7_EXTENSION.indexOf(c) !== -1;
    });
    var single = gsm ? 160 : 70;
    var part = gsm ? 153 : 67;
    var costs = chars.map(function (c) {
      if (gsm) return GSM7_EXTENSION.indexOf(c) !== -1 ? 2 : 1;
      return c.codePointAt(0) > 0xffff ? 2 : 1;
    });
    var length = costs.reduce(function (a, b) { return a + b; }, 0);
    if (length <= single) {
      return { gsm: gsm, length: length, segments: length ? 1 : 0, perSegment: single };
    }
    var segments = 1;
    var used = 0;
    costs.forEach(function (cost) {
      if (used + cost > part) { segments += 1; used = 0; }
      used += cost;
    });
    return { gsm: gsm, length: length, segments: segments, perSegment: part };
  }

  function graphemes(text) {
    if (window.Intl && Intl.Segmenter) {
      return Array.from(new Intl.Segmenter("pl", { granularity: "grapheme" }).segment(text)).length;
    }
    return Array.from(text).length;
  }

  function mastodonLength(text) {
    // The article's link is added after an empty line and counts as 23.
    // A remote mention @user@domain counts as @user.
    var countable = text.replace(URL, "x".repeat(URL_LENGTH))
      .replace(/(^|[^=\/\w])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)@[\w.-]+\w/gi, "$1@$2");
    return graphemes(countable) + 2 + URL_LENGTH;
  }

  // "1 znak", "23 znaki", "25 znaków": the noun agrees with the number.
  var PLURAL = window.Intl && Intl.PluralRules ? new Intl.PluralRules("pl") : null;
  var CHARACTERS = { one: "znak", few: "znaki", many: "znaków", other: "znaku" };

  function characters(n) {
    var form = PLURAL ? PLURAL.select(n) : "many";
    return n + " " + CHARACTERS[form];
  }

  function smsMessage(text) {
    if (!text) return "Pusta: SMS dostaną tylko obserwujący artykułów pilnych (tytuł i link).";
    var s = smsLength(text);
    var msg = characters(s.length) + ", " + (s.gsm ? "GSM-7" : "UCS-2") + ", części SMS: " +
      s.segments + " (do " + s.perSegment + " znaków w części).";
    if (!s.gsm) msg += " Polskie znaki lub inne spoza alfabetu GSM skracają SMS do 70 znaków.";
    return msg;
  }

  function mastodonMessage(text) {
    var n = mastodonLength(text);
    var msg = "Wpis z linkiem do artykułu: " + n + " z " + MASTODON_LIMIT +
      " znaków (link liczy się jako 23).";
    if (!text) msg = "Pusta: wyślemy tytuł i lead. " + msg;
    if (n > MASTODON_LIMIT) msg = "Za długi wpis! " + msg;
    return msg;
  }

  function attach(id, describe) {
    var field = document.getElementById(id);
    if (!field || field.dataset.outboxCounter) return;
    field.dataset.outboxCounter = "1";
    var counter = document.createElement("p");
    counter.id = id + "-counter";
    counter.className = "help";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    var update = function () { counter.textContent = describe(field.value); };
    field.addEventListener("input", update);
    update();
  }

  function init() {
    attach("id_sms_text", smsMessage);
    attach("id_mastodon_text", mastodonMessage);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
