// Service forms: focus the error summary so screen readers announce it, and disable
// "send" after one click (the server refuses a second submission anyway).
(function () {
  var summary = document.getElementById("fehler");
  if (summary) { summary.focus(); }
  document.querySelectorAll("button[data-once]").forEach(function (button) {
    button.form.addEventListener("submit", function (event) {
      if (event.submitter === button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
})();
