// Strings of the admin's vendored widgets that Wagtail's catalogue cannot reach:
// the time picker's button is hard-coded English ("Save Selected") in
// jquery.datetimepicker. The translated text comes from the script tag.
(function () {
  "use strict";
  var script = document.currentScript;
  var applyLabel = script && script.dataset.applySelection;
  if (!applyLabel) return;
  var BUTTON = ".xdsoft_save_selected";
  function relabel(button) {
    if (button.textContent !== applyLabel) button.textContent = applyLabel;
  }
  function translate(root) {
    root.querySelectorAll(BUTTON).forEach(relabel);
  }
  // Only the picker's own nodes are looked at, not every change of the page.
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1) return;
        if (node.matches(BUTTON)) relabel(node);
        else if (node.classList.contains("xdsoft_datetimepicker")) translate(node);
      });
    });
  }).observe(document.body || document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () { translate(document); });
})();
