// Page slugs in the editor spelled the German way: "Sperrmüll" → "sperrmuell".
// Wagtail's slug field folds umlauts to a single letter ("sperrmull"); this runs
// first (capture phase) and writes the German transliteration into the value
// Wagtail then turns into a slug. The server does the same (serviceportal/slugs.py).
(function () {
  "use strict";
  var GERMAN = { "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss" };
  function german(text) {
    return String(text).replace(/[äöüÄÖÜß]/g, function (letter) { return GERMAN[letter]; });
  }
  function isSlugField(element) {
    return element && element.getAttribute && element.getAttribute("data-controller") === "w-slug";
  }
  // The title is copied into the slug through Wagtail's sync events.
  ["w-sync:check", "w-sync:apply"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (isSlugField(event.target) && event.detail && typeof event.detail.value === "string") {
        event.detail.value = german(event.detail.value);
      }
    }, true);
  });
  // A slug typed by hand is cleaned when the field loses focus.
  document.addEventListener("blur", function (event) {
    if (isSlugField(event.target) && /[äöüÄÖÜß]/.test(event.target.value)) {
      event.target.value = german(event.target.value);
    }
  }, true);
})();
