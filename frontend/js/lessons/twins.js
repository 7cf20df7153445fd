// Twin runs: the sessions of a comparison side by side. Their training-loss curves overlaid in one
// uPlot chart (one colour per run, a legend of the runs' labels), a small multiple per run of the
// lesson's key view (its twin_view: the per-layer gradient norms, the probe's first feature maps and
// output, the gradient per time step (twin_probe.js), or the decision boundary, which 2-D data shows
// when none is named; the latest loss and accuracy always), and one play/pause for all.
import { html } from "htm/preact";
import { useEffect, useRef, useState, useMemo } from "preact/hooks";
import uPlot from "uplot";
import * as S from "../state.js";
import { kindOf } from "../datasets.js";
import { paintValues, makeOffscreen } from "../heatmap.js";
import { t, lang, formatInt } from "../i18n.js";
import { commandAll, tokensOwned } from "./actions.js";
import { makeRun, watchRun } from "./twin_data.js";
import { gradRange, paintGrads } from "./twin_grads.js";
import { firstConv, paintProbe, paintTimeGrads, OUTPUT_WIDTH } from "./twin_probe.js";

const COLOURS = ["#0877bd", "#e8590c", "#2f9e5b"];
// Runs with the same start often draw the same curve for a while: the later runs are dashed so the
// earlier ones show through the gaps (and a learner who cannot tell the colours apart tells the
// lines apart). The legend shows the same line styles.
const DASHES = [[], [7, 4], [2, 3]];
const LINE_STYLES = ["solid", "dashed", "dotted"];
const REDRAW_MS = 250; // numbers and curves a few times a second are plenty to compare runs

function fmt(v, digits = 3) {
  return v === null || v === undefined || !Number.isFinite(v) ? "—" : v >= 100 ? v.toExponential(2) : v.toFixed(digits);
}

function pct(v) {
  return v === null || v === undefined || !Number.isFinite(v) ? "—" : `${(v * 100).toFixed(1)}%`;
}

/** uPlot's columns: the union of the runs' steps, each run's loss there (null between its points). */
function aligned(runs) {
  const steps = [...new Set(runs.flatMap((r) => r.points.map((p) => p.step)))].sort((a, b) => a - b);
  const at = new Map(steps.map((s, i) => [s, i]));
  const columns = runs.map((r) => {
    const ys = new Array(steps.length).fill(null);
    // log scale: only positive, finite losses can be drawn
    for (const p of r.points) if (Number.isFinite(p.loss) && p.loss > 0) ys[at.get(p.step)] = p.loss;
    return ys;
  });
  return [steps, ...columns];
}

/** A log axis label that fits: 0.01, 1, 100, then 1e4, 1e5 (a diverging run reaches huge losses). */
function logTick(v) {
  if (v === null || v === undefined) return "";
  return v >= 1e4 || v < 1e-3 ? v.toExponential(0).replace("+", "") : String(+v.toPrecision(2));
}

function makeChart(el, runs, width) {
  /** @type {uPlot.Options} */
  const opts = {
    width,
    height: 170,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false }, y: { distr: 3, log: 10 } },
    axes: [
      { font: "10px system-ui, sans-serif", stroke: "#6b7785", grid: { stroke: "rgba(0,0,0,0.06)" }, size: 28 },
      { font: "10px system-ui, sans-serif", stroke: "#6b7785", grid: { stroke: "rgba(0,0,0,0.06)" }, size: 44,
        values: (u, splits) => splits.map(logTick) },
    ],
    series: [{}, ...runs.map((r, i) => ({ label: r.run, stroke: r.colour, dash: DASHES[i % DASHES.length], width: 2, spanGaps: true,
      points: { show: false } }))],
  };
  return new uPlot(opts, aligned(runs), el);
}

function drawBoundary(canvas, run, cache) {
  const b = run.boundary;
  if (!canvas || !b || !run.state || (cache.drawn === b && cache.canvas === canvas)) return;
  const g = b.header.shape[0];
  if (!cache.off || cache.off.size !== g) cache.off = makeOffscreen(g);
  const [lo, hi] = run.state.task === "regression" ? [-1, 1] : [0, 1];
  paintValues(cache.off.image, b.data, 0, g, lo, hi);
  cache.off.ctx.putImageData(cache.off.image, 0, 0);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(cache.off.canvas, 0, 0, canvas.width, canvas.height);
  cache.drawn = b;
  cache.canvas = canvas;
  canvas.dataset.frames = String(Number(canvas.dataset.frames || 0) + 1);
}

