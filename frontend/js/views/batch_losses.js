// The loss chart's single-batch losses and its x-axis: every batch's training loss drawn faintly
// under the epoch curves (metrics' batch_losses, see state.chart), the x-axis in steps (with a
// marker where each epoch ended) or in epochs, and the switch between them. loss_chart.js adds the
// hook to its uPlot chart and the switch to its header.
import { html } from "htm/preact";
import * as S from "../state.js";
import { t } from "../i18n.js";

const BATCH_COLOUR = "rgba(8, 119, 189, 0.28)";
const EPOCH_COLOUR = "rgba(0, 0, 0, 0.10)";
const MAX_MARKERS = 40;

/** The steps where an epoch ended, with that epoch: [[0, 0], [s1, 1], ...] from the metric points. */
function epochEnds() {
  const ends = [[0, 0]];
  const { step, epoch } = S.chart;
  for (let i = 0; i < step.length; i++) {
    const last = ends[ends.length - 1];
    if (epoch[i] > last[1] && step[i] > last[0]) ends.push([step[i], epoch[i]]);
  }
  return ends;
}

/** Steps per epoch now (the training set in batches), to place steps after the last epoch's end. */
function stepsPerEpoch() {
  const state = S.session.peek();
  if (!state) return 1;
  return Math.max(1, Math.ceil(state.train_size / Math.max(1, state.training.batch_size || 1)));
}

/**
 * A function step → epochs (fractional): between two epoch ends in proportion, after the last at the
 * current steps per epoch. Built once per redraw.
 */
export function epochScale() {
  const ends = epochEnds();
  const spe = stepsPerEpoch();
  return (s) => {
    let lo = 0;
    let hi = ends.length - 1;
    if (s >= ends[hi][0]) return ends[hi][1] + (s - ends[hi][0]) / spe;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ends[mid][0] <= s) lo = mid;
      else hi = mid;
    }
    const [s0, e0] = ends[lo];
    const [s1, e1] = ends[hi];
    return e0 + ((s - s0) / (s1 - s0)) * (e1 - e0);
  };
}

/** The x values of the curve's points on the axis in use. */
export function xValues(axis) {
  if (axis !== "epochs") return S.chart.step;
  const toEpoch = epochScale();
  return S.chart.step.map(toEpoch);
}

/**
 * A uPlot "drawAxes" hook (drawn after the grid, before the curves): the batch losses as faint
 * dots and, with steps on the x-axis, a thin line where each epoch ended.
 */
export function batchLossHook(getAxis) {
  return (u) => {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const axis = getAxis();
    const toX = axis === "epochs" ? epochScale() : (s) => s;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    let markers = 0;
    if (axis !== "epochs") {
      const ends = epochEnds().slice(1);
      const every = Math.max(1, Math.ceil(ends.length / MAX_MARKERS));
      ctx.strokeStyle = EPOCH_COLOUR;
      ctx.lineWidth = 1;
      for (let i = every - 1; i < ends.length; i += every) {
        const x = Math.round(u.valToPos(ends[i][0], "x", true)) + 0.5;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
        markers += 1;
      }
    }
    u.root.dataset.epochMarkers = String(markers); // what was drawn, for tests and tools
    const { batchStep, batchLoss } = S.chart;
    const dot = Math.max(1.5, devicePixelRatio * 1.5);
    ctx.fillStyle = BATCH_COLOUR;
    for (let i = 0; i < batchStep.length; i++) {
      const v = batchLoss[i];
      if (v === null || !Number.isFinite(v) || (u.scales.y.distr === 3 && v <= 0)) continue;
      const x = u.valToPos(toX(batchStep[i]), "x", true);
      const y = u.valToPos(v, "y", true);
      ctx.fillRect(x - dot / 2, y - dot / 2, dot, dot);
    }
    ctx.restore();
  };
}

/** Steps or epochs on the x-axis. */
export function AxisSwitch({ axis, onChange }) {
  return html`<span class="segmented small" role="group" aria-label=${t("chart.axis")}>
    ${["steps", "epochs"].map((a) => html`<button type="button" class=${axis === a ? "on" : ""} aria-pressed=${axis === a ? "true" : "false"}
      data-testid=${`chart-axis-${a}`} onClick=${() => onChange(a)}>${t(a === "steps" ? "chart.axisSteps" : "chart.axisEpochs")}</button>`)}
  </span>`;
}
