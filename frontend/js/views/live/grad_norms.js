// View "grad_norms": the vanishing/exploding meter. Always on screen (the strip under the columns)
// while the network has a layer with parameters: the L2 norm of each layer's parameter gradient at
// every training step on a log scale, the norm of all of them together before (solid) and after
// (dashed) clipping, the clipping threshold as a line and the steps where clipping acted marked
// underneath. Records are thinned series (see series_store.js), gathered as they arrive.
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import * as S from "../../state.js";
import { t, tOr, lang } from "../../i18n.js";
import { viewLayers } from "../../live_views.js";
import { createSeriesTable, putSeries } from "../../series_store.js";

export const place = "strip";
export const titleKey = "grad.title";

export function createStore() {
  return createSeriesTable(2000);
}

/** Series keys: "grad_norm/3", "grad_norm_clipped/3", "grad_norm_global", "clip_acted", ... */
export function accumulate(store, header, data) {
  putSeries(store, header.layer === null ? header.name : `${header.name}/${header.layer}`, header, data);
}

const LAYER_COLOURS = ["#0877bd", "#f59322", "#2f9e5b", "#9c4fd6", "#c8372d", "#16a3b6", "#b08900", "#e05297"];
const GLOBAL_COLOUR = "#1f2933";
const CLIP_COLOUR = "#c8372d";

/** Values a log axis can show: positive and finite; the rest become gaps. */
function loggable(values) {
  return values.map((v) => (v !== null && v > 0 && Number.isFinite(v) ? v : null));
}

function fmt(v) {
  if (v === null || v === undefined) return "—";
  if (!Number.isFinite(v)) return String(v);
  return v === 0 ? "0" : Math.abs(v) >= 0.01 && Math.abs(v) < 1000 ? v.toPrecision(3) : v.toExponential(1);
}

/** A log-axis tick: 0.01 … 1000 as plain numbers, beyond as powers of ten. */
function tick(v) {
  if (v === null || v === undefined) return "";
  return v >= 0.01 && v < 1e4 ? String(+v.toPrecision(2)) : v.toExponential(0).replace("e+", "e");
}

function layerName(state, i) {
  const type = state.model.layers[i].type;
  return t("grad.layer", { n: i + 1, type: tOr(`layer.${type}`, type) });
}

/**
 * The legend's numbers: at row `row` of the table (the step under the cursor), else the newest.
 * `box` holds the spans (data-latest: the series key) and the step (data-at).
 */
function showValues(box, store, row) {
  const last = store.steps.length - 1;
  const at = row !== null && row >= 0 && row <= last ? row : last;
  for (const el of box.querySelectorAll("[data-latest]")) {
    const values = store.columns.get(el.dataset.latest);
    el.textContent = values && at >= 0 ? fmt(values[at]) : "—";
  }
  const step = box.querySelector("[data-at]");
  if (step) step.textContent = at >= 0 ? t(at === last ? "grad.atNewest" : "grad.atStep", { n: store.steps[at] }) : "";
}

function makePlot(el, width, height, layers, onCursor) {
  const series = [
    {},
    ...layers.map((i, k) => ({ label: `${i}`, stroke: LAYER_COLOURS[k % LAYER_COLOURS.length], width: 1.5, spanGaps: false, points: { show: false } })),
    { label: "global", stroke: GLOBAL_COLOUR, width: 2.2, points: { show: false } },
    { label: "global clipped", stroke: GLOBAL_COLOUR, width: 1.4, dash: [4, 3], points: { show: false } },
  ];
  const threshold = () => {
    const state = S.session.peek();
    return state && state.training.clip_norm ? state.training.clip_norm : null;
  };
  const drawExtras = (u) => {
    const ctx = u.ctx;
    const { left, top, width: w, height: h } = u.bbox;
    ctx.save();
    const limit = threshold();
    if (limit) {
      const y = u.valToPos(limit, "y", true);
      if (y >= top && y <= top + h) {
        ctx.strokeStyle = CLIP_COLOUR;
        ctx.lineWidth = 1.5 * devicePixelRatio;
        ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
        ctx.beginPath();
        ctx.moveTo(left, y);
        ctx.lineTo(left + w, y);
        ctx.stroke();
      }
    }
    // Steps where clipping acted: red ticks along the bottom edge.
    const store = S.viewStores.stores.get("grad_norms");
    const acted = store && store.columns.get("clip_acted");
    if (acted) {
      ctx.fillStyle = CLIP_COLOUR;
      ctx.setLineDash([]);
      const tick = 6 * devicePixelRatio;
      for (let i = 0; i < acted.length; i++) {
        if (!(acted[i] > 0)) continue;
        const x = u.valToPos(store.steps[i], "x", true);
        ctx.fillRect(x - devicePixelRatio, top + h - tick, 2 * devicePixelRatio, tick);
      }
    }
    // A norm that is not finite (the step that diverged) cannot sit on a log axis: a red triangle at the top.
    const global = store && store.columns.get("grad_norm_global");
    if (global) {
      ctx.fillStyle = CLIP_COLOUR;
      const s = 5 * devicePixelRatio;
      for (let i = 0; i < global.length; i++) {
        if (global[i] === null || Number.isFinite(global[i])) continue;
        const x = u.valToPos(store.steps[i], "x", true);
        ctx.beginPath();
        ctx.moveTo(x - s, top);
        ctx.lineTo(x + s, top);
        ctx.lineTo(x, top + 1.6 * s);
        ctx.closePath();
        ctx.fill();
      }
    }
    ctx.restore();
  };
  /** @type {uPlot.Options} */
  const opts = {
    width,
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 5 } },
    scales: {
      x: { time: false },
      y: {
        distr: 3,
        log: 10,
        /** @type {uPlot.Range.Function} */
        range: (u, min, max) => {
          const limit = threshold();
          const lo = Math.min(min > 0 ? min : Infinity, limit || Infinity);
          const hi = Math.max(max > 0 ? max : -Infinity, limit || -Infinity);
          if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [1e-3, 10];
          return uPlot.rangeLog(lo, hi, 10, true);
        },
      },
    },
    axes: [
      { stroke: "#6b7785", grid: { stroke: "rgba(0,0,0,0.06)" }, ticks: { stroke: "rgba(0,0,0,0.12)" }, font: "10px system-ui, sans-serif", size: 26 },
      {
        stroke: "#6b7785",
        grid: { stroke: "rgba(0,0,0,0.06)" },
        ticks: { stroke: "rgba(0,0,0,0.12)" },
        font: "10px system-ui, sans-serif",
        size: 48,
        values: (u, splits) => splits.map(tick),
      },
    ],
    series,
    hooks: { draw: [drawExtras], setCursor: [(u) => onCursor(u.cursor.idx ?? null)] },
  };
  return new uPlot(opts, [[], ...series.slice(1).map(() => [])], el);
}

