// <button data-copy="ID"> copies the value of the field with that id and says so on the
// button; <input data-select-on-focus> selects its whole value when focused, for copying by
// hand. Used for a new API key, which is shown only once.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
  const field = button && document.getElementById(button.dataset.copy);
  if (!field) return;
  const selectForHand = (label) => {
    field.focus();
    field.select();
    button.textContent = label;
  };
  if (!navigator.clipboard) {
    selectForHand("Selected: press Ctrl+C");
    return;
  }
  navigator.clipboard.writeText(field.value).then(
    () => { button.textContent = "Copied"; },
    () => selectForHand("Selected: press Ctrl+C"),
  );
});

document.addEventListener("focusin", (event) => {
  const field = event.target;
  if (field instanceof HTMLInputElement && field.hasAttribute("data-select-on-focus")) {
    field.select();
  }
});
