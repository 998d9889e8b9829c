// proceedings: optional range highlighting for day pages.
// A link ending in #l-120-l-135 highlights lines 120 to 135 and scrolls to
// the first; shift-click on a line's time extends the highlighted line or
// range to it. Single-line permalinks (#l-120) need no script: CSS :target
// highlights them. Loaded as an external file with no inline code or eval,
// so it works under a Content-Security-Policy of script-src 'self'.
(function () {
  "use strict";
  var rangeRe = /^#l-(\d+)-l-(\d+)$/;
  function apply() {
    var old = document.querySelectorAll("li.hl");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("hl");
    var m = rangeRe.exec(location.hash);
    if (!m) return;
    var a = document.getElementById("l-" + m[1]);
    var b = document.getElementById("l-" + m[2]);
    if (!a || !b) return;
    if (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_PRECEDING) {
      var t = a; a = b; b = t;
    }
    for (var e = a; e; e = e.nextElementSibling) {
      e.classList.add("hl");
      if (e === b) break;
    }
    a.scrollIntoView({ block: "center" });
  }
  document.addEventListener("click", function (ev) {
    if (!ev.shiftKey || !ev.target.closest) return;
    var link = ev.target.closest("a.t");
    if (!link) return;
    var m = /^#l-(\d+)/.exec(location.hash);
    var to = link.getAttribute("href").slice(3);
    if (!m || m[1] === to) return;
    ev.preventDefault();
    location.hash = "#l-" + m[1] + "-l-" + to;
  });
  window.addEventListener("hashchange", apply);
  apply();
})();
