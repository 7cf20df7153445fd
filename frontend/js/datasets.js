// What the UI needs to know about datasets beyond the catalog entry: the kind of a session's data
// (uploads have no catalog entry), class names, and drawing images. Which settings apply and what a
// dataset change does to the network are the server's (the session state, sessions/follow_data.py).
import { classLabel } from "./catalog_labels.js";

/** The kinds in the order the picker shows them, with the i18n key of their group title. */
export const KINDS = [
  ["points", "data.group.points"],
  ["image", "data.group.image"],
  ["sequence", "data.group.sequence"],
];

/** The catalog entry of a dataset name (null for "upload", which has none). */
export function entryOf(catalog, name) {
  return (catalog && catalog.datasets.find((d) => d.name === name)) || null;
}

/** "points" | "image" | "sequence" | "table" for a DatasetSpec. */
export function kindOf(catalog, dataset) {
  if (!dataset) return "points";
  if (dataset.name === "upload") return dataset.upload && dataset.upload.format === "images" ? "image" : "table";
  const entry = entryOf(catalog, dataset.name);
  return (entry && entry.kind) || "points";
}

/**
 * The class names of a session's data: the catalog's for a built-in set; for an upload (which has
 * no catalog entry) the ones its samples came with (GET /data: an image set's folder names).
 * @param {any} catalog @param {any} dataset @param {{class_names?: string[]} | null} points S.points
 * @returns {string[]}
 */
export function classNamesOf(catalog, dataset, points) {
  const entry = dataset ? entryOf(catalog, dataset.name) : null;
  if (entry && entry.class_names && entry.class_names.length) return entry.class_names;
  return (points && points.class_names) || [];
}

/** A class index's name from `names` (classNamesOf), in the learner's language where the locale has it, else the index itself. */
export function className(names, index) {
  return names && names[index] !== undefined ? classLabel(names[index]) : String(index);
}

/** Size `canvas` to the image and paint the values (shape [C, H, W], values in [0, 1]) on it. */
export function drawImage(canvas, values, shape) {
  const [, h, w] = shape;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(w, h);
  paintImage(image, values, shape);
  ctx.putImageData(image, 0, 0);
}

/** Values in [0, 1] (images) → an ImageData-ready RGBA array; shape [C, H, W], C 1 or 3. */
export function paintImage(image, values, shape, offset = 0) {
  const [c, h, w] = shape;
  const px = image.data;
  const plane = h * w;
  for (let i = 0; i < plane; i++) {
    const o = i * 4;
    if (c >= 3) {
      for (let k = 0; k < 3; k++) px[o + k] = Math.round(255 * clamp01(values[offset + k * plane + i]));
    } else {
      const v = 255 - Math.round(255 * clamp01(values[offset + i])); // ink on paper
      px[o] = px[o + 1] = px[o + 2] = v;
    }
    px[o + 3] = 255;
  }
}

function clamp01(v) {
  return v > 1 ? 1 : v > 0 ? v : 0; // NaN → 0
}
