// The form builder in the page editor, for editors who are not programmers:
// - a field shows only the options of its type (which ones: FIELD_OPTIONS in
//   serviceportal/form_definition.py, handed over as JSON in #form-field-options);
// - a condition is picked from the fields of earlier steps and, for a field with
//   choices, from its choices, instead of typing technical names.
// The typed values stay in Wagtail's own inputs, so saving works as without this.
(function () {
  "use strict";

  function options() {
    var data = document.getElementById("form-field-options");
    return data ? JSON.parse(data.textContent) : null;
  }

  function text(key) {
    var data = document.getElementById("form-builder-texts");
    return data ? JSON.parse(data.textContent)[key] : key;
  }

  // Wagtail's get_field_clean_name: ASCII, lower case, words joined by "_".
  function cleanName(value) {
    return String(value || "")
      .normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^\w\s-]/g, "").trim().toLowerCase()
      .replace(/[-\s]+/g, "_");
  }

  function child(container, name) {
    for (var i = 0; i < container.children.length; i++) {
      if (container.children[i].getAttribute("data-contentpath") === name) {
        return container.children[i];
      }
    }
    return null;
  }

  // -- options by field type ---------------------------------------------------

  function showOptionsOf(select) {
    var map = options();
    var wrapper = select.closest('[data-contentpath="field_type"]');
    if (!map || !wrapper || !wrapper.parentElement) return;
    var struct = wrapper.parentElement;
    var type = select.value;
    Object.keys(map).forEach(function (option) {
      var parts = option.split(".");
      var holder = struct;
      if (parts.length === 2) {
        var group = child(struct, parts[0]);
        holder = group && group.querySelector("[data-contentpath='" + parts[1] + "']");
        if (holder) holder.hidden = map[option].indexOf(type) === -1;
        return;
      }
      var element = child(holder, option);
      if (element) element.hidden = map[option].indexOf(type) === -1;
    });
  }

  // -- condition picker ----------------------------------------------------------

  // Every field of the form in page order: its step, name, label, choices.
  function formFields() {
    var fields = [];
    document.querySelectorAll('select[name$="-field_type"]').forEach(function (select) {
      var prefix = select.name.slice(0, -"-field_type".length);
      var match = /^(.*?steps-\d+)-value-fields-/.exec(prefix);
      if (!match) return;
      var value = function (suffix) {
        var input = document.querySelector('[name="' + prefix + "-" + suffix + '"]');
        return input ? input.value : "";
      };
      var deleted = document.querySelector('[name="' + prefix.replace(/-value$/, "") + '-deleted"]');
      if (deleted && deleted.value === "1") return;
      // "stored value | shown text": conditions compare the stored value.
      var choices = value("choices").split("\n").map(function (c) { return c.split("|")[0].trim(); })
        .filter(Boolean);
      if (select.value === "checkbox") choices = [text("yes"), text("no")];
      fields.push({
        step: match[1],
        name: cleanName(value("name") || value("label")),
        label: value("label") || value("name"),
        choices: choices,
      });
    });
    return fields;
  }

  function stepOrder() {
    var order = [];
    document.querySelectorAll('select[name$="-field_type"]').forEach(function (select) {
      var match = /^(.*?steps-\d+)-value-fields-/.exec(select.name);
      if (match && order.indexOf(match[1]) === -1) order.push(match[1]);
    });
    return order;
  }

  // The fields a condition of this step may refer to: those of the steps before it.
  function earlierFields(input) {
    var match = /^(.*?steps-\d+)-value-/.exec(input.name);
    if (!match) return [];
    var fields = formFields();
    var order = stepOrder();
    var mine = order.indexOf(match[1]);
    if (mine === -1) mine = order.length;
    return fields.filter(function (field) {
      var position = order.indexOf(field.step);
      return position !== -1 && position < mine && field.name;
    });
  }

  function fire(input) {
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function valuesInputFor(fieldInput) {
    return document.querySelector('[name="' + fieldInput.name.replace(/-field$/, "-values") + '"]');
  }

  function renderValues(fieldInput, picker) {
    var valuesInput = valuesInputFor(fieldInput);
    if (!valuesInput) return;
    var box = valuesInput.parentElement.querySelector(".condition-values");
    if (!box) {
      box = document.createElement("fieldset");
      box.className = "condition-values";
      valuesInput.parentElement.appendChild(box);
    }
    box.innerHTML = "";
    var field = earlierFields(fieldInput).filter(function (f) { return f.name === picker.value; })[0];
    if (!field || !field.choices.length) {
      box.hidden = true;
      valuesInput.hidden = false;
      return;
    }
    var chosen = valuesInput.value.split(",").map(function (v) { return v.trim(); });
    var legend = document.createElement("legend");
    legend.className = "w-sr-only";  // the block's own label says it
    legend.textContent = text("values");
    box.appendChild(legend);
    field.choices.forEach(function (choice, index) {
      var id = valuesInput.id + "-choice-" + index;
      var label = document.createElement("label");
      label.setAttribute("for", id);
      var box_ = document.createElement("input");
      box_.type = "checkbox";
      box_.id = id;
      box_.value = choice;
      box_.checked = chosen.indexOf(choice) !== -1;
      box_.addEventListener("change", function () {
        var picked = Array.prototype.map.call(
          box.querySelectorAll("input:checked"), function (c) { return c.value; });
        valuesInput.value = picked.join(", ");
        fire(valuesInput);
      });
      label.appendChild(box_);
      label.appendChild(document.createTextNode(" " + choice));
      box.appendChild(label);
    });
    box.hidden = false;
    valuesInput.hidden = true;
  }

  function fillPicker(fieldInput, picker) {
    var current = fieldInput.value;
    picker.innerHTML = "";
    var none = document.createElement("option");
    none.value = "";
    none.textContent = text("always");
    picker.appendChild(none);
    var known = false;
    earlierFields(fieldInput).forEach(function (field) {
      var option = document.createElement("option");
      option.value = field.name;
      option.textContent = field.label + " (" + field.name + ")";
      if (field.name === cleanName(current)) { option.selected = true; known = true; }
      picker.appendChild(option);
    });
    if (current && !known) {
      var unknown = document.createElement("option");
      unknown.value = current;
      unknown.textContent = current + " – " + text("unknown");
      unknown.selected = true;
      picker.appendChild(unknown);
    }
  }

  function enhanceCondition(fieldInput) {
    if (fieldInput.dataset.picker) return;
    fieldInput.dataset.picker = "1";
    var picker = document.createElement("select");
    picker.id = fieldInput.id + "-picker";
    picker.className = "condition-picker";
    var label = fieldInput.parentElement.closest("[data-contentpath='field']");
    var labelElement = label && label.querySelector("label");
    if (labelElement) labelElement.setAttribute("for", picker.id);
    fillPicker(fieldInput, picker);
    fieldInput.hidden = true;
    fieldInput.parentElement.insertBefore(picker, fieldInput);
    picker.addEventListener("focus", function () { fillPicker(fieldInput, picker); });
    picker.addEventListener("mousedown", function () { fillPicker(fieldInput, picker); });
    picker.addEventListener("change", function () {
      fieldInput.value = picker.value;
      fire(fieldInput);
      var valuesInput = valuesInputFor(fieldInput);
      if (valuesInput) { valuesInput.value = ""; fire(valuesInput); }
      renderValues(fieldInput, picker);
    });
    renderValues(fieldInput, picker);
  }

  function enhance(root) {
    root.querySelectorAll('select[name$="-field_type"]').forEach(function (select) {
      showOptionsOf(select);
    });
    root.querySelectorAll('input[name$="-condition-field"]').forEach(enhanceCondition);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches('select[name$="-field_type"]')) {
      showOptionsOf(target);
    }
  });

  function start() {
    if (!options()) return;
    enhance(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType === 1) enhance(node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
