// The portal's menu button on small screens: navigation and language switch fold into
// it (base.html). Without this script everything stays visible; the button stays hidden.
(function () {
  "use strict";
  function setUp() {
    var header = document.querySelector(".site-header");
    var button = header && header.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) {
      return;
    }
    header.classList.add("has-menu-toggle");
    button.hidden = false;
    function close() {
      button.setAttribute("aria-expanded", "false");
      menu.classList.remove("is-open");
    }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("is-open")) {
        close();
        button.focus();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
