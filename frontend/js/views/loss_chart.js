// The loss curve (uPlot): training and validation loss against the step, live, plus the current
// numbers and what a point is over (how many samples of each split: the point under the cursor,
// else the latest). The series live in state.chart (bounded, thinned past 10k points); the chart redraws
// at most once per animation frame, only when points were added.
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import * as S from "../state.js";
import { t, lang, formatInt } from "../i18n.js";
import { AxisSwitch, batchLossHook, xValues } from "./batch_losses.js";

const TRAIN_COLOUR = "#0877bd";
const VAL_COLOUR = "#f59322";

function fmtLoss(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return v >= 100 ? v.toFixed(1) : v.toFixed(3);
}

function fmtAcc(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return `${(v * 100).toFixed(1)}%`;
}

export function Metrics() {
  const m = S.latestMetrics.value;
  return html`<div class="metrics" data-testid="metrics">
    <div class="metric">
      <span class="metric-label"><i class="swatch" style=${{ background: TRAIN_COLOUR }}></i>${t("out.trainLoss")}</span>
      <span class="metric-value" data-testid="loss-value">${fmtLoss(m && m.loss)}</span>
    </div>
    <div class="metric">
      <span class="metric-label"><i class="swatch" style=${{ background: VAL_COLOUR }}></i>${t("out.valLoss")}</span>
      <span class="metric-value" data-testid="val-loss-value">${fmtLoss(m && m.val_loss)}</span>
    </div>
    <div class="metric">
      <span class="metric-label">${t("out.accuracy")}</span>
      <span class="metric-value small" data-testid="accuracy-value">${fmtAcc(m && m.accuracy)}</span>
    </div>
    <div class="metric">
      <span class="metric-label">${t("out.valAccuracy")}</span>
      <span class="metric-value small" data-testid="val-accuracy-value">${fmtAcc(m && m.val_accuracy)}</span>
    </div>
  </div>`;
}

function xTick(v) {
  if (v === null || v === undefined) return "";
  return v >= 10000 ? `${Math.round(v / 1000)}k` : formatInt(v);
}

function yTick(v) {
  if (v === null || v === undefined) return "";
  if (v === 0) return "0";
  return Math.abs(v) < 0.01 ? v.toExponential(0) : String(+v.toPrecision(3));
}

function makeChart(el, width, height, logScale, axis, onHover) {
  /** @type {uPlot.Scale} */
  const yScale = logScale
    ? { distr: 3, log: 10 }
    : { range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1] };
  /** @type {uPlot.Options} */
  const opts = {
    width,
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    scales: { x: { time: false }, y: yScale },
    axes: [
      {
        stroke: "#6b7785",
        grid: { stroke: "rgba(0,0,0,0.06)" },
        ticks: { stroke: "rgba(0,0,0,0.12)" },
        font: "11px system-ui, sans-serif",
        values: (u, splits) => splits.map(xTick),
        label: axis === "epochs" ? t("chart.epoch") : t("chart.step"),
        labelSize: 16,
        labelFont: "11px system-ui, sans-serif",
      },
      {
        stroke: "#6b7785",
        grid: { stroke: "rgba(0,0,0,0.06)" },
        ticks: { stroke: "rgba(0,0,0,0.12)" },
        font: "11px system-ui, sans-serif",
        size: 46,
        values: (u, splits) => splits.map(yTick),
      },
    ],
    series: [
      {},
      { label: t("chart.train"), stroke: TRAIN_COLOUR, width: 2, spanGaps: true, points: { show: false } },
      { label: t("chart.val"), stroke: VAL_COLOUR, width: 2, dash: [5, 3], spanGaps: true, points: { show: false } },
    ],
    hooks: { drawAxes: [batchLossHook(() => axis)], setCursor: [(u) => onHover(u.cursor.idx ?? null)] },
  };
  return new uPlot(opts, [xValues(axis), S.chart.loss, S.chart.valLoss], el);
}