function RunCard({ run, keyView, canvasRef, mapsRef }) {
  const label = run.label[lang.value];
  const last = run.points.length ? run.points[run.points.length - 1] : null;
  return html`<div class="twin-card" data-testid="twin-card" data-run=${run.run} style=${{ borderTopColor: run.colour }}>
    <div class="twin-card-head"><i class="swatch" style=${{ background: run.colour }}></i>
      <span class="twin-label">${run.label[lang.value]}</span></div>
    ${keyView === "boundary" ? html`<canvas class="twin-boundary" data-testid="twin-boundary" width="120" height="120" ref=${canvasRef}
      role="img" aria-label=${t("lesson.twinBoundary", { run: run.label[lang.value] })}></canvas>` : null}
    ${keyView === "grad_norms" ? html`<canvas class="twin-grads" data-testid="twin-grads" width="120" height="80" ref=${canvasRef}
      role="img" aria-label=${t("lesson.twinGrads", { run: run.label[lang.value] })}></canvas>` : null}
    ${keyView === "probe" && firstConv(run.state) >= 0 ? html`<canvas class="twin-maps" data-testid="twin-maps" ref=${mapsRef}
      role="img" aria-label=${t("lesson.twinMaps", { run: label })}></canvas>` : null}
    ${keyView === "probe" ? html`<canvas class="twin-output" data-testid="twin-output" width=${OUTPUT_WIDTH} height="70" ref=${canvasRef}
      role="img" aria-label=${t("lesson.twinOutput", { run: label })}></canvas>` : null}
    ${keyView === "rnn_states" ? html`<canvas class="twin-time-grads" data-testid="twin-time-grads" width="120" height="60" ref=${canvasRef}
      role="img" aria-label=${t("lesson.twinTimeGrads", { run: label })}></canvas>` : null}
    <dl class="twin-numbers">
      <dt>${t("lesson.twinStep")}</dt><dd data-testid="twin-step">${formatInt(run.step)}</dd>
      <dt>${t("lesson.twinLoss")}</dt><dd data-testid="twin-loss">${fmt(last && last.loss)}</dd>
      <dt>${t("lesson.twinAccuracy")}</dt><dd data-testid="twin-accuracy">${pct(last && (last.val_accuracy ?? last.accuracy))}</dd>
      <dt>${t("lesson.twinParams")}</dt><dd>${run.state ? formatInt(run.state.total_params) : "—"}</dd>
    </dl>
    <span class=${`status status-${run.status}`} data-testid="twin-status">${t(`status.${run.status}`)}</span>
    ${run.error ? html`<div class="error-box" role="alert">${run.error.message}</div>` : null}
  </div>`;
}

/** The view each run shows small: the lesson's twin_view, else the boundary for 2-D data, else none. */
function keyViewOf(view, catalog, dataset) {
  if (view) return view;
  return dataset && kindOf(catalog, dataset) === "points" ? "boundary" : null;
}

