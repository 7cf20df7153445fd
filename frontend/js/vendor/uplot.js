// uPlot as an ES module. uPlot ships its minified build only as a classic script (dist/uPlot.iife.min.js,
// 51 KB against the 145 KB of dist/uPlot.esm.js), which index.html loads before any module runs and
// which defines the global `uPlot`; this module hands it on, so views import it like any other.
const uPlot = globalThis.uPlot;
if (typeof uPlot !== "function") throw new Error("uPlot did not load (index.html loads dist/uPlot.iife.min.js)");
export default uPlot;
