// The designer's edit form: pick instead of type.
// - Every "next step" field (next, default, a condition's next, a fee's step after a
//   Storno, a reservation's step when refused, a parallel step's tasks) becomes a list
//   of the draft's steps, named by their title; the field itself stays the form's value.
// - A new step gets a free id at once (kind and number), so nobody has to invent one.
// - A branch's conditions pick what they compare (an input, a field clerks fill in, a
//   task's decision) from a list, and their value offers the decisions' values.
// - Lists of steps (documents an e-mail attaches, tasks whose decider may not decide
//   this one) grow by picking a step.
// - Subjects and texts of e-mails and documents get an "insert placeholder" list: the
//   built-in values, the process's inputs and the fields clerks fill in.
// The lists follow the form while it is edited (steps added, renamed, removed).
(function () {
  "use strict";
  var form = document.getElementById("w-editor-form");
  var texts = document.getElementById("designer-pickers");
  if (!form || !texts) {
    return;
  }
  var source = document.getElementById("designer-placeholders");
  var builtIn = source ? JSON.parse(source.textContent) : [];
  var NEXT = /^steps-\d+-value-(next|default|unpaid|refused|earlier_task|conditions-\d+-value-next|tasks-\d+-value)$/;
  var SOURCE = /^steps-\d+-value-conditions-\d+-value-(source|also-\d+-value-source)$/;
  var VALUE = /^steps-\d+-value-conditions-\d+-value-(value|also-\d+-value-value)$/;
  var LIST = /^steps-\d+-value-(attach_documents|not_by_steps)$/;
  var TEXT = /^steps-\d+-value-(subject|body)$/;
  var ID = /^steps-(\d+)-value-id$/;

  function alive(input) {
    var match = /^steps-(\d+)-/.exec(input.name);
    var deleted = match && form.querySelector("input[name='steps-" + match[1] + "-deleted']");
    return !(deleted && deleted.value === "1");
  }

  function blockType(input) {
    var block = input.closest("section");
    var type = block && block.querySelector(".c-sf-block__type");
    return type ? type.textContent.trim() : "";
  }

  function eachStep(visit) {
    form.querySelectorAll("input[name$='-value-id']").forEach(function (input) {
      var match = ID.exec(input.name);
      if (match && input.value && alive(input)) {
        visit(input, "steps-" + match[1] + "-value-");
      }
    });
  }

  function steps() {
    var found = [];
    eachStep(function (input, prefix) {
      var named = ["title", "subject"].map(function (field) {
        var element = form.querySelector("[name='" + prefix + field + "']");
        return element && element.value;
      }).filter(Boolean)[0];
      var kind = blockType(input);
      var label = (kind ? kind + ": " : "") + (named ? named + " (" + input.value + ")" : input.value);
      found.push({ id: input.value, label: label });
    });
    return found;
  }

  function values() {
    var names = builtIn.slice();
    form.querySelectorAll("input[name^='inputs-'][name$='-value-name'], " +
      "input[name*='-value-fields-'][name$='-value-name']").forEach(function (input) {
      if (input.value && alive(input)) {
        names.push({ name: input.value, label: input.value });
      }
    });
    return names;
  }

  function tasks() {
    var found = [];
    eachStep(function (input, prefix) {
      if (!form.querySelector("[name='" + prefix + "decisions-count']")) {
        return;  // not a task
      }
      var title = form.querySelector("[name='" + prefix + "title']");
      var decisions = [];
      form.querySelectorAll("input[name^='" + prefix + "decisions-'][name$='-value-value']")
        .forEach(function (value) {
          var label = form.querySelector("[name='" + value.name.replace(/-value-value$/, "-value-label") + "']");
          if (value.value && alive(value)) {
            decisions.push({ value: value.value, label: label && label.value || value.value });
          }
        });
      found.push({ id: input.value, title: (title && title.value) || input.value, decisions: decisions });
    });
    return found;
  }

  function sources() {
    var found = values().filter(function (value) { return builtIn.indexOf(value) === -1; })
      .map(function (value) { return { value: value.name, label: value.label }; });
    tasks().forEach(function (task) {
      found.push({ value: "decision:" + task.id, label: texts.dataset.decision + ": " + task.title });
    });
    return found;
  }

  function decisionValues() {
    var list = document.getElementById("designer-decision-values");
    if (!list) {
      list = document.createElement("datalist");
      list.id = "designer-decision-values";
      form.appendChild(list);
    }
    var seen = {};
    var choices = [];
    tasks().forEach(function (task) {
      task.decisions.forEach(function (decision) {
        if (!seen[decision.value]) {
          seen[decision.value] = true;
          choices.push(option(decision.value, decision.label + " (" + task.title + ")", false));
        }
      });
    });
    var signature = choices.map(function (c) { return c.value + "=" + c.textContent; }).join("|");
    if (list.dataset.signature !== signature) {  // unchanged: no DOM change, no observer call
      list.dataset.signature = signature;
      list.replaceChildren.apply(list, choices);
    }
    return list;
  }

  function listPicker(input) {
    if (input.dataset.picker) {
      return;
    }
    input.dataset.picker = "list";
    var select = document.createElement("select");
    select.dataset.addsTo = input.name;
    select.setAttribute("aria-label", texts.dataset.add);
    input.insertAdjacentElement("afterend", select);
    function refill() {
      select.replaceChildren(option("", texts.dataset.add, true));
      steps().forEach(function (step) { select.appendChild(option(step.id, step.label, false)); });
    }
    select.addEventListener("focus", refill);
    select.addEventListener("mousedown", refill);
    select.addEventListener("change", function () {
      var ids = input.value.split(",").map(function (id) { return id.trim(); }).filter(Boolean);
      if (select.value && ids.indexOf(select.value) === -1) {
        ids.push(select.value);
      }
      input.value = ids.join(", ");
      input.dispatchEvent(new Event("change", { bubbles: true }));
      select.value = "";
    });
    refill();
  }

  function option(value, label, selected) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    element.selected = selected;
    return element;
  }

  // A step's or a source's list: the choices, the current value kept (also one that
  // does not exist any more: the check names it).
  function fillPicker(select, input) {
    var current = input.value;
    var isSource = input.dataset.picker === "source";
    var entries = isSource ? sources() : steps().map(function (step) {
      return { value: step.id, label: step.label };
    });
    var choices = [option("", isSource ? texts.dataset.source : texts.dataset.choose, !current)];
    var known = false;
    entries.forEach(function (entry) {
      known = known || entry.value === current;
      choices.push(option(entry.value, entry.label, entry.value === current));
    });
    if (current && !known) {
      choices.push(option(current, current + " (" + texts.dataset.missing + ")", true));
    }
    select.replaceChildren.apply(select, choices);
  }

  function stepPicker(input, kind) {
    if (input.dataset.picker) {
      return;
    }
    input.dataset.picker = kind;
    var select = document.createElement("select");
    select.dataset.picks = input.name;
    var label = form.querySelector("label[for='" + input.id + "']");
    select.setAttribute("aria-label", label ? label.textContent.trim() : texts.dataset.choose);
    if (label) {
      label.setAttribute("for", "");
      label.addEventListener("click", function () { select.focus(); });
    }
    input.type = "hidden";
    input.insertAdjacentElement("afterend", select);
    fillPicker(select, input);
    select.addEventListener("input", function () {
      input.value = select.value;
    });
    select.addEventListener("change", function () {
      input.value = select.value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function placeholderMenu(field) {
    if (field.dataset.picker) {
      return;
    }
    field.dataset.picker = "placeholder";
    var select = document.createElement("select");
    select.dataset.insertsInto = field.name;
    select.setAttribute("aria-label", texts.dataset.insert);
    select.className = "designer-placeholders";
    field.insertAdjacentElement("afterend", select);
    function refill() {
      select.replaceChildren(option("", texts.dataset.insert, true));
      values().forEach(function (value) {
        select.appendChild(option(value.name, "{" + value.name + "} " +
          (value.label !== value.name ? "– " + value.label : ""), false));
      });
    }
    select.addEventListener("focus", refill);
    select.addEventListener("mousedown", refill);
    select.addEventListener("change", function () {
      if (!select.value) {
        return;
      }
      var text = "{" + select.value + "}";
      var start = field.selectionStart != null ? field.selectionStart : field.value.length;
      var end = field.selectionEnd != null ? field.selectionEnd : start;
      field.value = field.value.slice(0, start) + text + field.value.slice(end);
      field.focus();
      field.setSelectionRange(start + text.length, start + text.length);
      field.dispatchEvent(new Event("input", { bubbles: true }));
      select.value = "";
    });
    refill();
  }

  function freeId(input) {
    if (input.value || input.dataset.named) {
      return;
    }
    input.dataset.named = "1";
    var base = (blockType(input) || "schritt").toLowerCase()
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "").replace(/^(\d)/, "s_$1").slice(0, 30) || "schritt";
    var taken = steps().map(function (step) { return step.id; });
    var number = 1;
    while (taken.indexOf(base + "_" + number) !== -1) {
      number += 1;
    }
    input.value = base + "_" + number;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function attach() {
    form.querySelectorAll("input[type='text'], input:not([type])").forEach(function (input) {
      if (NEXT.test(input.name)) {
        stepPicker(input, "step");
      } else if (SOURCE.test(input.name)) {
        stepPicker(input, "source");
      } else if (VALUE.test(input.name) && !input.dataset.picker) {
        input.dataset.picker = "value";
        input.setAttribute("list", "designer-decision-values");
      } else if (LIST.test(input.name)) {
        listPicker(input);
      } else if (ID.test(input.name)) {
        freeId(input);
      }
    });
    form.querySelectorAll("input, textarea").forEach(function (field) {
      if (TEXT.test(field.name)) {
        placeholderMenu(field);
      }
    });
  }

  function refresh(event) {
    var own = "select[data-picks], select[data-inserts-into], select[data-adds-to]";
    if (event && event.target && event.target.matches(own)) {
      return;  // a pick in progress: its own handlers set the value
    }
    form.querySelectorAll("select[data-picks]").forEach(function (select) {
      var input = form.querySelector("input[name='" + select.dataset.picks + "']");
      if (input && document.activeElement !== select) {
        fillPicker(select, input);
      }
    });
    decisionValues();
  }

  // Existing ids are kept as they are: only blocks added from now on get one.
  form.querySelectorAll("input[name$='-value-id']").forEach(function (input) {
    input.dataset.named = "1";
  });
  attach();
  decisionValues();
  new MutationObserver(function () { attach(); }).observe(form, { childList: true, subtree: true });
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
})();
