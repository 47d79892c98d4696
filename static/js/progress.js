// Progress bars (<div class="progress" aria-valuenow="N"><span></span></div>): the inner
// bar's width is set here from aria-valuenow, because the CSP refuses style="" attributes
// while a script may set element.style. A MutationObserver fills the bars that htmx swaps in
// (live stats, import and queue polling) before they are painted, so they never flash empty.
(function () {
  "use strict";
  const BAR = ".progress[aria-valuenow]";

  function fill(bar) {
    const inner = bar.firstElementChild;
    const value = Math.min(100, Math.max(0, parseFloat(bar.getAttribute("aria-valuenow")) || 0));
    if (inner) inner.style.width = `${value}%`;
  }

  function fillWithin(node) {
    if (!(node instanceof Element)) return;
    if (node.matches(BAR)) fill(node);
    node.querySelectorAll(BAR).forEach(fill);
  }

  fillWithin(document.documentElement);
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") fillWithin(record.target);
      record.addedNodes.forEach(fillWithin);
    }
  }).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["aria-valuenow"],
  });
})();
