// View "bn_stats": what each batch-norm layer did at the last training step. Per channel, the last
// batch's mean and variance next to the running ones inference uses, gamma and beta, and the
// histograms of the layer's inputs before and of x̂ after normalising (the shift to mean 0 and
// variance 1 is what the learner should see).
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import * as S from "../../state.js";
import { t, lang } from "../../i18n.js";
import { viewLayers } from "../../live_views.js";

export const place = "tab";
export const titleKey = "view.bn_stats";

const WIDTH = 380;
const MAX_CHANNELS = 32;
const BATCH_COLOUR = "#0877bd";
const RUNNING_COLOUR = "#f59322";

function fmt(v) {
  return Number.isFinite(v) ? (v !== 0 && (Math.abs(v) < 0.01 || Math.abs(v) >= 1000) ? v.toExponential(1) : v.toPrecision(3)) : String(v);
}

/** Bars per channel for one or two series (a solid, b outlined beside it), from zero; returns [lo, hi]. */
function paintPaired(canvas, a, b) {
  const n = Math.min(a.length, MAX_CHANNELS);
  const height = 64;
  canvas.width = WIDTH;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, WIDTH, height);
  const values = [...a.slice(0, n), ...(b ? b.slice(0, n) : [])].filter(Number.isFinite);
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values, lo + 1e-6);
  const y = (v) => height - 2 - ((v - lo) / (hi - lo)) * (height - 4);
  const slot = WIDTH / n;
  const barW = Math.max(1, (slot - 2) / (b ? 2 : 1));
  ctx.strokeStyle = "rgba(0,0,0,0.25)";
  ctx.beginPath();
  ctx.moveTo(0, y(0) + 0.5);
  ctx.lineTo(WIDTH, y(0) + 0.5);
  ctx.stroke();
  for (let c = 0; c < n; c++) {
    const x = c * slot + 1;
    const bar = (v, colour, offset, solid) => {
      if (!Number.isFinite(v)) return;
      const top = Math.min(y(v), y(0));
      const h = Math.max(1, Math.abs(y(v) - y(0)));
      if (solid) {
        ctx.fillStyle = colour;
        ctx.fillRect(x + offset, top, barW, h);
      } else {
        ctx.strokeStyle = colour;
        ctx.lineWidth = 1.5;
        ctx.strokeRect(x + offset + 0.75, top + 0.75, Math.max(1, barW - 1.5), Math.max(1, h - 1.5));
      }
    };
    bar(a[c], BATCH_COLOUR, 0, true);
    if (b) bar(b[c], RUNNING_COLOUR, barW, false);
  }
  return [lo, hi];
}

/** A histogram of bin counts over the header's edges. */
function paintHistogram(canvas, counts, colour) {
  const n = counts.length;
  const height = 60;
  canvas.width = WIDTH / 2 - 8;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, height);
  const max = Math.max(1, ...counts.filter(Number.isFinite));
  const w = canvas.width / n;
  ctx.fillStyle = colour;
  for (let i = 0; i < n; i++) {
    const h = (counts[i] / max) * (height - 2);
    ctx.fillRect(i * w + 0.5, height - h, Math.max(1, w - 1), h);
  }
}

const SERIES = {
  mean: ["bn_batch_mean", "bn_running_mean"],
  var: ["bn_batch_var", "bn_running_var"],
  gamma: ["bn_gamma", null],
  beta: ["bn_beta", null],
};

