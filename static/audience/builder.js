/* The filter builder: edits a filter tree held (as JSON) in a form field.
 *
 * One component for every page that edits filters (the segment page, the campaign wizard's
 * "Custom filters" audience): templates/audience/segments/_builder.html renders a box
 * [data-filter-builder] whose data-input names the field and data-config the JSON script of
 * its configuration (fields, segments, campaigns, tags). The tree is the API's:
 * {op: "and"|"or", not: bool, rules: [rule | group]}. Every change rewrites the field and
 * fires "filters-changed" on it (it bubbles), on which the page counts the audience; the
 * server is the only judge of validity and names rules the way the builder labels them
 * ("Rule 2.1").
 */
(function () {
  "use strict";

  function builder(root) {
    var configNode = document.getElementById(root.dataset.config);
    var textarea = document.getElementById(root.dataset.input);
    if (!configNode || !textarea) return;

    var config = JSON.parse(configNode.textContent);
    var readonly = root.dataset.readonly === "true";
    var fields = {};
    config.fields.forEach(function (f) { fields[f.name] = f; });
    var VALUELESS = { exists: 1, not_exists: 1, is_empty: 1 };
    var uid = 0;
    var prefix = root.id + "-";
    var tagsId = prefix + "tags";
    var tree;

    function parseTree() {
      try {
        var parsed = JSON.parse(textarea.value || "{}");
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
          if (!Array.isArray(parsed.rules)) parsed.rules = [];
          if (parsed.op !== "or") parsed.op = "and";
          return parsed;
        }
      } catch (e) { /* fall through: keep what the person typed, show an empty builder */ }
      return null;
    }

    function save() {
      textarea.value = JSON.stringify(tree, null, 2);
      textarea.dispatchEvent(new Event("filters-changed", { bubbles: true }));
    }

    function el(tag, attrs, children) {
      var node = document.createElement(tag);
      Object.keys(attrs || {}).forEach(function (k) {
        if (k === "text") node.textContent = attrs[k];
        else if (k === "className") node.className = attrs[k];
        else node.setAttribute(k, attrs[k]);
      });
      (children || []).forEach(function (c) { if (c) node.appendChild(c); });
      if (readonly && /^(INPUT|SELECT|BUTTON)$/.test(tag.toUpperCase())) node.disabled = true;
      return node;
    }

    function select(label, options, value, onChange) {
      var id = prefix + (++uid);
      var s = el("select", { id: id, "aria-label": label });
      options.forEach(function (o) {
        var opt = el("option", { value: String(o.value), text: o.label });
        if (String(o.value) === String(value)) opt.selected = true;
        s.appendChild(opt);
      });
      s.addEventListener("change", function () { onChange(s.value); });
      return s;
    }

    function input(type, label, value, onChange, extra) {
      var i = el("input", Object.assign({ type: type, "aria-label": label }, extra || {}));
      if (value !== undefined && value !== null) i.value = value;
      i.addEventListener("input", function () { onChange(i.value); });
      return i;
    }

    function defaultValue(field, operator) {
      if (!field || VALUELESS[operator]) return undefined;
      if (field.type === "boolean") return true;
      if (field.type === "tags" || operator === "in" || operator === "not_in") return [];
      if (operator === "between") return ["", ""];
      if (field.type === "segment") return config.segments.length ? config.segments[0].id : "";
      if (field.type === "engagement") return { withinDays: 30 };
      return "";
    }

    function number(v) { return v === "" || isNaN(Number(v)) ? v : Number(v); }
    function list(v) { return v.split(",").map(function (s) { return s.trim(); }).filter(Boolean); }

    function valueWidgets(rule, field, label) {
      var op = rule.operator;
      var wrap = el("span", { className: "builder-value" });
      if (!field || VALUELESS[op]) return wrap;
      var set = function (v) { rule.value = v; save(); };
      var type = field.type;
      if (type === "boolean") {
        wrap.appendChild(select(label + " value", [{ value: "true", label: "yes" }, { value: "false", label: "no" }],
          String(rule.value), function (v) { set(v === "true"); }));
      } else if (type === "tags" || op === "in" || op === "not_in") {
        var current = Array.isArray(rule.value) ? rule.value.join(", ") : (rule.value || "");
        var extra = { placeholder: type === "tags" ? "vip, newsletter" : "a, b, c" };
        if (type === "tags") extra.list = tagsId;
        wrap.appendChild(input("text", label + " values (comma-separated)", current, function (v) { set(list(v)); }, extra));
      } else if (type === "segment") {
        var segs = config.segments.map(function (s) { return { value: s.id, label: s.name }; });
        if (!segs.length) segs = [{ value: "", label: "(no other segment)" }];
        wrap.appendChild(select(label + " segment", segs, rule.value, function (v) { set(number(v)); }));
      } else if (type === "engagement") {
        var val = rule.value && typeof rule.value === "object" ? rule.value : { withinDays: 30 };
        var mode = "campaignId" in val ? "campaign" : "days";
        wrap.appendChild(select(label + " when", [{ value: "days", label: "in the last … days" }, { value: "campaign", label: "in campaign" }],
          mode, function (m) {
            rule.value = m === "campaign" ? { campaignId: config.campaigns.length ? config.campaigns[0].id : "" } : { withinDays: 30 };
            save(); render();
          }));
        if (mode === "campaign") {
          var camps = config.campaigns.map(function (c) { return { value: c.id, label: c.name }; });
          if (!camps.length) camps = [{ value: "", label: "(no campaign)" }];
          wrap.appendChild(select(label + " campaign", camps, val.campaignId, function (v) { set({ campaignId: number(v) }); }));
        } else {
          wrap.appendChild(input("number", label + " days", val.withinDays, function (v) { set({ withinDays: number(v) }); }, { min: "1" }));
        }
      } else {
        var kind = type === "number" ? "number" : (type === "date" ? "date" : "text");
        if (op === "within_last_days" || op === "more_than_days_ago") kind = "days";
        var convert = (kind === "number" || kind === "days") ? number : function (v) { return v; };
        var htmlType = kind === "days" ? "number" : kind;
        if (op === "between") {
          var pair = Array.isArray(rule.value) ? rule.value.slice(0, 2) : ["", ""];
          wrap.appendChild(input(htmlType, label + " from", pair[0], function (v) { pair[0] = convert(v); set(pair.slice()); }, { step: "any" }));
          wrap.appendChild(el("span", { text: "and", className: "muted" }));
          wrap.appendChild(input(htmlType, label + " to", pair[1], function (v) { pair[1] = convert(v); set(pair.slice()); }, { step: "any" }));
        } else {
          var attrs = kind === "days" ? { min: "0" } : (kind === "number" ? { step: "any" } : {});
          wrap.appendChild(input(htmlType, label + " value", rule.value, function (v) { set(convert(v)); }, attrs));
          if (kind === "days") wrap.appendChild(el("span", { text: "days", className: "muted" }));
        }
      }
      return wrap;
    }

    function renderRule(rule, parent, index, label) {
      var field = fields[rule.field];
      var fieldOptions = config.fields.map(function (f) { return { value: f.name, label: f.label }; });
      if (!field) fieldOptions.unshift({ value: rule.field || "", label: rule.field ? "(unknown: " + rule.field + ")" : "Choose a field" });
      var row = el("div", { className: "builder-rule", "data-label": label });
      row.appendChild(el("span", { className: "builder-label", text: label }));
      row.appendChild(select(label + " field", fieldOptions, rule.field || "", function (name) {
        var f = fields[name];
        rule.field = name;
        rule.operator = f ? f.operators[0].value : "";
        rule.value = defaultValue(f, rule.operator);
        if (rule.value === undefined) delete rule.value;
        save(); render();
      }));
      var ops = field ? field.operators : [];
      row.appendChild(select(label + " operator", ops, rule.operator, function (op) {
        var before = rule.operator;
        rule.operator = op;
        var shapeChanged = VALUELESS[op] || VALUELESS[before] || op === "between" || before === "between" ||
          op === "in" || op === "not_in" || before === "in" || before === "not_in" ||
          /days/.test(op) !== /days/.test(before);
        if (shapeChanged) {
          rule.value = defaultValue(field, op);
          if (rule.value === undefined) delete rule.value;
        }
        save(); render();
      }));
      row.appendChild(valueWidgets(rule, field, label));
      if (!readonly) {
        var remove = el("button", { type: "button", className: "btn btn-small btn-link", "aria-label": "Remove " + label, text: "Remove" });
        remove.addEventListener("click", function () { parent.rules.splice(index, 1); save(); render(); });
        row.appendChild(remove);
      }
      return row;
    }

    function renderGroup(group, parent, index, label, depth) {
      var box = el("div", { className: "builder-group" + (depth === 1 ? " builder-root" : ""), role: "group", "aria-label": label || "All rules" });
      var head = el("div", { className: "builder-group-head" });
      if (label) head.appendChild(el("span", { className: "builder-label", text: label }));
      head.appendChild(el("span", { text: "Match", className: "muted" }));
      head.appendChild(select((label || "Root") + " match", [{ value: "and", label: "all of" }, { value: "or", label: "any of" }],
        group.op || "and", function (v) { group.op = v; save(); }));
      var notId = prefix + (++uid);
      var not = el("input", { type: "checkbox", id: notId });
      not.checked = !!group.not;
      not.addEventListener("change", function () { group.not = not.checked; save(); });
      head.appendChild(not);
      head.appendChild(el("label", { for: notId, text: "exclude these (NOT)" }));
      box.appendChild(head);

      var children = el("div", { className: "builder-children" });
      (group.rules || []).forEach(function (child, i) {
        var childLabel = (label ? label + "." : "Rule ") + (i + 1);
        if (child && (Array.isArray(child.rules) || (child.op && !child.field))) {
          if (!Array.isArray(child.rules)) child.rules = [];
          children.appendChild(renderGroup(child, group, i, childLabel, depth + 1));
        } else {
          children.appendChild(renderRule(child || {}, group, i, childLabel));
        }
      });
      box.appendChild(children);

      if (!readonly) {
        var actions = el("div", { className: "builder-actions" });
        var addRule = el("button", { type: "button", className: "btn btn-small", text: "+ Rule", "aria-label": "Add a rule to " + (label || "the filter") });
        addRule.addEventListener("click", function () {
          var f = config.fields[0];
          group.rules.push({ field: f.name, operator: f.operators[0].value, value: defaultValue(f, f.operators[0].value) });
          save(); render();
        });
        actions.appendChild(addRule);
        if (depth < config.maxDepth) {
          var addGroup = el("button", { type: "button", className: "btn btn-small", text: "+ Group", "aria-label": "Add a group to " + (label || "the filter") });
          addGroup.addEventListener("click", function () {
            var f = config.fields[0];
            group.rules.push({ op: "or", not: false, rules: [{ field: f.name, operator: f.operators[0].value, value: defaultValue(f, f.operators[0].value) }] });
            save(); render();
          });
          actions.appendChild(addGroup);
        }
        if (parent) {
          var removeGroup = el("button", { type: "button", className: "btn btn-small btn-link", text: "Remove group", "aria-label": "Remove " + label });
          removeGroup.addEventListener("click", function () { parent.rules.splice(index, 1); save(); render(); });
          actions.appendChild(removeGroup);
        }
        box.appendChild(actions);
      }
      return box;
    }

    function render() {
      root.innerHTML = "";
      if (tree === null) {
        root.appendChild(el("p", { className: "field-error", text: "The JSON below is not a filter tree; fix it to edit rules here." }));
        return;
      }
      root.appendChild(renderGroup(tree, null, 0, "", 1));
    }

    var datalist = el("datalist", { id: tagsId });
    config.tags.forEach(function (t) { datalist.appendChild(el("option", { value: t })); });
    root.after(datalist);

    textarea.addEventListener("change", function () { tree = parseTree(); render(); });
    tree = parseTree() || { op: "and", not: false, rules: [] };
    render();
  }

  document.querySelectorAll("[data-filter-builder]").forEach(builder);
})();