export function Panel() {
  const boxRef = useRef(null);
  const plotRef = useRef(null);
  const state = S.session.value;
  const loaded = S.viewModules.value.get("grad_norms");
  const layers = state && loaded ? viewLayers(loaded.entry, state) : [];
  const language = lang.value;
  const key = state ? JSON.stringify([state.generation, layers, state.model.layers.map((l) => l.type), language]) : "";
  const clip = state ? state.training.clip_norm : null;

  useEffect(() => {
    const box = boxRef.current;
    const plotEl = plotRef.current;
    if (!box || !plotEl || !state) return undefined;
    const size = () => [Math.max(200, Math.floor(plotEl.clientWidth)), Math.max(60, Math.floor(plotEl.clientHeight))];
    const [w, h] = size();
    let cursor = null;
    const plot = makePlot(plotEl, w, h, layers, (row) => {
      cursor = row;
      const store = S.viewStores.stores.get("grad_norms");
      if (store) showValues(box, store, cursor);
    });
    const observer = new ResizeObserver(() => {
      const [nw, nh] = size();
      if (nw !== plot.width || nh !== plot.height) plot.setSize({ width: nw, height: nh });
    });
    observer.observe(plotEl);
    let drawn = -1;
    const stop = S.frames.onFrame(() => {
      const store = S.viewStores.stores.get("grad_norms");
      if (!store || S.viewStores.seq === drawn) return;
      drawn = S.viewStores.seq;
      const col = (k) => store.columns.get(k) || new Array(store.steps.length).fill(null);
      plot.setData([
        store.steps.slice(),
        ...layers.map((i) => loggable(col(`grad_norm/${i}`))),
        loggable(col("grad_norm_global")),
        loggable(col("grad_norm_global_clipped")),
      ]);
      box.dataset.points = String(store.steps.length);
      const acted = store.columns.get("clip_acted");
      box.dataset.clipped = String(acted ? acted.filter((v) => v > 0).length : 0);
      box.classList.toggle("is-empty", store.steps.length === 0);
      showValues(box, store, cursor);
      const global = store.columns.get("grad_norm_global");
      const notFinite = Boolean(global && global.some((v) => v !== null && !Number.isFinite(v)));
      box.querySelector("[data-not-finite]").hidden = !notFinite;
    });
    return () => {
      stop();
      observer.disconnect();
      plot.destroy();
    };
  }, [key]);

  // The threshold moved: redraw the line at once.
  useEffect(() => {
    S.viewStores.seq += 1;
  }, [clip]);

  if (!state) return null;
  return html`<div class="grad-strip is-empty" ref=${boxRef} data-testid="grad-norms" data-points="0">
    <div class="grad-head">
      <h2 class="section-title" title=${t("grad.hint")}>${t("grad.title")} <span class="hint grad-at" data-at></span></h2>
      <ul class="grad-legend">
        ${layers.map((i, k) => html`<li data-testid="grad-layer">
          <i class="swatch" style=${{ background: LAYER_COLOURS[k % LAYER_COLOURS.length] }}></i>${layerName(state, i)}
          <code data-latest=${`grad_norm/${i}`}>—</code>
          <span class="grad-after" title=${t("grad.after")}>→ <code data-latest=${`grad_norm_clipped/${i}`}>—</code></span>
        </li>`)}
        <li><i class="swatch" style=${{ background: GLOBAL_COLOUR }}></i>${t("grad.global")}
          <code data-latest="grad_norm_global">—</code>
          <span class="grad-after" title=${t("grad.after")}>→ <code data-latest="grad_norm_global_clipped">—</code></span></li>
        ${clip ? html`<li><i class="swatch dashed" style=${{ borderColor: CLIP_COLOUR }}></i>${t("grad.threshold", { n: clip })}</li>` : null}
        <li class="grad-diverged" data-not-finite hidden>▼ ${t("grad.notFinite")}</li>
        <li><i class="swatch" style=${{ background: CLIP_COLOUR, width: "3px" }}></i>${t("grad.clipped")}</li>
      </ul>
    </div>
    <div class="grad-plot" ref=${plotRef}></div>
    <div class="grad-empty">${t("grad.waiting")}</div>
  </div>`;
}
