// The printable report's Print button (<button data-print>): the CSP refuses inline handlers.
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
  });
})();
