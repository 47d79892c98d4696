// Asks before a form marked data-confirm="Question?" is sent (delete, revoke, publish, ...).
// One listener for the whole page, loaded by base.html, so every such form (also those htmx
// swaps in) is covered without an inline onsubmit handler, which the CSP refuses. Without
// JavaScript the form posts directly.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
