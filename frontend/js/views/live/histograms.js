// View "histograms": TensorBoard-style distributions. For every layer, the percentiles of each
// parameter, of its gradient and of the layer's outputs, kept against the step as they arrive and
// drawn as nested bands (the whole range, then the middle 87 %, 68 % and 38 %) around the median.
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import * as S from "../../state.js";
import { t, tOr, lang } from "../../i18n.js";
import { viewLayers } from "../../live_views.js";

export const place = "tab";
export const titleKey = "view.histograms";

/** Snapshots kept per series; past it, every second older one goes (the newest half stays whole). */
const MAX_SNAPSHOTS = 400;

export function createStore() {
  return { series: new Map() };
}

/** Series key: "output/2", "weight/0/W", "grad/0/W". */
function keyOf(header) {
  const kind = header.name === "weight_percentiles" ? "weight" : header.name === "grad_percentiles" ? "grad" : "output";
  return header.param ? `${kind}/${header.layer}/${header.param}` : `${kind}/${header.layer}`;
}

export function accumulate(store, header, data) {
  const key = keyOf(header);
  let series = store.series.get(key);
  if (!series) {
    series = { steps: [], values: [], seq: 0 };
    store.series.set(key, series);
  }
  const n = series.steps.length;
  if (n && header.step <= series.steps[n - 1]) {
    series.values[n - 1] = Float32Array.from(data); // the same step again: the newest wins
  } else {
    series.steps.push(header.step);
    series.values.push(Float32Array.from(data));
  }
  if (series.steps.length > MAX_SNAPSHOTS) {
    const half = series.steps.length >> 1;
    const keep = (arr) => arr.filter((_, i) => i >= half || i % 2 === 0);
    series.steps = keep(series.steps);
    series.values = keep(series.values);
  }
  series.seq += 1;
}

const BAND_ALPHAS = [0.16, 0.28, 0.42, 0.6];

/** Draw the bands of one series (percentiles in ascending order, 9 of them) against the step. */
function paintBands(canvas, series, colour) {
  const width = 180;
  const height = 64;
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, width, height);
  const n = series.steps.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of series.values) {
    for (const x of v) {
      if (Number.isFinite(x)) {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
  }
  if (!Number.isFinite(lo)) return null;
  if (hi - lo < 1e-9) {
    hi += 0.5;
    lo -= 0.5;
  }
  const first = series.steps[0];
  const last = series.steps[n - 1];
  const px = (s) => (n === 1 ? width / 2 : ((s - first) / (last - first)) * (width - 2) + 1);
  const py = (v) => height - 1 - ((v - lo) / (hi - lo)) * (height - 2);
  const k = series.values[0].length;
  const pairs = Math.floor(k / 2);
  for (let b = 0; b < pairs; b++) {
    ctx.fillStyle = colour;
    ctx.globalAlpha = BAND_ALPHAS[Math.min(b, BAND_ALPHAS.length - 1)];
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      const x = px(series.steps[i]);
      const y = py(series.values[i][k - 1 - b]);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    for (let i = n - 1; i >= 0; i--) ctx.lineTo(px(series.steps[i]), py(series.values[i][b]));
    ctx.closePath();
    if (n === 1) ctx.fillRect(px(first) - 2, py(series.values[0][k - 1 - b]), 4, py(series.values[0][b]) - py(series.values[0][k - 1 - b]));
    else ctx.fill();
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    const x = px(series.steps[i]);
    const y = py(series.values[i][pairs]);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.stroke();
  return { lo, hi, first, last };
}

function fmt(v) {
  return Number.isFinite(v) ? (v !== 0 && (Math.abs(v) < 0.01 || Math.abs(v) >= 1000) ? v.toExponential(1) : v.toPrecision(3)) : String(v);
}

const COLOURS = { weight: "#0877bd", grad: "#c8372d", output: "#2f9e5b" };

/** The parameters of a layer type, as the weights download names them. */
function paramsOf(spec) {
  switch (spec.type) {
    case "dense":
    case "conv2d":
      return spec.use_bias === false ? ["W"] : ["W", "b"];
    case "simple_rnn":
      return ["W_x", "W_h", "b"];
    case "batch_norm":
      return ["gamma", "beta"];
    default:
      return [];
  }
}

export function Panel() {
  const rootRef = useRef(null);
  const state = S.session.value;
  const loaded = S.viewModules.value.get("histograms");
  const layers = state && loaded ? viewLayers(loaded.entry, state) : [];
  const language = lang.value;
  const key = state ? JSON.stringify([state.generation, state.model, language]) : "";

  useEffect(() => {
    const root = rootRef.current;
    if (!root || !state) return undefined;
    const drawn = new Map();
    let frames = 0;
    return S.frames.onFrame(() => {
      const store = S.viewStores.stores.get("histograms");
      if (!store) return;
      let drew = false;
      for (const canvas of root.querySelectorAll("canvas[data-series]")) {
        const series = store.series.get(canvas.dataset.series);
        if (!series || drawn.get(canvas) === series.seq) continue;
        drawn.set(canvas, series.seq);
        const range = paintBands(canvas, series, COLOURS[canvas.dataset.kind]);
        const label = root.querySelector(`[data-range="${canvas.dataset.series}"]`);
        if (label && range) label.textContent = `${fmt(range.lo)} … ${fmt(range.hi)}`;
        const steps = root.querySelector(`[data-steps="${canvas.dataset.series}"]`);
        if (steps && range) steps.textContent = t("hist.steps", { a: range.first, b: range.last });
        canvas.hidden = false;
        canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1); // tests read it once painted
        drew = true;
      }
      if (drew) root.dataset.frames = String(++frames);
    });
  }, [key]);

  if (!state) return null;
  const chart = (series, kind, title) => html`<figure class="hist-chart">
    <figcaption><span>${title}</span> <code class="hint" data-range=${series}></code></figcaption>
    <canvas class="hist-canvas" data-series=${series} data-kind=${kind} data-testid="hist-canvas" hidden></canvas>
    <span class="hint hist-steps" data-steps=${series}></span>
  </figure>`;
  return html`<div class="panel-body hist-panel" ref=${rootRef} data-testid="hist-view" data-frames="0">
    <p class="hint">${t("hist.hint")}</p>
    ${layers.map((i) => {
      const spec = state.model.layers[i];
      return html`<section class="hist-layer" key=${i}>
        <h3 class="sub-title">${t("hist.title", { n: i + 1, type: tOr(`layer.${spec.type}`, spec.type) })}</h3>
        <div class="hist-grid">
          ${paramsOf(spec).map((p) => [
            chart(`weight/${i}/${p}`, "weight", t("hist.weights", { param: p })),
            chart(`grad/${i}/${p}`, "grad", t("hist.grads", { param: p })),
          ])}
          ${chart(`output/${i}`, "output", t("hist.outputs"))}
        </div>
      </section>`;
    })}
  </div>`;
}