function scoredText(n, total) {
  // Points saved before the counts were recorded have none: they were all over the whole split.
  const count = n ?? total;
  return count >= total ? t("chart.scoredAll", { total: formatInt(total) }) : t("chart.scoredSome", { n: formatInt(count), total: formatInt(total) });
}

/** What a point measures (the one under the cursor, else the latest): how many samples of each
 * split its numbers are over. */
function ScoredNote({ hovered }) {
  const m = (hovered !== null && S.chartPoint(hovered)) || S.latestMetrics.value;
  const state = S.session.value;
  if (!m || !state) return null;
  const text = t("chart.scored", {
    train: scoredText(m.train_samples, state.train_size),
    val: scoredText(m.val_samples, state.validation_size),
  });
  return html`<div class="chart-scored" data-testid="chart-scored" title=${t("chart.scoredHint")}
    style=${{ fontSize: "11px", color: "#6b7785", marginTop: "2px" }}>${text}</div>`;
}

/** What the chart says while it has no line to draw (under two points), by the run's status. */
function emptyKey(status) {
  if (status === "diverged") return "chart.emptyDiverged"; // "press play" beside a NaN would mislead
  if (status === "running") return "chart.emptyRunning";
  return "chart.empty";
}

export function LossChart() {
  const boxRef = useRef(null);
  const plotRef = useRef(null);
  const language = lang.value;
  const [logScale, setLogScale] = useState(false);
  const [axis, setAxis] = useState("steps");
  const [hovered, setHovered] = useState(null);

  useEffect(() => {
    const box = boxRef.current;
    const plotEl = plotRef.current;
    let chart = null;
    let drawnSeq = -1;
    const size = () => [Math.max(120, Math.floor(plotEl.clientWidth)), Math.max(100, Math.floor(plotEl.clientHeight))];
    const [w, h] = size();
    chart = makeChart(plotEl, w, h, logScale, axis, setHovered);
    const observer = new ResizeObserver(() => {
      const [nw, nh] = size();
      if (nw !== chart.width || nh !== chart.height) chart.setSize({ width: nw, height: nh });
    });
    observer.observe(plotEl);
    const stop = S.frames.onFrame(() => {
      if (S.chart.seq === drawnSeq) return;
      drawnSeq = S.chart.seq;
      const xs = xValues(axis);
      chart.setData([xs, S.chart.loss, S.chart.valLoss]);
      box.dataset.batches = String(S.chart.batchStep.length);
      box.dataset.axis = axis;
      box.dataset.xmax = xs.length ? String(xs[xs.length - 1]) : "";
      box.dataset.points = String(S.chart.step.length);
      box.classList.toggle("is-empty", S.chart.step.length < 2);
    });
    return () => {
      stop();
      observer.disconnect();
      chart.destroy();
    };
  }, [language, logScale, axis]);

  return html`<div class="chart-box is-empty" ref=${boxRef} data-testid="loss-chart" data-points="0">
    <div class="section-head">
      <h2 class="section-title">${t("chart.title")}</h2>
      <span class="chart-legend">
        <span aria-hidden="true"><i class="swatch" style=${{ background: TRAIN_COLOUR }}></i>${t("chart.train")}</span>
        <span aria-hidden="true"><i class="swatch dashed" style=${{ borderColor: VAL_COLOUR }}></i>${t("chart.val")}</span>
        <span aria-hidden="true"><i class="swatch swatch-dots"></i>${t("chart.batches")}</span>
        <${AxisSwitch} axis=${axis} onChange=${setAxis} />
        <label class="toggle"><input type="checkbox" data-testid="log-scale" checked=${logScale}
          onChange=${(e) => setLogScale(e.currentTarget.checked)} />${t("chart.log")}</label>
      </span>
    </div>
    <div class="chart-plot" ref=${plotRef}></div>
    <div class="chart-empty" data-testid="chart-empty">${t(emptyKey(S.status.value))}</div>
    <${ScoredNote} hovered=${hovered} />
  </div>`;
}
