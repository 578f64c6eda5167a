// The 调度 view's charts. Data comes from the page's JSON endpoint (data-url), never from an
// inline script: the Content-Security-Policy allows only our own static scripts.
(function () {
  "use strict";
  const COLOURS = { red: "#dc3545", yellow: "#ffc107", green: "#198754", done: "#6c757d" };

  document.addEventListener("change", function (event) {
    const select = event.target.closest("select[data-navigate]");
    if (select) {
      window.location.assign(select.value);
    }
  });

  const holder = document.getElementById("dashboard-data");
  if (!holder || typeof window.Chart === "undefined") {
    return;
  }

  // Long Chinese labels wrap onto several lines on a phone instead of being cut off.
  function wrap(label) {
    const size = window.innerWidth < 576 ? 8 : 16;
    if (label.length <= size) {
      return label;
    }
    const lines = [];
    for (let start = 0; start < label.length; start += size) {
      lines.push(label.slice(start, start + size));
    }
    return lines;
  }

  function drawActions(data) {
    const canvas = document.getElementById("chart-actions");
    const keys = ["red", "yellow", "green", "done"];
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.actions.map(function (a) { return wrap(a.label); }),
        datasets: keys.map(function (key) {
          return {
            label: data.light_labels[key],
            data: data.actions.map(function (a) { return a[key]; }),
            backgroundColor: COLOURS[key],
          };
        }),
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false,
        scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } },
      },
    });
  }

  function drawIndicators(data) {
    const canvas = document.getElementById("chart-indicators");
    const perBar = window.innerWidth < 576 ? 46 : 28;
    canvas.parentElement.style.height = Math.max(240, data.indicators.length * perBar + 60) + "px";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.indicators.map(function (i) { return wrap(i.label); }),
        datasets: [
          {
            label: "完成率",
            data: data.indicators.map(function (i) { return i.progress; }),
            backgroundColor: data.indicators.map(function (i) { return COLOURS[i.light] || COLOURS.done; }),
          },
          {
            label: "序时进度",
            data: data.indicators.map(function (i) { return i.expected; }),
            backgroundColor: "rgba(13,110,253,0.25)",
          },
        ],
      },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false,
                 scales: { x: { min: 0, max: 150 },
                           y: { ticks: { autoSkip: false, font: { size: 11 } } } } },
    });
  }

  fetch(holder.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      drawActions(data);
      drawIndicators(data);
      holder.setAttribute("data-drawn", "1");
    });
})();
