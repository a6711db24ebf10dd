// The designer's edit form: redraw the diagram from the form's current state while
// editing (debounced), without saving the draft. The server lays it out (Graphviz).
(function () {
  "use strict";
  var figure = document.getElementById("designer-diagram");
  var form = document.getElementById("w-editor-form");
  if (!figure || !form) {
    return;
  }
  var image = figure.querySelector("img");
  var list = figure.querySelector("ul");
  var status = figure.querySelector("[data-status]");
  var timer = null;

  function redraw() {
    var data = new FormData(form);
    status.textContent = figure.dataset.drawing;
    fetch(figure.dataset.previewUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (result) {
        if (result.image) {
          image.src = result.image;
          image.hidden = false;
        }
        list.replaceChildren();
        (result.problems || []).forEach(function (problem) {
          var item = document.createElement("li");
          item.textContent = problem;
          list.appendChild(item);
        });
        status.textContent = result.problems && result.problems.length
          ? figure.dataset.problems
          : figure.dataset.fine;
      })
      .catch(function () {
        status.textContent = figure.dataset.failed;
      });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(redraw, 800);
  }

  form.addEventListener("change", later);
  form.addEventListener("input", later);
})();
