// The message template editor: variable rows that follow the text, the insert menu, button
// rows, character counters and a live phone preview. No libraries. Every piece of user text is
// written with textContent, so HTML typed into a template shows as text.
(function () {
  "use strict";

  var form = document.getElementById("tpl-editor");
  if (!form) return;

  var VARIABLE = /\{\{\s*([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)\s*(?:\|[^{}]*)?\}\}/g;
  var MEDIA = { image: true, video: true, document: true };
  var MAX_BUTTONS = 10;

  var el = function (id) { return document.getElementById(id); };
  var headerType = el("tpl-header-type");
  var headerText = el("tpl-header-text");
  var headerMedia = el("tpl-header-media");
  var body = el("tpl-body");
  var footer = el("tpl-footer");
  var variables = el("tpl-variables");
  var variablesEmpty = el("tpl-variables-empty");
  var buttons = el("tpl-buttons");
  var buttonTemplate = el("tpl-button-template");
  var addButton = el("tpl-add-button");
  var readOnly = form.querySelector("fieldset[disabled]") !== null;

  function namesIn(text) {
    var names = [];
    var match;
    VARIABLE.lastIndex = 0;
    while ((match = VARIABLE.exec(text || "")) !== null) names.push(match[1]);
    return names;
  }

  function variableNames() {
    var names = [];
    var seen = {};
    var sources = [headerType.value === "text" ? headerText.value : "", body.value];
    sources.forEach(function (text) {
      namesIn(text).forEach(function (name) {
        if (!seen[name]) { seen[name] = true; names.push(name); }
      });
    });
    return names;
  }

  function examples() {
    var values = {};
    variables.querySelectorAll(".tpl-var-row").forEach(function (row) {
      values[row.dataset.variable] = row.querySelector("input[name=variable_example]").value;
    });
    return values;
  }

  // Rebuild the example rows only when the set of variables changed, keeping typed values
  // (and the server's error marks) for variables that stay.
  function syncVariables() {
    var names = variableNames();
    var rows = variables.querySelectorAll(".tpl-var-row");
    var current = Array.prototype.map.call(rows, function (row) { return row.dataset.variable; });
    if (current.join("\n") === names.join("\n")) return;
    var kept = {};
    rows.forEach(function (row) { kept[row.dataset.variable] = row; });
    var values = examples();
    variables.textContent = "";
    names.forEach(function (name, index) {
      var row = kept[name];
      if (!row) {
        row = document.createElement("div");
        row.className = "tpl-var-row";
        row.dataset.variable = name;
        var label = document.createElement("label");
        label.append("Example for ");
        var code = document.createElement("code");
        code.textContent = "{{" + name + "}}";
        label.append(code);
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "variable_name";
        hidden.value = name;
        var input = document.createElement("input");
        input.type = "text";
        input.name = "variable_example";
        input.maxLength = 200;
        input.value = values[name] || "";
        row.append(label, hidden, input);
      }
      var field = row.querySelector("input[name=variable_example]");
      field.id = "tpl-var-" + index;
      row.querySelector("label").htmlFor = field.id;
      variables.append(row);
    });
    variablesEmpty.hidden = names.length > 0;
  }

  function substitute(text, values) {
    return (text || "").replace(VARIABLE, function (whole, name) {
      return values[name] ? values[name] : "{{" + name + "}}";
    });
  }

  function show(node, text) {
    node.textContent = text;
    node.hidden = !text;
  }

  function renderPreview() {
    var values = examples();
    var kind = headerType.value;
    show(el("tpl-p-header"), kind === "text" ? substitute(headerText.value.trim(), values) : "");
    var media = el("tpl-p-media");
    media.hidden = !MEDIA[kind];
    el("tpl-p-media-kind").textContent = kind;
    el("tpl-p-media-url").textContent = MEDIA[kind] ? headerMedia.value.trim() : "";
    el("tpl-p-body").textContent = substitute(body.value.trim(), values);
    show(el("tpl-p-footer"), footer.value.trim());
    var list = el("tpl-p-buttons");
    list.textContent = "";
    buttons.querySelectorAll(".tpl-button-row").forEach(function (row) {
      var text = row.querySelector(".tpl-btn-text").value.trim();
      if (!text) return;
      var item = document.createElement("li");
      item.className = "tpl-p-button tpl-p-button-" + row.querySelector(".tpl-btn-type").value;
      item.textContent = text;
      list.append(item);
    });
  }

  function syncHeader() {
    var kind = headerType.value;
    form.querySelectorAll("[data-header-kind]").forEach(function (row) {
      var wanted = row.dataset.headerKind === "text" ? kind === "text" : !!MEDIA[kind];
      row.hidden = !wanted;
    });
  }

  function syncCounters() {
    form.querySelectorAll("[data-counter-for]").forEach(function (counter) {
      var field = el(counter.dataset.counterFor);
      var max = parseInt(counter.dataset.max, 10);
      var length = Array.from(field.value.trim()).length;  // code points, as the server counts
      counter.textContent = length + " / " + max;
      counter.classList.toggle("tpl-over", length > max);
    });
  }

  var VALUE_HINTS = {
    quickreply: "Payload (optional)",
    url: "https://example.com/offer",
    call: "+14155550123",
  };

  function syncButtons() {
    var rows = buttons.querySelectorAll(".tpl-button-row");
    rows.forEach(function (row, index) {
      var number = index + 1;
      ["type", "text", "value"].forEach(function (part) {
        var field = row.querySelector(".tpl-btn-" + part);
        field.id = "tpl-btn-" + part + "-" + index;
        var label = field.previousElementSibling;
        if (label && label.tagName === "LABEL") {
          label.htmlFor = field.id;
          label.textContent = "Button " + number + " " +
            (part === "value" ? "link, phone or payload" : part);
        }
      });
      row.querySelector(".tpl-btn-value").placeholder =
        VALUE_HINTS[row.querySelector(".tpl-btn-type").value] || "";
      row.querySelector(".tpl-btn-remove").setAttribute("aria-label", "Remove button " + number);
    });
    addButton.disabled = readOnly || rows.length >= MAX_BUTTONS;
  }

  function update() {
    syncVariables();
    syncCounters();
    renderPreview();
  }

  // --- the insert-variable menu -------------------------------------------------------------
  var toggle = el("tpl-insert-toggle");
  var menu = el("tpl-insert-menu");
  var nextItem = el("tpl-insert-next");

  function nextNumber() {
    var highest = 0;
    [headerText.value, body.value].forEach(function (text) {
      namesIn(text).forEach(function (name) {
        if (/^\d+$/.test(name)) highest = Math.max(highest, parseInt(name, 10));
      });
    });
    return highest + 1;
  }

  function openMenu(open) {
    menu.hidden = !open;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      nextItem.querySelector("code").textContent = "{{" + nextNumber() + "}}";
      nextItem.focus();
    }
  }

  function insertAtCursor(field, text) {
    var start = field.selectionStart;
    var end = field.selectionEnd;
    if (typeof start !== "number") { start = end = field.value.length; }
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.focus();
    field.selectionStart = field.selectionEnd = start + text.length;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  toggle.addEventListener("click", function () { openMenu(menu.hidden); });
  menu.addEventListener("click", function (event) {
    var item = event.target.closest("[data-insert]");
    if (!item) return;
    var name = item.dataset.insert === "next" ? String(nextNumber()) : item.dataset.insert;
    openMenu(false);
    insertAtCursor(body, "{{" + name + "}}");
  });
  menu.addEventListener("keydown", function (event) {
    var items = Array.prototype.slice.call(menu.querySelectorAll("[role=menuitem]"));
    var index = items.indexOf(document.activeElement);
    if (event.key === "Escape") { openMenu(false); toggle.focus(); event.preventDefault(); }
    if (event.key === "ArrowDown") { items[(index + 1) % items.length].focus(); event.preventDefault(); }
    if (event.key === "ArrowUp") {
      items[(index - 1 + items.length) % items.length].focus();
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    if (!menu.hidden && !el("tpl-insert").contains(event.target)) openMenu(false);
  });

  // --- buttons --------------------------------------------------------------------------------
  addButton.addEventListener("click", function () {
    if (buttons.querySelectorAll(".tpl-button-row").length >= MAX_BUTTONS) return;
    var row = buttonTemplate.content.firstElementChild.cloneNode(true);
    buttons.append(row);
    syncButtons();
    row.querySelector(".tpl-btn-text").focus();
    renderPreview();
  });
  buttons.addEventListener("click", function (event) {
    var remove = event.target.closest(".tpl-btn-remove");
    if (!remove) return;
    remove.closest(".tpl-button-row").remove();
    syncButtons();
    renderPreview();
    addButton.focus();
  });
  buttons.addEventListener("change", function (event) {
    if (event.target.classList.contains("tpl-btn-type")) { syncButtons(); renderPreview(); }
  });

  headerType.addEventListener("change", function () { syncHeader(); update(); });
  form.addEventListener("input", update);

  syncHeader();
  syncButtons();
  syncVariables();
  syncCounters();
})();
