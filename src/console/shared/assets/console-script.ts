/**
 * The consoles' only first-party script, served as `/console/assets/console.js`. The CSP admits
 * scripts from this origin only, so pages carry no inline code: each chart is a
 * `<script type="application/json" data-chart-for="canvas-id">` block holding a Chart.js
 * configuration, and this script draws them. It is plain ES2017 with no build step, so it is kept
 * here as a string; the browser test runs it.
 */
export const CONSOLE_SCRIPT = `
(function () {
  'use strict';
  var drawn = [];

  function drawCharts() {
    if (typeof window.Chart !== 'function') return;
    var blocks = document.querySelectorAll('script[type="application/json"][data-chart-for]');
    for (var i = 0; i < blocks.length; i += 1) {
      var block = blocks[i];
      var canvas = document.getElementById(block.getAttribute('data-chart-for'));
      if (!canvas || window.Chart.getChart(canvas)) continue;
      var config;
      try {
        config = JSON.parse(block.textContent || '{}');
      } catch (error) {
        continue;
      }
      // No animation: charts must be complete at once for printing and for screenshots.
      config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
      drawn.push(new window.Chart(canvas, config));
    }
  }

  // Paper is narrower than the screen: redraw at print size, then back.
  function resizeAll() {
    for (var i = 0; i < drawn.length; i += 1) drawn[i].resize();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', drawCharts);
  else drawCharts();
  window.addEventListener('beforeprint', resizeAll);
  window.addEventListener('afterprint', resizeAll);
})();
`;
