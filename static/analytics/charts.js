// Draws the analytics page's plotly figures. Each chart is an element with
// data-chart="<id>", whose figure ({data, layout, config}) is the JSON of the <script
// type="application/json" id="<id>"> the server wrote beside it (analytics/charts.py).
(function () {
  "use strict";

  var BASE_CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d"],
  };

  function draw(element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source || !window.Plotly) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    var config = Object.assign({}, BASE_CONFIG, figure.config || {});
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      element.dataset.drawn = "true";
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
