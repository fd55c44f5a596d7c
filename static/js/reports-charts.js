/* Draws the report dashboard's charts with ECharts (served from our static files; no CDN).
   Each chart's data is a JSON block (json_script) beside its table; nothing inline runs. */
(function () {
  "use strict";
  function draw(el) {
    var data = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    if (!window.echarts || !data.categories.length) { return; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var stack = data.kind === "stack";
    var type = data.kind === "line" ? "line" : "bar";
    chart.setOption({
      animation: false,
      color: data.colors || ["#b22222", "#2f6fb0", "#d4a017", "#2e8b57", "#7b5ea7"],
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: data.series.map(function (s) { return s.name; }) },
      grid: { left: 40, right: 16, top: 36, bottom: 56, containLabel: true },
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 6 ? 35 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: type, data: s.data, stack: stack ? "all" : undefined,
                 label: { show: data.categories.length <= 12 && !stack, position: "top" } };
      })
    });
    el.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function start() {
    var els = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < els.length; i++) { draw(els[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
