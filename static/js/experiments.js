// Draws the charts of an experiment's results page from the JSON that the page embeds.
(function () {
  "use strict";
  var source = document.getElementById("experiment-chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  // Axis and legend texts come translated with the data; the English ones are for older pages.
  var text = data.text || {
    cumulative_conversion: "Cumulative conversion", interval: "95% interval", lift: "Lift",
    lift_on: "Lift on " + data.lift.metric
  };
  var palette = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#0a7ea4"];
  var asPercent = function (value) { return (value * 100).toFixed(1) + "%"; };

  var conversionCanvas = document.getElementById("experiment-conversion-chart");
  if (conversionCanvas) {
    new Chart(conversionCanvas, {
      type: "line",
      data: {
        labels: data.conversion.labels,
        datasets: data.conversion.series.map(function (series, index) {
          return {
            label: series.label,
            data: series.data,
            borderColor: palette[index % palette.length],
            backgroundColor: palette[index % palette.length],
            spanGaps: true,
            tension: 0.2
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: { y: { ticks: { callback: asPercent }, title: { display: true, text: text.cumulative_conversion } } },
        plugins: { tooltip: { callbacks: { label: function (item) { return item.dataset.label + ": " + asPercent(item.parsed.y); } } } }
      }
    });
  }

  var liftCanvas = document.getElementById("experiment-lift-chart");
  if (liftCanvas) {
    new Chart(liftCanvas, {
      type: "bar",
      data: {
        labels: data.lift.labels,
        datasets: [
          { type: "bar", label: text.interval, data: data.lift.interval, backgroundColor: "rgba(31, 111, 235, 0.25)", borderColor: "#1f6feb", borderWidth: 1 },
          { type: "line", label: text.lift, data: data.lift.estimate, showLine: false, pointRadius: 6, borderColor: "#111", backgroundColor: "#111" }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: "x",
        scales: { y: { ticks: { callback: asPercent }, title: { display: true, text: text.lift_on } } }
      }
    });
  }
})();
