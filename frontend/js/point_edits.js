// Drawing on the 2-D plane: adding and removing training points (the session keeps its weights).
import * as S from "./state.js";
import { patch } from "./actions.js";

// ---------------------------------------------------------------- drawn points (2-D sets)
export function setDrawMode(changes) {
  S.drawMode.value = { ...S.drawMode.peek(), ...changes };
}

/** Add a training point at (x1, x2) with `label`; the session keeps its weights and trains on. */
export function addPoint(x1, x2, label) {
  const point = [round3(x1), round3(x2), label];
  return patch(() => {
    const ds = S.session.peek().dataset;
    return { dataset: { added_points: [...ds.added_points, point] } };
  }, "data");
}

function round3(v) {
  return Math.round(v * 1000) / 1000;
}

/**
 * Remove training point `index` of the list /data returned (S.points): the generated points that
 * are kept come first, in the order of their generated index; the drawn ones follow. A generated
 * point goes to removed_points by that index; a drawn one leaves added_points.
 */
export function removePoint(index) {
  const pts = S.points.peek();
  if (!pts || !pts.dataset || index < 0 || index >= pts.train.x.length) return Promise.resolve(null);
  const added = pts.dataset.added_points;
  const kept = pts.train.x.length - added.length;
  let target;
  if (index >= kept) {
    target = { added: added[index - kept] };
  } else {
    const removed = new Set(pts.dataset.removed_points);
    let generated = -1;
    for (let k = -1; k < index; ) if (!removed.has(++generated)) k++; // the index-th one not removed
    target = { generated };
  }
  return patch(() => {
    const ds = S.session.peek().dataset;
    if (target.added) {
      const at = ds.added_points.findIndex((p) => p.every((v, i) => v === target.added[i]));
      if (at < 0) return null; // already gone
      return { dataset: { added_points: ds.added_points.filter((_, i) => i !== at) } };
    }
    if (ds.removed_points.includes(target.generated)) return null;
    return { dataset: { removed_points: [...ds.removed_points, target.generated] } };
  }, "data");
}

/** Put back every generated point and forget the drawn ones. */
export function clearDrawnPoints() {
  return patch({ dataset: { added_points: [], removed_points: [] } }, "data");
}

