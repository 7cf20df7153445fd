// The derived inputs of 2-D data (x1, x1², sin x2, ...) as the server computes them, over the
// session's grid (GET .../features, from data/features.py): the pictures of the graph's input nodes,
// the boundary view's feature focus and the data panel's feature buttons. The browser keeps no
// copy of the formulas. Read once per grid: every session's plane is the same square.
import { api } from "./api.js";
import { kindOf } from "./datasets.js";
import * as S from "./state.js";

/** Read the feature maps if the session shown has 2-D data and those held cover another grid. */
export async function loadFeatureMaps() {
  const id = S.sessionId.peek();
  const state = S.session.peek();
  if (!id || !state || kindOf(S.catalog.peek(), state.dataset) !== "points") return;
  const key = JSON.stringify(state.grid);
  const held = S.featureMaps.peek();
  if (held && held.key === key) return;
  const controller = S.sampleRequests.features.begin();
  try {
    const answer = await api.features(id, { signal: controller.signal });
    if (controller.signal.aborted) return;
    const byName = new Map(
      answer.features.map((f) => [f.name, { values: Float32Array.from(f.values), low: f.low, high: f.high }]),
    );
    S.featureMaps.value = { key: JSON.stringify(answer.grid), grid: answer.grid, byName };
    S.frames.requestFrame();
  } catch (err) {
    if (err && err.name === "AbortError") return;
    console.warn("NeuroPlay: could not load the input features' maps", err);
  } finally {
    S.sampleRequests.features.end(controller);
  }
}

/**
 * The map of feature `name` over a grid of `size`×`size`, or null while none is held.
 * @returns {{values: Float32Array, low: number, high: number} | null}
 */
export function featureMapOf(name, size) {
  const maps = S.featureMaps.peek();
  if (!maps || maps.grid.size !== size) return null;
  return maps.byName.get(name) || null;
}