export function TwinRuns({ sessions, view = null }) {
  const runs = useMemo(() => sessions.map((s, i) => makeRun(s, COLOURS[i % COLOURS.length])), [sessions]);
  const [, setTick] = useState(0);
  const chartEl = useRef(null);
  const canvases = useRef(/** @type {HTMLCanvasElement[]} */ ([]));
  const mapCanvases = useRef(/** @type {HTMLCanvasElement[]} */ ([]));
  useEffect(() => {
    let dirty = true;
    let lastDraw = 0;
    let chart = null;
    const caches = runs.map(() => ({ off: null, drawn: null, canvas: null, grads: -1, range: "", probe: -1, time: -1 }));
    const tokens = tokensOwned();
    const keyView = (dataset) => keyViewOf(view, S.catalog.peek(), dataset);
    const changed = () => {
      dirty = true;
      S.frames.requestFrame();
    };
    const closers = runs.map((run) => watchRun(run, tokens[run.id] || null, keyView, changed));
    let timer = 0;
    const stop = S.frames.onFrame(() => {
      if (!dirty) return;
      const wait = REDRAW_MS - (performance.now() - lastDraw);
      if (wait > 0) {
        if (!timer) timer = setTimeout(() => ((timer = 0), S.frames.requestFrame()), wait);
        return;
      }
      dirty = false;
      lastDraw = performance.now();
      setTick((n) => n + 1);
      const range = gradRange(runs);
      runs.forEach((run, i) => {
        const canvas = canvases.current[i];
        if (view === "grad_norms") {
          // repainted when its norms or the shared scale change
          if (!canvas || (caches[i].grads === run.gradFrames && caches[i].range === String(range))) return;
          paintGrads(canvas, run, range);
          caches[i].grads = run.gradFrames;
          caches[i].range = String(range);
        } else if (view === "probe") {
          if (!canvas || caches[i].probe === run.probeFrames) return;
          if (paintProbe(canvas, mapCanvases.current[i] || null, run)) caches[i].probe = run.probeFrames;
        } else if (view === "rnn_states") {
          if (!canvas || caches[i].time === run.timeFrames) return;
          if (paintTimeGrads(canvas, run)) caches[i].time = run.timeFrames;
        } else drawBoundary(canvas, run, caches[i]);
      });
      // a run's records came before its canvases mounted: paint them on a later frame
      const behind = (view === "probe" && runs.some((run, i) => run.probeFrames && caches[i].probe !== run.probeFrames)) ||
        (view === "rnn_states" && runs.some((run, i) => run.timeFrames && caches[i].time !== run.timeFrames));
      if (behind) changed(); // an idle run sends nothing more: ask for the frame ourselves
      // A canvas mounts with the render this frame asked for: draw its frame on a later one.
      if (runs.some((run, i) => run.boundary && caches[i].drawn !== run.boundary)) dirty = true;
      const el = chartEl.current;
      if (!el || !runs.some((r) => r.points.length)) return;
      const data = aligned(runs);
      if (!chart) chart = makeChart(el, runs, Math.max(200, el.clientWidth));
      else chart.setData(data);
      el.dataset.points = runs.map((_, i) => data[i + 1].filter((v) => v !== null).length).join(",");
      // how wide each run's curve is on the canvas (device pixels): runs train at their own speed
      el.dataset.spans = runs
        .map((r) => (r.points.length ? chart.valToPos(r.points[r.points.length - 1].step, "x", true) - chart.valToPos(r.points[0].step, "x", true) : 0))
        .map((w) => Math.round(w))
        .join(",");
      el.dataset.draws = String(Number(el.dataset.draws || 0) + 1);
    });
    return () => {
      stop();
      clearTimeout(timer);
      closers.forEach((close) => close());
      if (chart) chart.destroy();
    };
  }, [runs, view]);
  const running = runs.some((r) => r.status === "running");
  const shown = runs.find((r) => r.state);
  const keyView = shown ? keyViewOf(view, S.catalog.value, shown.state.dataset) : view;
  return html`<section class="twins" data-testid="twin-runs">
    <div class="twins-head">
      <h3>${t("lesson.twinsTitle")}</h3>
      <button class="btn btn-small btn-primary" data-testid="twin-play-pause" data-action=${running ? "pause" : "play"}
        onClick=${() => commandAll(running ? "pause" : "play")}>${running ? t("lesson.pauseAll") : t("lesson.playAll")}</button>
    </div>
    <ul class="twin-legend" data-testid="twin-legend">
      ${runs.map((r, i) => {
        const line = { borderTop: `3px ${LINE_STYLES[i % LINE_STYLES.length]} ${r.colour}` };
        return html`<li><i class="twin-line" style=${line}></i>${r.label[lang.value]}</li>`;
      })}
    </ul>
    <div class="twin-chart" data-testid="twin-chart" ref=${chartEl} aria-label=${t("lesson.twinChart")}></div>
    <div class="twin-cards">
      ${runs.map((run, i) => html`<${RunCard} key=${run.id} run=${run} keyView=${keyView}
        canvasRef=${(el) => (canvases.current[i] = el)} mapsRef=${(el) => (mapCanvases.current[i] = el)} />`)}
    </div>
  </section>`;
}
