// Beside a layer's activation choice: f (solid) and f′ (dashed) over u, with the distribution of
// the layer's pre-activations u for the probe's split drawn under them, so a learner sees where the
// units work and how many sit where f′ is flat. All of it is the server's (GET .../preactivations):
// the histogram, f and f′ sampled by the engine's own activation, and the count of flat values.
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import * as S from "../../state.js";
import { t } from "../../i18n.js";
import { activationLabel } from "../../catalog_labels.js";
import { preactivations } from "../../stepping/state.js";

const WIDTH = 72;
const HEIGHT = 28;

/** The layer's histogram if the latest answer is of this session, network and activation, else null. */
function histogramOf(state, index, activation) {
  const held = preactivations.value;
  if (!held || !held.key.startsWith(`${state.id}|${state.generation}|`)) return null;
  return held.data.layers.find((h) => h.index === index && h.activation === activation) || null;
}

/** The share of the counted values where f′ is flat, as the server counted them (null: f has no flat part). */
export function flatShare(hist) {
  if (!hist || !hist.values || hist.flat_values === null || hist.flat_values === undefined) return null;
  return hist.flat_values / hist.values;
}

function paint(canvas, hist) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(WIDTH * ratio);
  canvas.height = Math.round(HEIGHT * ratio);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, WIDTH, HEIGHT);
  // The server's curve spans the histogram and at least [-4, 4]: the axis is the curve's.
  const curve = hist ? hist.curve : null;
  const lo = curve ? curve.u[0] : hist ? hist.edges[0] : -1;
  const hi = curve ? curve.u[curve.u.length - 1] : hist ? hist.edges[hist.edges.length - 1] : 1;
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
  if (curve) {
    // f and f′ share one vertical scale: the larger of their ranges over the axis.
    const fs = curve.f;
    const dfs = curve.slope;
    const top = Math.max(1, ...fs, ...dfs);
    const bottom = Math.min(0, ...fs, ...dfs);
    const yOf = (v) => HEIGHT - 1.5 - ((v - bottom) / (top - bottom)) * (HEIGHT - 4);
    const stroke = (values, colour, dash) => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.6;
      ctx.setLineDash(dash);
      ctx.beginPath();
      values.forEach((v, i) => (i ? ctx.lineTo(xOf(curve.u[i]), yOf(v)) : ctx.moveTo(xOf(curve.u[i]), yOf(v))));
      ctx.stroke();
    };
    stroke(fs, "#0877bd", []);
    stroke(dfs, "#f59322", [4, 3]);
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
  const hist = state ? histogramOf(state, index, activation) : null;
  const share = flatShare(hist);
  useEffect(() => {
    if (ref.current) paint(ref.current, hist);
  }, [hist]);
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
