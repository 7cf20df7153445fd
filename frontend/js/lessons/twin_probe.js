// A twin run's small multiples for image and sequence comparisons (twin_view "probe" and
// "rnn_states"). "probe": the same probe sample (every run of a comparison has the same data, so the
// same first validation sample) through each run: its first conv layer's feature maps when it has one
// (pooling, padding and the CNN differ there, and same vs valid padding shows as the maps' size) and
// its output, as the probe view draws it: bars per class with the true class outlined, or the
// predicted sequence against the target. "rnn_states": ‖dL/dh_t‖ per time step of the first recurrent
// layer on a log scale over four decades below the largest, the vanishing gradient through time.
import * as S from "../state.js";
import { classNamesOf, className } from "../datasets.js";
import { outputProbabilities, targetClass } from "../probe_math.js";
import { gridLayout, paintMaps, paintClassBars, paintSequence } from "../probe_draw.js";

export const OUTPUT_WIDTH = 150; // CSS pixels: a card's width, numbers included
const MAPS_WIDTH = 140;

function bump(canvas) {
  canvas.dataset.frames = String(Number(canvas.dataset.frames || 0) + 1);
}

/**
 * The index of the first conv layer of the run's network, or -1.
 * @param {any} state the run's SessionState
 */
export function firstConv(state) {
  return state ? state.model.layers.findIndex((l) => l.type === "conv2d") : -1;
}

/**
 * Paint the run's probe output on `canvas` and its first conv layer's maps on `maps`. Returns true
 * once all of it is painted (false: paint again on a later frame).
 * @param {HTMLCanvasElement} canvas
 * @param {HTMLCanvasElement | null} maps
 * @param {{state: any, probe: Record<string, {header: any, data: Float32Array}>}} run
 */
export function paintProbe(canvas, maps, run) {
  const state = run.state;
  const last = state ? state.model.layers.length - 1 : -1;
  const out = run.probe[`activation:${last}`];
  const target = run.probe.probe_target;
  if (!state || !out) return false;
  const shape = out.header.shape;
  if (shape.length === 2) {
    // a sequence output (time, features): predicted against true over time
    const features = shape[1] || 1;
    const predicted = Array.from({ length: shape[0] }, (_, s) => out.data[s * features]);
    const truth = target ? Array.from({ length: shape[0] }, (_, s) => target.data[s * features]) : null;
    paintSequence(canvas, predicted, truth, OUTPUT_WIDTH, 70);
    canvas.dataset.role = "sequence";
    canvas.dataset.values = predicted.map(String).join(",");
  } else {
    const values = outputProbabilities(state.model.layers[last], state.task, out.data);
    const names = classNamesOf(S.catalog.peek(), state.dataset, null);
    const labels = values.map((_, k) => className(names, k));
    paintClassBars(canvas, values, target ? targetClass(state.task, target.data) : null, labels, OUTPUT_WIDTH);
    canvas.dataset.role = "bars";
  }
  bump(canvas);
  const conv = firstConv(state);
  const fm = conv >= 0 ? run.probe[`activation:${conv}`] : null;
  if (!fm || fm.header.shape.length !== 3) return conv < 0; // a CNN's maps record may come a moment later
  if (!maps) return false; // its canvas mounts with the render that follows the first records
  paintMaps(maps, fm.data, gridLayout(fm.header.shape, MAPS_WIDTH, { maxCell: 4 }));
  maps.dataset.shape = fm.header.shape.join("x");
  bump(maps);
  return true;
}

/**
 * Paint ‖dL/dh_t‖ per time step (`run.timeGrads`) as bars, the latest step's gradient right.
 * data-norms lists the norms drawn, data-frames counts the paintings (tests read both).
 * @param {HTMLCanvasElement} canvas
 * @param {{timeGrads: Float32Array | null}} run
 */
export function paintTimeGrads(canvas, run) {
  const values = run.timeGrads ? Array.from(run.timeGrads) : [];
  if (!values.length) return false;
  const ctx = canvas.getContext("2d");
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  const max = finite.length ? Math.max(...finite) : 1;
  const floor = max / 1e4;
  const slot = width / values.length;
  values.forEach((v, s) => {
    const f = Number.isFinite(v) ? (v > floor ? Math.log10(v / floor) / 4 : 0) : 1;
    ctx.fillStyle = Number.isFinite(v) ? "#0877bd" : "#c8372d";
    const h = Math.max(1, f * height);
    ctx.fillRect(s * slot + slot * 0.1, height - h, Math.max(1, slot * 0.8), h);
  });
  canvas.dataset.norms = values.map(String).join(",");
  bump(canvas);
  return true;
}
