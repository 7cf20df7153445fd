// A twin run's small multiple of the gradient-norm meter: one bar per parameter layer (input side
// left), the height its latest gradient norm on a log scale shared by every run of the comparison,
// so the vanishing gradient of one run and the healthy one of its twin read off the same axis.
// A norm that is not finite (a run that diverged) is drawn as a full red bar.

const BAR = "#0877bd";
const BAD = "#c8372d";

/**
 * log10 of the smallest and largest finite, positive latest norm over all runs (a decade at least).
 * @returns {[number, number]}
 */
export function gradRange(runs) {
  const logs = runs.flatMap((r) => Object.values(r.grads)).filter((v) => Number.isFinite(v) && v > 0).map(Math.log10);
  if (!logs.length) return [-1, 1];
  const lo = Math.floor(Math.min(...logs));
  const hi = Math.max(lo + 1, Math.ceil(Math.max(...logs)));
  return [lo, hi];
}

/**
 * Paint `run`'s latest norms (layer order) on `canvas` over [lo, hi] (log10). The canvas's
 * data-norms lists the norms drawn, data-frames counts the paintings (tests read both).
 * @param {HTMLCanvasElement} canvas
 * @param {{grads: Record<string, number>}} run
 * @param {[number, number]} range
 */
export function paintGrads(canvas, run, [lo, hi]) {
  const layers = Object.keys(run.grads).map(Number).sort((a, b) => a - b);
  const ctx = canvas.getContext("2d");
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.strokeStyle = "rgba(0,0,0,0.12)";
  for (let d = lo; d <= hi; d++) {
    const y = height - ((d - lo) / (hi - lo)) * height;
    ctx.beginPath();
    ctx.moveTo(0, y);
    ctx.lineTo(width, y);
    ctx.stroke();
  }
  const slot = width / Math.max(1, layers.length);
  layers.forEach((layer, i) => {
    const v = run.grads[layer];
    const finite = Number.isFinite(v);
    const share = finite && v > 0 ? Math.max(0, Math.min(1, (Math.log10(v) - lo) / (hi - lo))) : finite ? 0 : 1;
    ctx.fillStyle = finite ? BAR : BAD;
    const h = Math.max(1, share * height);
    ctx.fillRect(i * slot + slot * 0.15, height - h, slot * 0.7, h);
  });
  canvas.dataset.norms = layers.map((layer) => String(run.grads[layer])).join(",");
  canvas.dataset.frames = String(Number(canvas.dataset.frames || 0) + 1);
}
