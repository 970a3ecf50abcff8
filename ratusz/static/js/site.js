// Progressive enhancement only: every page works without this file.

// "Copy link" on articles: without this script it is a plain link to the
// article; with it, a button that copies the address and says so aloud.
(function () {
  var status = document.querySelector("[data-copy-status]");
  document.querySelectorAll("[data-copy-link]").forEach(function (link) {
    if (!navigator.clipboard || !status) return;
    link.setAttribute("role", "button");
    if (link.dataset.copyLabel) link.textContent = link.dataset.copyLabel;
    function say(text) {
      // Clear first: a live region does not repeat an unchanged text.
      status.textContent = "";
      setTimeout(function () { status.textContent = text; }, 100);
    }
    function copy(event) {
      event.preventDefault();
      navigator.clipboard.writeText(link.href).then(
        function () { say(status.dataset.copiedText); },
        function () { say(status.dataset.failedText); }
      );
    }
    link.addEventListener("click", copy);
    link.addEventListener("keydown", function (event) {
      if (event.key === " ") copy(event);
    });
  });
})();

// Folded lists of topics and villages (follow page): the summary says how
// many are ticked. The server writes the count; this keeps it current.
(function () {
  document.querySelectorAll("[data-choice-fold]").forEach(function (fold) {
    var count = fold.querySelector("[data-choice-count]");
    if (!count) return;
    fold.addEventListener("change", function () {
      var n = fold.querySelectorAll("input[type=checkbox]:checked").length;
      count.textContent = n ? count.dataset.some.replace("__N__", n) : count.dataset.none;
    });
  });
})();
