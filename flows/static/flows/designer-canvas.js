// The designer's canvas: the draft drawn with bpmn-js (vendored, see the Makefile's
// vendor-bpmn-js), a palette of the designer's step kinds, and a properties panel
// generated from the step blocks' settings (flows/designer/canvas.py panel_schema).
// Steps and arrows are drawn here; each step's settings live beside the diagram
// (`steps`, by element id) and each branch condition beside its arrow (`conditions`),
// and "Save draft" posts the diagram, the settings and the positions to the server,
// which reads them like any BPMN file (flows/designer/canvas.py save_canvas).
(function () {
  "use strict";
  var host = document.getElementById("canvas");
  if (!host || typeof window.BpmnJS !== "function") {
    return;
  }
  function json(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }
  var state = json("canvas-state");
  var schema = json("canvas-schema");
  var placeholders = json("canvas-placeholders");
  var T = json("canvas-texts");
  var forms = json("canvas-forms");
  var inputs = state.inputs;
  var steps = state.steps;
  var conditions = state.conditions;
  var panel = document.getElementById("canvas-panel");
  var statusLine = document.getElementById("canvas-status");
  var errorBox = document.getElementById("canvas-errors");
  var dirty = false;
  var loaded = false;
  var selected = null;

  // Each kind's drawing comes from its module on the server (flows/designer/kinds/):
  // the BPMN element, the palette icon, the setting that names the shape.
  var KINDS = Object.keys(schema.kinds);
  var ICONS = {};
  var TYPES = {};
  var LABEL_FIELD = {};
  KINDS.forEach(function (kind) {
    ICONS[kind] = schema.kinds[kind].icon;
    TYPES[kind] = schema.kinds[kind].bpmnType;
    if (schema.kinds[kind].labelField) {
      LABEL_FIELD[kind] = schema.kinds[kind].labelField;
    }
  });

  function clone(value) {
    return JSON.parse(JSON.stringify(value === undefined ? null : value)) || {};
  }

  // --- the step kinds as shapes -------------------------------------------------------
  var services = {};

  function freeId(kind) {
    var number = 1;
    while (services.elementRegistry.get(kind + "_" + number) || steps[kind + "_" + number]) {
      number += 1;
    }
    return kind + "_" + number;
  }

  // A shape is named by its kind's naming setting: a text as it is, a choice by its
  // label, a number of days as such.
  function labelFor(kind, settings) {
    var name = LABEL_FIELD[kind];
    if (!name) {
      return "";
    }
    var field = schema.kinds[kind].fields.filter(function (f) { return f.name === name; })[0];
    var value = settings[name];
    if (field && field.type === "choice") {
      var choice = field.choices.filter(function (c) { return c[0] === value; })[0];
      return choice ? choice[1] : "";
    }
    if (field && field.type === "int") {
      return value ? value + " " + T.days : settings.until_input || "";
    }
    return value || "";
  }

  function newShape(kind) {
    var id = freeId(kind);
    var settings = clone(schema["new"][kind]);
    steps[id] = { kind: kind, settings: settings };
    var attrs = { id: id };
    var label = labelFor(kind, settings);
    if (label) {
      attrs.name = label;
    }
    var businessObject = services.bpmnFactory.create(TYPES[kind], attrs);
    var shape = { type: TYPES[kind], businessObject: businessObject };
    if (TYPES[kind] === "bpmn:IntermediateCatchEvent") {
      shape.eventDefinitionType = "bpmn:TimerEventDefinition";
    }
    return services.elementFactory.createShape(shape);
  }

  function kindOf(element) {
    if (!element || !element.businessObject) {
      return null;
    }
    if (steps[element.id]) {
      return steps[element.id].kind;
    }
    var type = element.type;
    if (type === "bpmn:StartEvent") {
      return "start";
    }
    if (type === "bpmn:ParallelGateway") {
      return (element.incoming || []).length > 1 ? "join" : "parallel";
    }
    if (type === "bpmn:SequenceFlow") {
      return "arrow";
    }
    return null;
  }

  function Palette(palette, create, handTool, lassoTool, globalConnect) {
    this.create = create;
    this.handTool = handTool;
    this.lassoTool = lassoTool;
    this.globalConnect = globalConnect;
    palette.registerProvider(this);
  }
  Palette.$inject = ["palette", "create", "handTool", "lassoTool", "globalConnect"];
  Palette.prototype.getPaletteEntries = function () {
    var self = this;
    var entries = {
      "hand-tool": {
        group: "tools", className: "bpmn-icon-hand-tool", title: "↔",
        action: { click: function (event) { self.handTool.activateHand(event); } }
      },
      "lasso-tool": {
        group: "tools", className: "bpmn-icon-lasso-tool", title: "⬚",
        action: { click: function (event) { self.lassoTool.activateSelection(event); } }
      },
      "global-connect-tool": {
        group: "tools", className: "bpmn-icon-connection-multi", title: T.connect,
        action: { click: function (event) { self.globalConnect.start(event); } }
      }
    };
    KINDS.forEach(function (kind) {
      function start(event) {
        self.create.start(event, newShape(kind));
      }
      entries["create." + kind] = {
        group: /Gateway$/.test(TYPES[kind]) ? "gateway" : /Event$/.test(TYPES[kind]) ? "event" : "activity",
        className: ICONS[kind],
        title: T[kind],
        action: { dragstart: start, click: start }
      };
    });
    return entries;
  };

  function ContextPad(contextPad, connect, modeling, autoPlace, create) {
    this.connect = connect;
    this.modeling = modeling;
    this.autoPlace = autoPlace;
    this.create = create;
    contextPad.registerProvider(this);
  }
  ContextPad.$inject = ["contextPad", "connect", "modeling", "autoPlace", "create"];
  ContextPad.prototype.getContextPadEntries = function (element) {
    var self = this;
    var entries = {};
    var kind = kindOf(element);
    if (element.type !== "bpmn:EndEvent" && element.type !== "bpmn:SequenceFlow" && element.type !== "label") {
      KINDS.filter(function (kind) { return schema.kinds[kind].onContextPad; }).forEach(function (next) {
        entries["append." + next] = {
          group: "model",
          className: ICONS[next],
          title: T.append + ": " + T[next],
          action: {
            click: function (event, source) { self.autoPlace.append(source, newShape(next)); },
            dragstart: function (event, source) { self.create.start(event, newShape(next), { source: source }); }
          }
        };
      });
      entries.connect = {
        group: "connect", className: "bpmn-icon-connection-multi", title: T.connect,
        action: {
          click: function (event, source) { self.connect.start(event, source); },
          dragstart: function (event, source) { self.connect.start(event, source); }
        }
      };
    }
    if (kind !== "start") {
      entries["delete"] = {
        group: "edit", className: "bpmn-icon-trash", title: T.remove,
        action: { click: function () { self.modeling.removeElements([element]); } }
      };
    }
    return entries;
  };

  // The person picker: staff found by name as one types (a city has thousands).
  var people = el("datalist", { id: "canvas-people" });
  document.body.appendChild(people);
  var searching = null;
  function findPeople(text) {
    window.clearTimeout(searching);
    searching = window.setTimeout(function () {
      fetch(host.dataset.peopleUrl + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          people.textContent = "";
          (answer.people || []).forEach(function (person) {
            people.appendChild(el("option", { value: person[0], label: person[1] }));
          });
        })["catch"](function () { return null; });
    }, 200);
  }

  var modeler = new window.BpmnJS({
    container: host,
    keyboard: { bindTo: document },
    additionalModules: [{
      __init__: ["paletteProvider", "contextPadProvider"],
      paletteProvider: ["type", Palette],
      contextPadProvider: ["type", ContextPad]
    }]
  });
  ["elementRegistry", "elementFactory", "bpmnFactory", "modeling", "canvas", "eventBus"].forEach(function (name) {
    services[name] = modeler.get(name);
  });

  // --- the properties panel -----------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") {
        node.textContent = attrs[key];
      } else {
        node.setAttribute(key, attrs[key]);
      }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  var uid = 0;
  function changed() {
    dirty = true;
    statusLine.textContent = T.unsaved;
  }

  function stepsOf(kinds) {
    return services.elementRegistry.filter(function (element) {
      return steps[element.id] && kinds.indexOf(steps[element.id].kind) !== -1;
    }).map(function (element) {
      var settings = steps[element.id].settings;
      return { id: element.id, label: labelFor(steps[element.id].kind, settings) || T[steps[element.id].kind] };
    });
  }

  // The steps a case may have passed before the selected one (backwards along the
  // arrows): what a step may read is what those steps and the application provide.
  function before() {
    var at = selected && selected.waypoints ? selected.source : selected;
    var seen = {};
    var todo = at ? (at.incoming || []).map(function (c) { return c.source; }) : [];
    while (todo.length) {
      var element = todo.pop();
      if (!element || seen[element.id]) {
        continue;
      }
      seen[element.id] = true;
      (element.incoming || []).forEach(function (c) { todo.push(c.source); });
    }
    return seen;
  }

  function sources() {
    var earlier = before();
    var found = state.inputs.map(function (input) { return [input.name, input.label || input.name]; });
    stepsOf(["task"]).filter(function (task) { return earlier[task.id]; }).forEach(function (task) {
      (steps[task.id].settings.fields || []).forEach(function (field) {
        if (field.name) {
          found.push([field.name, (field.label || field.name) + " (" + task.label + ")"]);
        }
      });
      found.push(["decision:" + task.id, T.decisionOf + " " + task.label]);
    });
    return found;
  }

  function decisionValues() {
    var values = [];
    stepsOf(["task"]).forEach(function (task) {
      (steps[task.id].settings.decisions || []).forEach(function (decision) {
        if (decision.value && values.indexOf(decision.value) === -1) {
          values.push(decision.value);
        }
      });
    });
    return values;
  }

  function select(options, value, required) {
    var node = el("select");
    if (!required || !options.some(function (o) { return o[0] === value; })) {
      node.appendChild(el("option", { value: "", text: T.pick }));
    }
    if (value && !options.some(function (o) { return o[0] === value; })) {
      options = options.concat([[value, value + " (?)"]]);  // kept, though no longer offered
    }
    options.forEach(function (option) {
      var item = el("option", { value: option[0], text: option[1] });
      if (option[0] === value) {
        item.selected = true;
      }
      node.appendChild(item);
    });
    return node;
  }

  function placeholderMenu(input) {
    var earlier = before();
    var kindsBefore = Object.keys(earlier).map(function (id) { return (steps[id] || {}).kind; });
    var options = placeholders.filter(function (p) {
      return !p.after || kindsBefore.indexOf(p.after) !== -1;  // e.g. the invoice after a fee
    }).map(function (p) { return ["{" + p.name + "}", p.label + " {" + p.name + "}"]; })
      .concat(sources().filter(function (s) { return s[0].indexOf(":") === -1; })
        .map(function (s) { return ["{" + s[0] + "}", s[1] + " {" + s[0] + "}"]; }));
    var menu = select(options, "", false);
    menu.options[0].textContent = T.insert;
    menu.setAttribute("aria-label", T.insert);
    menu.addEventListener("change", function () {
      if (!menu.value) {
        return;
      }
      var at = input.selectionStart || input.value.length;
      input.value = input.value.slice(0, at) + menu.value + input.value.slice(input.selectionEnd || at);
      menu.value = "";
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.focus();
    });
    return menu;
  }

  function multiPicker(options, value, onChange) {
    var chosen = (value || "").split(",").map(function (v) { return v.trim(); }).filter(Boolean);
    var box = el("div", { "class": "designer-canvas-multi" });
    options.forEach(function (option) {
      var id = "canvas-field-" + (uid += 1);
      var box2 = el("input", { type: "checkbox", id: id });
      box2.checked = chosen.indexOf(option[0]) !== -1;
      box2.addEventListener("change", function () {
        chosen = chosen.filter(function (v) { return v !== option[0]; });
        if (box2.checked) {
          chosen.push(option[0]);
        }
        onChange(chosen.join(","));
      });
      box.appendChild(el("div", {}, [box2, el("label", { "for": id, text: " " + option[1] })]));
    });
    return box;
  }

  // One field of the schema: its input, kept in `values[field.name]`.
  function fieldNode(field, values, onChange) {
    var id = "canvas-field-" + (uid += 1);
    var value = values[field.name];
    var input;
    function set(newValue) {
      values[field.name] = newValue;
      onChange(field.name);
    }
    if (field.type === "list") {
      return listNode(field, values, onChange);
    }
    if (field.picker === "task") {
      input = select(stepsOf(["task"]).map(function (s) { return [s.id, s.label]; }), value, false);
    } else if (field.picker === "tasks" || field.picker === "documents") {
      input = multiPicker(stepsOf([field.picker === "tasks" ? "task" : "document"])
        .map(function (s) { return [s.id, s.label]; }), value, set);
    } else if (field.picker === "source") {
      input = select(sources(), value, field.required);
    } else if (field.picker === "person") {
      input = el("input", { type: "text", list: "canvas-people", autocomplete: "off" });
      input.value = value || "";
      input.addEventListener("input", function () { findPeople(input.value); });
    } else if (field.picker === "input") {
      input = select(sources().filter(function (s) { return s[0].indexOf(":") === -1; }), value, field.required);
    } else if (field.type === "choice") {
      input = select(field.choices, value, field.required);
    } else if (field.type === "bool") {
      input = el("input", { type: "checkbox" });
      input.checked = !!value;
    } else if (field.type === "int") {
      input = el("input", { type: "number" });
      if (field.min !== null && field.min !== undefined) { input.min = field.min; }
      if (field.max !== null && field.max !== undefined) { input.max = field.max; }
      input.value = value === null || value === undefined ? "" : value;
    } else if (field.type === "text") {
      input = el("textarea", { rows: "6" });
      input.value = value || "";
    } else {
      input = el("input", { type: "text" });
      if (field.max) { input.maxLength = field.max; }
      input.value = value || "";
      if (field.picker === "value") {
        var list = el("datalist", { id: id + "-values" });
        decisionValues().forEach(function (v) { list.appendChild(el("option", { value: v })); });
        input.setAttribute("list", id + "-values");
        input.appendChild(list);
      }
    }
    if (input.tagName !== "DIV") {
      input.id = id;
      input.setAttribute("data-field", field.name);
      if (field.required) { input.required = true; }
      input.addEventListener(input.tagName === "SELECT" || input.type === "checkbox" ? "change" : "input", function () {
        if (input.type === "checkbox") {
          set(input.checked);
        } else if (field.type === "int") {
          set(input.value === "" ? null : parseInt(input.value, 10));
        } else {
          set(input.value);
        }
        if (field.name === "label" && "name" in values) {
          autoName(input, values);
        }
      });
    }
    var label = el("label", { "for": id, "class": "w-field__label", text: field.label + (field.required ? " *" : "") });
    var wrapper = el("div", { "class": "w-field__wrapper designer-canvas-field" }, [label, input]);
    if (field.picker === "placeholders" && input.tagName !== "DIV") {
      wrapper.appendChild(placeholderMenu(input));
    }
    if (field.help) {
      wrapper.appendChild(el("p", { "class": "help", text: field.help }));
    }
    return wrapper;
  }

  // A value's name (what placeholders and conditions use) follows its label until
  // someone changes it: "Abholtermin" -> "abholtermin".
  function slug(text) {
    var name = text.toLowerCase().replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue")
      .replace(/ß/g, "ss").replace(/[^a-z0-9]+/g, "_").replace(/^[^a-z]+|_+$/g, "");
    return name.slice(0, 50);
  }

  function autoName(labelInput, values) {
    var group = labelInput.closest(".designer-canvas-item") || panel;
    var nameInput = group.querySelector("[data-field='name']");
    var old = values.name || "";
    if (old && old !== values._named) {
      return;  // named by hand
    }
    values.name = slug(labelInput.value);
    Object.defineProperty(values, "_named", { value: values.name, writable: true, enumerable: false, configurable: true });
    if (nameInput) {
      nameInput.value = values.name;
    }
  }

  // A fee that is not in the schedule yet: created here, then picked for a new line.
  function newFee(field, items, onChange) {
    var details = el("details", { "class": "designer-canvas-new-fee" }, [el("summary", { text: T.newFee })]);
    var inputs = {};
    [["booking_key", T.newFeeKey, "text"], ["name", T.newFeeName, "text"], ["amount", T.newFeeAmount, "number"]]
      .forEach(function (spec) {
        var id = "canvas-field-" + (uid += 1);
        inputs[spec[0]] = el("input", { type: spec[2], id: id, step: "0.01", min: "0" });
        details.appendChild(el("div", { "class": "w-field__wrapper designer-canvas-field" }, [
          el("label", { "for": id, "class": "w-field__label", text: spec[1] }), inputs[spec[0]]]));
      });
    var message = el("p", { "class": "error-message", role: "alert" });
    var create = el("button", { type: "button", "class": "button button-small", text: T.newFeeCreate });
    create.addEventListener("click", function () {
      var body = {};
      Object.keys(inputs).forEach(function (key) { body[key] = inputs[key].value; });
      fetch(host.dataset.newFeeUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
      }).then(function (result) {
        if (!result.ok) {
          message.textContent = (result.answer.errors || []).join(" ");
          return;
        }
        field.item.forEach(function (sub) {
          if (sub.name === "booking_key") {
            sub.choices.push([result.answer.value, result.answer.label]);
          }
        });
        items.push({ booking_key: result.answer.value, quantity_from: "" });
        onChange(field.name);
        render();
      })["catch"](function () { message.textContent = T.networkError; });
    });
    details.appendChild(create);
    details.appendChild(message);
    return details;
  }

  function csrfToken() {
    return document.querySelector("input[name='csrfmiddlewaretoken']").value;
  }

  function listNode(field, values, onChange) {
    var items = Array.isArray(values[field.name]) ? values[field.name] : [];
    values[field.name] = items;
    var box = el("fieldset", { "class": "designer-canvas-list" }, [el("legend", { text: field.label + (field.min ? " *" : "") })]);
    items.forEach(function (item, index) {
      var group = el("div", { "class": "designer-canvas-item" });
      field.item.forEach(function (sub) {
        group.appendChild(fieldNode(sub, item, function () { onChange(field.name); }));
      });
      var remove = el("button", { type: "button", "class": "button button-small button-secondary", text: T.removeItem });
      remove.addEventListener("click", function () {
        items.splice(index, 1);
        onChange(field.name);
        render();
      });
      group.appendChild(remove);
      box.appendChild(group);
    });
    if (field.name === "lines" && schema.canAddFee) {
      box.appendChild(newFee(field, items, onChange));
    }
    var add = el("button", { type: "button", "class": "button button-small", text: T.add });
    add.addEventListener("click", function () {
      var item = {};
      field.item.forEach(function (sub) {
        var fallback = sub.type === "list" ? [] : sub.type === "bool" ? false : sub.type === "int" ? null : "";
        item[sub.name] = sub["default"] === null || sub["default"] === undefined ? fallback : clone(sub["default"]);
        if (typeof sub["default"] !== "object" && sub["default"] !== null && sub["default"] !== undefined) {
          item[sub.name] = sub["default"];
        }
      });
      items.push(item);
      onChange(field.name);
      render();
    });
    box.appendChild(add);
    return box;
  }

  function render() {
    panel.textContent = "";
    var element = selected;
    var kind = kindOf(element);
    if (!element || !kind) {
      panel.appendChild(el("p", { text: T.none }));
      return;
    }
    if (kind === "start") {
      panel.appendChild(el("h2", { text: T.start }));
      var fromForm = select(forms.map(function (form) { return [String(form.id), form.title]; }), "", false);
      fromForm.options[0].textContent = T.fromForm;
      fromForm.setAttribute("aria-label", T.fromForm);
      fromForm.addEventListener("change", function () {
        var form = forms.filter(function (f) { return String(f.id) === fromForm.value; })[0];
        if (!form) {
          return;
        }
        var known = inputs.map(function (i) { return i.name; });
        form.inputs.forEach(function (input) {
          if (known.indexOf(input.name) === -1) {
            inputs.push(clone(input));
          }
        });
        changed();
        render();
      });
      panel.appendChild(el("div", { "class": "w-field__wrapper designer-canvas-field" }, [fromForm]));
      var holder = { inputs: inputs };
      panel.appendChild(listNode({ name: "inputs", label: T.inputs, type: "list", min: 0, item: schema.inputs }, holder, changed));
      return;
    }
    if (kind === "join") {
      panel.appendChild(el("h2", { text: T.join }));
      return;
    }
    if (kind === "arrow") {
      panel.appendChild(el("h2", { text: T.arrow }));
      var source = element.source;
      var sourceKind = kindOf(source);
      var exits = sourceKind && schema.kinds[sourceKind] ? schema.kinds[sourceKind].exits : [];
      if (exits.length > 1) {
        var other = exits[1];
        var exit = conditions[element.id] = conditions[element.id] || {};
        var way = select([["", T.exitNormal], [other, schema.kinds[sourceKind].exitLabels[other] || other]], exit.exit || "", true);
        way.addEventListener("change", function () {
          exit.exit = way.value;
          markExits();
          changed();
        });
        var wayId = "canvas-field-" + (uid += 1);
        way.id = wayId;
        panel.appendChild(el("div", { "class": "w-field__wrapper designer-canvas-field" }, [
          el("label", { "for": wayId, "class": "w-field__label", text: T.exitTitle }), way]));
        return;
      }
      if (!source || !sourceKind || !schema.kinds[sourceKind] || !schema.kinds[sourceKind].conditional) {
        panel.appendChild(el("p", { text: T.plainArrow }));
        return;
      }
      var condition = conditions[element.id] = conditions[element.id] || { operator: "equals" };
      var otherwise = fieldNode({ name: "default", label: T.otherwise, type: "bool" }, condition, function () {
        changed();
        render();
      });
      panel.appendChild(otherwise);
      if (!condition["default"]) {
        schema.condition.forEach(function (field) {
          panel.appendChild(fieldNode(field, condition, changed));
        });
      }
      return;
    }
    var step = steps[element.id];
    panel.appendChild(el("h2", { text: schema.kinds[kind].label }));
    schema.kinds[kind].fields.forEach(function (field) {
      panel.appendChild(fieldNode(field, step.settings, function (name) {
        changed();
        if (name === LABEL_FIELD[kind]) {
          services.modeling.updateLabel(element, labelFor(kind, step.settings));
        }
      }));
    });
  }

  // --- loading, marking, saving -------------------------------------------------------
  function mark(failing) {
    services.elementRegistry.forEach(function (element) {
      services.canvas.removeMarker(element.id, "designer-failing");
    });
    failing.forEach(function (id) {
      if (services.elementRegistry.get(id)) {
        services.canvas.addMarker(id, "designer-failing");
      }
    });
  }

  function markExits() {
    services.elementRegistry.forEach(function (element) {
      if (element.waypoints) {
        var exit = (conditions[element.id] || {}).exit;
        services.canvas[exit ? "addMarker" : "removeMarker"](element.id, "designer-exit");
      }
    });
  }

  // A fee goes on when paid and elsewhere after a Storno, a reservation elsewhere when
  // refused: the second arrow drawn from such a step is that other way (changeable).
  services.eventBus.on("commandStack.connection.create.postExecuted", function (event) {
    var connection = event.context.connection;
    var kind = kindOf(connection.source);
    var exits = kind && schema.kinds[kind] ? schema.kinds[kind].exits : [];
    if (exits.length < 2) {
      return;
    }
    var others = (connection.source.outgoing || []).filter(function (c) { return c !== connection; });
    var taken = others.some(function (c) { return (conditions[c.id] || {}).exit; });
    if (others.length && !taken) {
      conditions[connection.id] = { exit: exits[1] };
      markExits();
    }
  });

  function showProblems(found) {
    var list = document.getElementById("canvas-problems");
    list.textContent = "";
    if (!found.length) {
      list.appendChild(el("li", { text: T.fine }));
    }
    found.forEach(function (problem) { list.appendChild(el("li", { text: problem })); });
  }

  function load(newState) {
    state = newState;
    steps = newState.steps;
    conditions = newState.conditions;
    inputs = newState.inputs;
    var viewbox = loaded ? services.canvas.viewbox() : null;
    return modeler.importXML(newState.xml).then(function () {
      if (viewbox) {
        services.canvas.viewbox(viewbox);  // after a save: where the designer was
      } else {
        place(true);
      }
      loaded = true;
      mark(newState.failing);
      markExits();
      showProblems(newState.problems);
      selected = null;
      render();
    });
  }

  // The first view: the drawing at its size, clear of the palette on the left; a
  // drawing larger than the canvas is zoomed out to fit, but never below a readable
  // size (the rest is reached with the hand tool or the mouse wheel).
  function place(readable) {
    var box = services.canvas.viewbox();
    var inner = box.inner;
    var room = { width: box.outer.width - 160, height: box.outer.height - 60 };
    if (inner.width > room.width || inner.height > room.height) {
      var scale = Math.min(room.width / inner.width, room.height / inner.height);
      if (readable === true) {
        scale = Math.max(0.6, scale);
      }
      services.canvas.viewbox({
        x: inner.x - 140 / scale, y: inner.y - 30 / scale,
        width: box.outer.width / scale, height: box.outer.height / scale
      });
      return;
    }
    services.canvas.viewbox({
      x: inner.x - 140, y: inner.y - 40, width: box.outer.width, height: box.outer.height
    });
  }

  function layout() {
    var shapes = {};
    var edges = [];
    services.elementRegistry.forEach(function (element) {
      if (element.waypoints) {
        if (element.source && element.target) {
          edges.push({
            source: element.source.id,
            target: element.target.id,
            points: element.waypoints.map(function (p) { return [Math.round(p.x), Math.round(p.y)]; })
          });
        }
      } else if (element.businessObject && element.type !== "label" && element.parent) {
        shapes[element.id] = [element.x, element.y, element.width, element.height].map(Math.round);
      }
    });
    return { shapes: shapes, edges: edges };
  }

  function save() {
    var token = csrfToken();
    statusLine.textContent = T.saving;
    errorBox.hidden = true;
    return modeler.saveXML({ format: false }).then(function (result) {
      var present = {};
      Object.keys(steps).forEach(function (id) {
        if (services.elementRegistry.get(id)) { present[id] = steps[id]; }
      });
      return fetch(window.location.pathname, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({
          xml: result.xml, steps: present, conditions: conditions, inputs: inputs, layout: layout()
        })
      });
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (!answer.ok) {
        errorBox.textContent = T.failed + " " + (answer.body.errors || []).join(" ");
        errorBox.hidden = false;
        statusLine.textContent = T.unsaved;
        return;
      }
      dirty = false;
      return load(answer.body).then(function () {
        statusLine.textContent = answer.body.problems.length ? T.savedWithProblems : T.saved;
      });
    })["catch"](function () {
      errorBox.textContent = T.networkError;
      errorBox.hidden = false;
    });
  }

  services.eventBus.on("selection.changed", function (event) {
    selected = event.newSelection.length === 1 ? event.newSelection[0] : null;
    if (selected && selected.type === "label") {
      selected = selected.labelTarget;
    }
    render();
  });
  services.eventBus.on("commandStack.changed", changed);
  services.eventBus.on("element.changed", function (event) {
    var element = event.element;
    var step = steps[element.id];
    var named = step && schema.kinds[step.kind].fields.filter(function (f) {
      return f.name === LABEL_FIELD[step.kind] && (f.type === "char" || f.type === "text");
    }).length;
    if (named && element.businessObject && element.businessObject.name !== undefined) {
      var name = element.businessObject.name || "";
      if (name !== step.settings[LABEL_FIELD[step.kind]]) {
        step.settings[LABEL_FIELD[step.kind]] = name;  // typed on the canvas
        if (selected === element && !panel.contains(document.activeElement)) {
          render();
        }
      }
    }
  });
  document.getElementById("canvas-save").addEventListener("click", save);
  document.getElementById("canvas-fit").addEventListener("click", function () { place(false); });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = T.unsaved;
    }
  });
  load(state).then(function () {
    dirty = false;
    statusLine.textContent = "";
  });
})();
