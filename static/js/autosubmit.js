// A <select data-autosubmit> sends its form as soon as a choice is made (the account
// switcher). requestSubmit() fires the submit event, so data-confirm still applies; a
// <noscript> button beside the select does the same without JavaScript.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit();
  }
});
