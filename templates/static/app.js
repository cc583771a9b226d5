// pogate progressive enhancement. Every page works without this file; it
// only keeps the scanner field focused on the receiving page and asks for a
// confirmation where a form says so.
(function () {
  "use strict";
  function keepFocus() {
    var scan = document.querySelector("[data-keep-focus]");
    if (!scan) { return; }
    scan.focus();
    document.addEventListener("focusout", function () {
      window.setTimeout(function () {
        var a = document.activeElement;
        if (!a || a === document.body) { scan.focus(); }
      }, 150);
    });
  }
  function confirmForms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { keepFocus(); confirmForms(); });
})();
