// The landscape view's data: fetching GET .../landscape, and the optimizer's path over it.
//
// The path is where the weights the page watches (the "weights" view's records) sit on the map's
// plane: center + P·θ − origin, with the projection P and origin the server sent (docs/protocol.md).
// For two parameter entries that is simply their values; along random directions it is the weights'
// least-squares shadow on the plane. One point per weights frame of a new step, so it grows at the
// display rate while the session plays. A new path starts with the server's trail, the weights it
// showed before (real snapshots, thinned), projected onto the same plane; for a model too large for
// the server to keep them (trail null) it starts at the weights of the moment the tab opened.
import { batch } from "@preact/signals";
import { api } from "../../api.js";
import * as S from "../../state.js";
import { paramValues } from "../../editing/param_edits.js";
import { paramRank } from "../../layer_params.js";

/** The query string's fields that are set (the server's defaults for the rest). */
function cleanQuery(query) {
  const out = {};
  for (const [key, value] of Object.entries(query)) if (value !== null && value !== undefined && value !== "") out[key] = String(value);
  return out;
}

/** Which path an answer's points belong to: entry axes keep theirs across recomputing, a random plane does not. */
export function pathKey(answer, serial) {
  return answer.axes === "entries"
    ? `entries|${answer.generation}|${answer.x_label}|${answer.y_label}`
    : `random|${answer.generation}|${serial}`;
}

/** Fetch the landscape for `query` ({axes, x, y, span, size, seed}); the newest request wins. */
export async function loadLandscape(query) {
  const id = S.sessionId.peek();
  if (!id) return;
  const path = S.landscapePath;
  const ticket = ++path.ticket;
  S.landscapeLoading.value = true;
  const started = performance.now();
  const state = S.session.peek();
  // What it was asked for (the panel follows changes).
  const at = { step: S.step.peek(), edits: S.editCount.peek(), training: state ? JSON.stringify(state.training) : "" };
  try {
    const answer = await api.landscape(id, cleanQuery(query));
    if (ticket !== path.ticket || S.sessionId.peek() !== id) return;
    const key = pathKey(answer, ticket);
    if (key !== path.key) {
      path.key = key;
      const trail = answer.trail;
      const before = trail ? trail.points.filter((p) => p.step < answer.step).map((p) => [p.x, p.y, p.step]) : [];
      path.points = [...before, [answer.center[0], answer.center[1], answer.step]];
      path.since = trail ? Math.min(trail.since_step, answer.step) : null;
      path.thinned = Boolean(trail && trail.thinned);
      path.lastStep = answer.step;
      path.seq += 1;
    }
    S.landscape.value = { query, answer, at, tookMs: performance.now() - started };
    S.frames.requestFrame(); // the panel draws in the frame loop
  } catch (err) {
    if (ticket !== path.ticket) return;
    // the error itself, not its text: an ApiError's message follows the language switch
    S.landscape.value = { query, at, error: err instanceof Error ? err : new Error(String(err)) };
  } finally {
    if (ticket === path.ticket) S.landscapeLoading.value = false;
  }
}

/** Forget the map and its path (another session, or the view closed). */
export function clearLandscape() {
  const path = S.landscapePath;
  path.ticket += 1;
  path.key = "";
  path.points = [];
  path.lastStep = -1;
  path.since = null;
  path.thinned = false;
  path.seq += 1;
  batch(() => {
    S.landscape.value = null;
    S.landscapeLoading.value = false;
  });
}

/** Where the latest watched weights sit on the map's plane: [x, y, step], or null (not all at one step yet). */
export function weightsPosition(answer) {
  if (!answer.projection) return null;
  let x = answer.center[0] - answer.origin[0];
  let y = answer.center[1] - answer.origin[1];
  let step = null;
  for (const part of answer.projection) {
    const match = /^layer(\d+)\.(\w+)$/.exec(part.param);
    const values = match ? paramValues(Number(match[1]), match[2]) : null;
    if (!values || (step !== null && values.step !== step)) return null;
    step = values.step;
    for (let k = 0; k < part.x.length; k++) {
      const v = values.data[part.start + k];
      x += part.x[k] * v;
      y += part.y[k] * v;
    }
  }
  return step === null ? null : [x, y, step];
}

/** Add the weights' newest position to the path (once per step); returns whether it grew. */
export function extendPath(answer) {
  const path = S.landscapePath;
  if (!path.key) return false;
  const at = weightsPosition(answer);
  if (!at || !Number.isFinite(at[0]) || !Number.isFinite(at[1])) return false;
  const last = path.points[path.points.length - 1];
  if (at[2] === path.lastStep && last && last[0] === at[0] && last[1] === at[1]) return false;
  if (at[2] === path.lastStep && last) path.points[path.points.length - 1] = at; // an edit moved them in place
  else path.points.push(at);
  path.lastStep = at[2];
  path.seq += 1;
  return true;
}

/** Every parameter entry the page knows the shape of, as the landscape names them (for the axis pickers). */
export function entryNames(limitPerParam = 48) {
  const params = [];
  for (const slot of S.tensors.slots.values()) {
    const { name, layer, param, shape } = slot.header;
    if ((name !== "weights" && name !== "biases") || layer === null || layer === undefined) continue;
    params.push({ layer, param: param || (name === "biases" ? "b" : "W"), shape });
  }
  // Within a layer in the engine's order (the catalog's, which the landscape's own default picks follow).
  const catalog = S.catalog.peek();
  const types = S.session.peek()?.model.layers.map((l) => l.type) || [];
  const rank = (p) => paramRank(catalog, types[p.layer] || "", p.param);
  params.sort((a, b) => a.layer - b.layer || rank(a) - rank(b));
  const names = [];
  for (const { layer, param, shape } of params) {
    const size = shape.reduce((a, b) => a * b, 1);
    for (let flat = 0; flat < Math.min(size, limitPerParam); flat++) {
      const index = [];
      let rest = flat;
      for (let d = shape.length - 1; d >= 0; d--) {
        index.unshift(rest % shape[d]);
        rest = Math.floor(rest / shape[d]);
      }
      names.push(`layer${layer}.${param}[${index.join(", ")}]`);
    }
  }
  return names;
}

/** A one-neuron regression: one weight and one bias on 1-D data, so its landscape is the true one. */
export const ONE_NEURON = {
  model: { input_shape: [1], layers: [{ type: "dense", units: 1, activation: "linear" }] },
  dataset: { name: "plane", features: ["x1"], points: 200, noise: 0.1 },
  training: { optimizer: "sgd", learning_rate: 0.05, batch_size: 10000 },
};
