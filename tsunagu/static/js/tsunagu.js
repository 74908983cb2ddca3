/* Tsunagu's own behaviour, kept small and static (the Content-Security-Policy allows no inline code).
 *
 * Alpine is the CSP build: components are registered here with Alpine.data() and templates only name
 * them (x-data="printButton", @click="print"); no expression is ever evaluated from an attribute.
 * htmx is configured by the <meta name="htmx-config"> tag of base.html (no eval, no injected styles,
 * no history cache of pages that hold personal data).
 */
(function () {
  "use strict";

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;

    // A button that prints the page (the print stylesheet shapes the A4 layout).
    Alpine.data("printButton", function () {
      return {
        print: function () {
          window.print();
        },
      };
    });

    // A bar chart drawn by ECharts from a <script type="application/json"> block named by
    // data-source ({labels: [...], values: [...]}). The same figures are always in a table next to
    // the chart, so the chart itself is hidden from assistive technology.
    Alpine.data("barChart", function () {
      // The ECharts instance stays out of Alpine's reactive data: wrapped in Alpine's proxy, its
      // internals break ("Cannot read properties of undefined (reading 'type')").
      var chart = null;
      return {
        init: function () {
          var el = this.$el;
          var source = document.getElementById(el.dataset.source || "");
          if (!source || !window.echarts) {
            return;
          }
          var data = JSON.parse(source.textContent);
          var styles = getComputedStyle(document.documentElement);
          var colour = styles.getPropertyValue("--affairs").trim() || "#1f4fb6";
          // One line: a font list with line breaks is refused by the canvas that measures labels.
          var font = styles.getPropertyValue("--font").replace(/\s+/g, " ").trim();
          // One bar per row: the chart grows with the number of schools (a ward has about 90).
          el.style.height = Math.max(240, data.labels.length * 26 + 64) + "px";
          chart = window.echarts.init(el, null, { renderer: "svg" });
          chart.setOption({
            animation: false,
            textStyle: { fontFamily: font, fontSize: 13, color: "#1b2430" },
            // A fixed label column: ECharts measures labels before the web font has loaded and
            // would cut them off; long names are shortened with an ellipsis instead.
            grid: { left: 150, right: 32, top: 24, bottom: 32 },
            tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
            xAxis: { type: "value", minInterval: 1 },
            yAxis: {
              type: "category",
              data: data.labels,
              inverse: true,
              axisLabel: { width: 136, overflow: "truncate" },
            },
            series: [{ type: "bar", data: data.values, itemStyle: { color: colour }, barMaxWidth: 28 }],
          });
          window.addEventListener("resize", function () {
            chart.resize();
          });
        },
      };
    });
  });
})();
