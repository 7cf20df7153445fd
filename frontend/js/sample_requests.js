// Reads of a session's samples for the data views: the samples shown (GET .../data) and fresh
// augmentations of one training image (GET .../augment). One request of each kind is in flight at
// a time: a newer one aborts the older (state.js's `sampleRequests`), so a slow answer never
// overwrites a newer one.
import { api } from "./api.js";
import { kindOf } from "./datasets.js";
import * as S from "./state.js";

/** How many samples to show of each kind (2-D sets always come whole). */
const SAMPLE_LIMITS = { image: 32, sequence: 4, table: 8 };

export async function loadPoints() {
  const id = S.sessionId.peek();
  const state = S.session.peek();
  if (!id || !state) return;
  const dataset = state.dataset;
  const key = JSON.stringify(dataset);
  const controller = S.sampleRequests.points.begin();
  try {
    const limit = SAMPLE_LIMITS[kindOf(S.catalog.peek(), dataset)];
    const data = await api.getData(id, { limit, signal: controller.signal });
    if (controller.signal.aborted || S.sessionId.peek() !== id) return;
    S.points.value = { key, dataset, ...data };
    S.frames.requestFrame();
  } catch (err) {
    if (err && err.name === "AbortError") return;
    console.warn("NeuroPlay: could not load the data points", err);
  } finally {
    S.sampleRequests.points.end(controller);
  }
}

/** Fresh augmentations of training image `index` (null: the one shown now; "random": another). */
export async function loadAugmentPreview(index = null, count = 12) {
  const id = S.sessionId.peek();
  const state = S.session.peek();
  if (!id || !state) return;
  const shown = S.augmentPreview.peek();
  let at = index === null ? (shown ? shown.index : 0) : index;
  if (at === "random") at = Math.floor(Math.random() * Math.max(1, state.train_size));
  at = Math.min(at, Math.max(0, state.train_size - 1));
  const controller = S.sampleRequests.preview.begin();
  S.augmentLoading.value = true;
  try {
    const preview = await api.augmentPreview(id, at, count, { signal: controller.signal });
    if (S.sessionId.peek() !== id) return;
    S.augmentPreview.value = { index: at, key: JSON.stringify(S.session.peek().dataset.augment), ...preview };
  } catch (err) {
    if (err && err.name === "AbortError") return;
    S.augmentPreview.value = { index: at, error: err.message };
  } finally {
    if (S.sampleRequests.preview.end(controller)) S.augmentLoading.value = false;
  }
}

/** Abandon the samples' request in flight (the page moves to another session). */
export function abandonPoints() {
  S.sampleRequests.points.abort();
}
