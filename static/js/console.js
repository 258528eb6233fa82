// Draws the staff console's charts (a model's training curve, tracking's events per minute)
// from the JSON that each page embeds; the site's CSP allows no inline scripts.
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  var read = function (id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  };

  var curve = read("model-training-data");
  var curveCanvas = document.getElementById("model-training-chart");
  if (curve && curveCanvas) {
    var hasValidation = curve.validation.some(function (value) { return value !== null; });
    var datasets = [{
      label: curve.labels.loss, data: curve.loss, yAxisID: "loss",
      borderColor: "#0f5c4d", backgroundColor: "#0f5c4d", tension: 0.2
    }];
    var scales = {
      x: { title: { display: true, text: curve.labels.epoch } },
      loss: { type: "linear", position: "left", title: { display: true, text: curve.labels.loss } }
    };
    if (hasValidation) {
      datasets.push({
        label: curve.labels.validation, data: curve.validation, yAxisID: "validation", spanGaps: true,
        borderColor: "#d1242f", backgroundColor: "#d1242f", tension: 0.2
      });
      scales.validation = {
        type: "linear", position: "right", grid: { drawOnChartArea: false },
        title: { display: true, text: curve.labels.validation }
      };
    }
    new Chart(curveCanvas, {
      type: "line",
      data: { labels: curve.epochs, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "index", intersect: false }, scales: scales
      }
    });
  }

  var events = read("tracking-events-data");
  var eventsCanvas = document.getElementById("tracking-events-chart");
  if (events && eventsCanvas) {
    new Chart(eventsCanvas, {
      type: "bar",
      data: {
        labels: events.labels,
        datasets: [{ label: events.label, data: events.events, backgroundColor: "#0f5c4d" }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        // Drawn at once: a figure staff read (and a screenshot keeps) is never a frame of a growing bar.
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }
})();
