// Setting weights, biases and kernels by hand, and freezing entries (PATCH /api/sessions/{id}/params).
//
// Owner only: a viewer's page never sends one (the editors say why instead). Edits go out one at a
// time; while one is in flight only the newest waiting edit of the same entry is kept, so a drag
// that changes a weight sixty times a second sends as many edits as the server can take and always
// ends on the value the pointer let go at. The server's answer (the parameter after the edit) goes
// straight into the tensor slot of the weights view, so the edge or kernel shows the new value
// before the next frame arrives; the boundary and the other views follow from the server's new
// snapshot over the stream.
import { batch } from "@preact/signals";
import { api } from "../api.js";
import * as S from "../state.js";

/** The weights view's record name of a parameter ("biases" for b, else "weights"). */
export function recordName(param) {
  return param === "b" ? "biases" : "weights";
}

/** The latest values of parameter `param` of `layer` the page holds: {shape, data, step} or null. */
export function paramValues(layer, param) {
  const slot = S.tensorSlot(recordName(param), layer, param);
  if (!slot || (slot.header.param && slot.header.param !== param)) return null;
  return { shape: slot.header.shape, data: slot.data, step: slot.header.step };
}

/** The flat (C order) position of `index` in an array of `shape`. */
export function flatIndex(shape, index) {
  let at = 0;
  for (let d = 0; d < shape.length; d++) at = at * shape[d] + index[d];
  return at;
}

/** The current value of one entry, or null while the page has not received the parameter. */
export function entryValue(layer, param, index) {
  const values = paramValues(layer, param);
  if (!values || values.shape.length !== index.length) return null;
  return values.data[flatIndex(values.shape, index)];
}

/**
 * Whether an entry is frozen, from the session state's summary (`frozen["layer0.W"]`: its count,
 * and its indices when there are at most 256).
 */
export function isFrozen(state, layer, param, index) {
  const summary = state && state.frozen ? state.frozen[`layer${layer}.${param}`] : null;
  if (!summary || summary.count === 0) return false;
  if (summary.count === summary.size) return true;
  if (!summary.indices) return null; // many, but not all: GET .../params has the mask
  return summary.indices.some((at) => at.length === index.length && at.every((v, d) => v === index[d]));
}

/** Nested lists of `shape` from flat values (the PATCH body's `values`). */
export function nested(shape, data, offset = 0) {
  if (shape.length === 1) return Array.from(data.subarray(offset, offset + shape[0]));
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) => nested(shape.slice(1), data, offset + i * inner));
}

/** Put the server's answer (a ParamState) into the weights view's slot, as if a frame had brought it. */
function showAnswer(answer) {
  const slot = S.tensorSlot(recordName(answer.param), answer.layer, answer.param);
  const flat = new Float32Array(answer.values.flat(Infinity).map((v) => (v === null ? NaN : v)));
  const header = slot
    ? { ...slot.header, step: answer.step }
    : { name: recordName(answer.param), layer: answer.layer, param: answer.param, shape: answer.shape, step: answer.step, generation: S.tensors.generation };
  S.storeTensor(header, flat);
  S.frames.requestFrame();
}

/** The key that makes a waiting edit replace an older one of the same target. */
function targetOf(edit) {
  return JSON.stringify([edit.layer, edit.param, edit.index ?? null, "value" in edit || "values" in edit]);
}

async function drain() {
  const queue = S.paramEdits;
  if (queue.busy) return;
  queue.busy = true;
  try {
    while (queue.waiting.length) {
      const { id, token, edit, resolve } = queue.waiting.shift();
      if (S.sessionId.peek() !== id) {
        resolve(null);
        continue;
      }
      try {
        const answer = await api.editParams(id, token, edit);
        if (S.sessionId.peek() === id) {
          batch(() => {
            S.editError.value = null;
            S.editCount.value += 1;
          });
          showAnswer(answer);
        }
        resolve(answer);
      } catch (err) {
        if (S.sessionId.peek() === id) S.editError.value = { message: err.message || String(err) };
        resolve(null);
      }
    }
  } finally {
    queue.busy = false;
  }
}

/**
 * Send one edit (a ParamEdit body), after those already waiting; a waiting edit of the same target
 * is replaced by it (its promise answers null). Resolves with the parameter after the edit, or null
 * (refused: S.editError says why; replaced; or a viewer's page, which sends nothing).
 */
export function sendEdit(edit) {
  const id = S.sessionId.peek();
  const token = S.ownerToken.peek();
  if (!id || !token) return Promise.resolve(null);
  return new Promise((resolve) => {
    const waiting = S.paramEdits.waiting;
    const item = { id, token, edit, resolve };
    const same = waiting.findIndex((w) => w.id === id && targetOf(w.edit) === targetOf(edit));
    if (same >= 0) {
      waiting[same].resolve(null);
      waiting[same] = item;
    } else waiting.push(item);
    drain();
  });
}

/** Set one entry (a weight of an edge, a bias, one kernel cell). */
export function setEntry(layer, param, index, value) {
  return sendEdit({ layer, param, index, value });
}

/** Freeze (true) or free (false) one entry. */
export function setFrozen(layer, param, index, frozen) {
  return sendEdit({ layer, param, index, frozen });
}

/** Replace a whole parameter (nested lists of its shape). */
export function setWhole(layer, param, values) {
  return sendEdit({ layer, param, values });
}

/** Read a parameter from the server (its values and whole frozen mask). */
export function readParam(layer, param) {
  const id = S.sessionId.peek();
  return id ? api.params(id, layer, param) : Promise.resolve(null);
}
