// The campaign wizard's small behaviours: show what fits the choices, insert variables,
// and keep the phone preview in step with the editor. Everything works without it, too.
(function () {
  "use strict";
  const form = document.getElementById("wizard-form");
  if (!form) return;

  function checkedValue(name) {
    const input = form.querySelector(`input[name="${name}"]:checked`);
    return input ? input.value : "";
  }

  // Audience: show the segment picker or the rule editor for the chosen audience type.
  function syncAudience() {
    const kind = checkedValue("audience-audience_type");
    form.querySelectorAll("[data-audience-panel]").forEach((panel) => {
      panel.hidden = panel.dataset.audiencePanel !== kind;
    });
  }

  // Message: sections that only some message types use.
  function syncMessageType() {
    const kind = checkedValue("message-message_type");
    if (!kind) return;
    form.querySelectorAll("[data-when-type]").forEach((el) => {
      el.hidden = !el.dataset.whenType.split(" ").includes(kind);
    });
  }

  // Scheduling: the date only matters when sending later.
  function syncWhen() {
    const later = checkedValue("scheduling-when") === "later";
    form.querySelectorAll("[data-when-later]").forEach((el) => { el.hidden = !later; });
  }

  // Variable insertion at the caret.
  const insert = document.getElementById("variable-insert");
  if (insert) {
    insert.addEventListener("change", () => {
      const target = document.getElementById(insert.dataset.insertInto);
      if (!target || !insert.value) return;
      const token = `{{${insert.value}}}`;
      const start = target.selectionStart ?? target.value.length;
      const end = target.selectionEnd ?? target.value.length;
      target.value = target.value.slice(0, start) + token + target.value.slice(end);
      target.focus();
      target.selectionStart = target.selectionEnd = start + token.length;
      insert.value = "";
      target.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  // Template choice fills the editor and lists the template's variables.
  const templatesNode = document.getElementById("templates-payload");
  const templates = templatesNode ? JSON.parse(templatesNode.textContent) : {};
  const templateSelect = form.querySelector('select[name="message-template"]');
  const content = form.querySelector('textarea[name="message-message_content"]');
  const varsHelp = document.getElementById("template-variables");
  if (templateSelect && content) {
    templateSelect.addEventListener("change", () => {
      const t = templates[templateSelect.value];
      if (!t) { if (varsHelp) varsHelp.hidden = true; return; }
      content.value = t.body;
      if (varsHelp) {
        const names = (t.variables || []).map((v) => `{{${v.name}}} (e.g. ${v.example || "—"})`);
        varsHelp.textContent = names.length ? `Variables: ${names.join(", ")}` : "No variables.";
        varsHelp.hidden = false;
      }
      content.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  // Phone preview: examples stand in for variables so the marketer sees a real message.
  const preview = form.querySelector("[data-live-preview]");
  const EXAMPLES = { first_name: "Ada", last_name: "Lovelace", full_name: "Ada Lovelace",
    phone: "+44 7700 900123", email: "ada@example.com", country: "GB", timezone: "Europe/London" };
  function exampleFor(name, t) {
    if (t) {
      const v = (t.variables || []).find((x) => String(x.name) === name);
      if (v && v.example) return v.example;
    }
    return EXAMPLES[name] || `[${name}]`;
  }
  function renderPreview() {
    if (!preview || !content) return;
    const t = templateSelect ? templates[templateSelect.value] : null;
    let text = content.value.replace(/\{%[^%]*%\}/g, "");
    text = text.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*(?:\|([^}]*))?\}\}/g,
      (_m, name, fallback) => exampleFor(name, t) || fallback || "");
    preview.querySelector("[data-preview-text]").textContent = text || "Your message appears here.";
    preview.querySelector("[data-preview-header]").textContent = t && t.header ? t.header : "";
    preview.querySelector("[data-preview-footer]").textContent = t && t.footer ? t.footer : "";
    const buttons = preview.querySelector("[data-preview-buttons]");
    buttons.replaceChildren();
    for (let i = 0; i < 3; i++) {
      const label = form.querySelector(`input[name="message-button_${i}_text"]`);
      if (label && label.value.trim()) {
        const b = document.createElement("span");
        b.className = "bubble-button";
        b.textContent = label.value.trim();
        buttons.appendChild(b);
      }
    }
    const media = preview.querySelector("[data-preview-media]");
    const urls = form.querySelector('textarea[name="message-media_urls"]');
    const file = form.querySelector('input[name="message-media_file"]');
    const name = file && file.files && file.files[0] ? file.files[0].name : (urls && urls.value.trim().split("\n")[0]) || "";
    media.hidden = !name;
    media.textContent = name ? `📎 ${name.split("/").pop()}` : "";
  }

  form.addEventListener("input", renderPreview);
  form.addEventListener("change", () => { syncAudience(); syncMessageType(); syncWhen(); renderPreview(); });
  syncAudience(); syncMessageType(); syncWhen(); renderPreview();
})();