function paintLayer(root, layer, drawn) {
  let drew = false;
  for (const [what, [first, second]] of Object.entries(SERIES)) {
    const a = S.tensorSlot(first, layer);
    const b = second ? S.tensorSlot(second, layer) : null;
    const canvas = root.querySelector(`canvas[data-bn="${what}"][data-layer="${layer}"]`);
    if (!a || !canvas) continue;
    const version = `${a.seq}:${b ? b.seq : ""}`;
    if (drawn.get(canvas) === version) continue;
    drawn.set(canvas, version);
    const [lo, hi] = paintPaired(canvas, Array.from(a.data), b ? Array.from(b.data) : null);
    const range = root.querySelector(`[data-bn-range="${what}-${layer}"]`);
    if (range) range.textContent = `${fmt(lo)} … ${fmt(hi)}`;
    canvas.hidden = false;
    canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1); // tests read it once painted
    drew = true;
  }
  for (const [what, name, colour] of [["before", "bn_input_histogram", "#9fb3c8"], ["after", "bn_normalized_histogram", BATCH_COLOUR]]) {
    const slot = S.tensorSlot(name, layer);
    const canvas = root.querySelector(`canvas[data-bn="${what}"][data-layer="${layer}"]`);
    if (!slot || !canvas || drawn.get(canvas) === slot.seq) continue;
    drawn.set(canvas, slot.seq);
    paintHistogram(canvas, Array.from(slot.data), colour);
    const edges = slot.header.edges;
    const range = root.querySelector(`[data-bn-range="${what}-${layer}"]`);
    if (range && edges) range.textContent = `${fmt(edges[0])} … ${fmt(edges[edges.length - 1])}`;
    canvas.hidden = false;
    canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1); // tests read it once painted
    drew = true;
  }
  return drew;
}

function Chart({ what, layer, title, legend }) {
  return html`<figure class="bn-chart">
    <figcaption class="bn-caption"><span>${title}</span>${legend}<code class="hint" data-bn-range=${`${what}-${layer}`}></code></figcaption>
    <canvas class="bn-canvas" data-bn=${what} data-layer=${layer} data-testid=${`bn-${what}`} hidden></canvas>
  </figure>`;
}

export function Panel() {
  const rootRef = useRef(null);
  const state = S.session.value;
  const loaded = S.viewModules.value.get("bn_stats");
  const layers = state && loaded ? viewLayers(loaded.entry, state) : [];
  const language = lang.value;
  const key = state ? JSON.stringify([state.generation, state.model, language]) : "";

  useEffect(() => {
    const root = rootRef.current;
    if (!root || !state) return undefined;
    const drawn = new Map();
    let frames = 0;
    return S.frames.onFrame(() => {
      const current = S.session.peek();
      if (!current || S.tensors.generation !== current.generation) return;
      let drew = false;
      for (const layer of layers) drew = paintLayer(root, layer, drawn) || drew;
      if (drew) root.dataset.frames = String(++frames);
    });
  }, [key]);

  if (!state) return null;
  const pair = html`<span class="bn-legend"><i class="swatch" style=${{ background: BATCH_COLOUR }}></i>${t("bn.batch")}
    <i class="swatch swatch-outline" style=${{ borderColor: RUNNING_COLOUR }}></i>${t("bn.running")}</span>`;
  return html`<div class="panel-body bn-panel" ref=${rootRef} data-testid="bn-view" data-frames="0">
    <p class="hint formula">${t("bn.formula")}</p>
    ${layers.map((i) => {
      const channels = state.layers[i] ? state.layers[i].output_shape[0] : 0;
      return html`<section class="bn-layer" key=${i} data-layer=${i}>
        <h3 class="sub-title">${t("bn.title", { n: i + 1 })} <span class="hint">${t("bn.channels", { n: channels })}</span></h3>
        <${Chart} what="mean" layer=${i} title=${t("bn.mean")} legend=${pair} />
        <${Chart} what="var" layer=${i} title=${t("bn.var")} legend=${pair} />
        <div class="bn-row">
          <${Chart} what="gamma" layer=${i} title=${t("bn.gamma")} legend=${null} />
          <${Chart} what="beta" layer=${i} title=${t("bn.beta")} legend=${null} />
        </div>
        <div class="bn-row">
          <${Chart} what="before" layer=${i} title=${t("bn.before")} legend=${null} />
          <${Chart} what="after" layer=${i} title=${t("bn.after")} legend=${null} />
        </div>
      </section>`;
    })}
  </div>`;
}
