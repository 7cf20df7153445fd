// Beside a layer's activation choice: f (solid) and f′ (dashed) over u, with the distribution of
// the layer's pre-activations u for the probe's split drawn under them (GET .../preactivations, the
// server's histogram), so a learner sees where the units work and how many sit where f′ is flat.
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import * as S from "../../state.js";
import { t } from "../../i18n.js";
import { activationLabel } from "../../catalog_labels.js";
import { preactivations } from "../../stepping/state.js";
import { elementwise, flatWhere } from "./activations.js";

const WIDTH = 72;
const HEIGHT = 28;
/** The u axis spans at least this much either side of 0, and the histogram's whole range. */
const MIN_SPAN = 4;

/** The layer's histogram if the latest answer is of this session and network, else null. */
function histogramOf(state, index) {
  const held = preactivations.value;
  if (!held || !held.key.startsWith(`${state.id}|${state.generation}|`)) return null;
  return held.data.layers.find((h) => h.index === index) || null;
}

/** The share of the counted values in bins whose middle lies where f′ is flat (null: f has no flat part). */
export function flatShare(activation, hist) {
  const flat = flatWhere(activation);
  if (!flat || !hist || !hist.values) return null;
  let n = 0;
  hist.counts.forEach((c, i) => {
    if (flat((hist.edges[i] + hist.edges[i + 1]) / 2)) n += c;
  });
  return n / hist.values;
}

function paint(canvas, activation, hist) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(WIDTH * ratio);
  canvas.height = Math.round(HEIGHT * ratio);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, WIDTH, HEIGHT);
  const lo = Math.min(-MIN_SPAN, hist ? hist.edges[0] : 0);
  const hi = Math.max(MIN_SPAN, hist ? hist.edges[hist.edges.length - 1] : 0);
  const xOf = (u) => ((u - lo) / (hi - lo)) * WIDTH;
  let bars = 0;
  if (hist) {
    const most = Math.max(1, ...hist.counts);
    ctx.fillStyle = "rgba(123, 135, 148, 0.35)";
    hist.counts.forEach((c, i) => {
      if (!c) return;
      const x0 = xOf(hist.edges[i]);
      const x1 = xOf(hist.edges[i + 1]);
      const h = (c / most) * (HEIGHT - 2);
      ctx.fillRect(x0, HEIGHT - h, Math.max(1, x1 - x0 - 0.5), h);
      bars += 1;
    });
  }
  ctx.strokeStyle = "#cbd2d9";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(xOf(0), 0);
  ctx.lineTo(xOf(0), HEIGHT);
  ctx.stroke();
  const fn = elementwise(activation);
  if (fn) {
    // f and f′ share one vertical scale: the larger of their ranges over the axis.
    const us = Array.from({ length: WIDTH + 1 }, (_, i) => lo + ((hi - lo) * i) / WIDTH);
    const fs = us.map(fn.f);
    const dfs = us.map(fn.df);
    const top = Math.max(1, ...fs, ...dfs);
    const bottom = Math.min(0, ...fs, ...dfs);
    const yOf = (v) => HEIGHT - 1.5 - ((v - bottom) / (top - bottom)) * (HEIGHT - 4);
    const curve = (values, colour, dash) => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.6;
      ctx.setLineDash(dash);
      ctx.beginPath();
      values.forEach((v, i) => (i ? ctx.lineTo(i, yOf(v)) : ctx.moveTo(i, yOf(v))));
      ctx.stroke();
    };
    curve(fs, "#0877bd", []);
    curve(dfs, "#f59322", [4, 3]);
    ctx.setLineDash([]);
  }
  canvas.dataset.bars = String(bars);
  canvas.dataset.lo = String(lo);
  canvas.dataset.hi = String(hi);
  canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1);
}

export function ActivationPlot({ index, activation }) {
  const ref = useRef(null);
  const state = S.session.value;
  const hist = state ? histogramOf(state, index) : null;
  const share = flatShare(activation, hist);
  useEffect(() => {
    if (ref.current) paint(ref.current, activation, hist);
  }, [activation, hist]);
  const flatText = share === null ? null : t(activation === "relu" ? "act.off" : "act.saturated", { p: Math.round(share * 100) });
  // The details in the title (hover) and the label: the card has room for the plot alone.
  const label = hist
    ? `${t("act.plotLabel", { f: activationLabel(activation) })} · ${t("act.samples", { n: hist.values })}${flatText ? ` · ${flatText}` : ""}`
    : `${t("act.plotLabel", { f: activationLabel(activation) })} · ${t("act.waiting")}`;
  return html`<figure class="act-plot" data-testid="act-plot" data-layer=${index} data-activation=${activation}
    data-values=${hist ? hist.values : 0} title=${label}>
    <canvas ref=${ref} class="act-canvas" data-testid="act-canvas" data-drawn="0" role="img" aria-label=${label}
      style=${`width:${WIDTH}px;height:${HEIGHT}px`}></canvas>
    ${share !== null
      ? html`<span class="act-flat" data-testid="act-flat" data-value=${String(share)} aria-hidden="true">${Math.round(share * 100)} %</span>`
      : null}
  </figure>`;
}
