// Colour scale and heatmap painting shared by the boundary view and the neuron maps.
// Values map through a diverging scale: orange (negative / class 0), light grey (0), blue
// (positive / class 1), as in TensorFlow Playground. NaN and infinities paint grey.

export const ORANGE = [245, 147, 34];
export const MIDDLE = [232, 234, 235];
export const BLUE = [8, 119, 189];
export const NAN_RGB = [150, 150, 150];
export const CLASS_COLOURS = ["#f59322", "#0877bd"];

const STEPS = 256;
/** LUT[i*3 .. i*3+2] is the colour of value -1 + 2 i / 255. */
const LUT = new Uint8ClampedArray(STEPS * 3);
for (let i = 0; i < STEPS; i++) {
  const v = (i / (STEPS - 1)) * 2 - 1;
  const [from, to, f] = v < 0 ? [MIDDLE, ORANGE, -v] : [MIDDLE, BLUE, v];
  for (let c = 0; c < 3; c++) LUT[i * 3 + c] = Math.round(from[c] + (to[c] - from[c]) * f);
}

/** CSS colour of a value in [-1, 1] (clamped). */
export function colourOf(value) {
  if (!Number.isFinite(value)) return `rgb(${NAN_RGB.join(",")})`;
  const i = Math.round(((Math.max(-1, Math.min(1, value)) + 1) / 2) * (STEPS - 1));
  return `rgb(${LUT[i * 3]},${LUT[i * 3 + 1]},${LUT[i * 3 + 2]})`;
}

/**
 * The value range an activation's outputs are drawn over: [lo, hi] maps to [-1, 1].
 * Sigmoid and softmax live in [0, 1]; the rest are drawn over [-1, 1] and clamped.
 */
export function domainOf(activation) {
  return activation === "sigmoid" || activation === "softmax" ? [0, 1] : [-1, 1];
}

/**
 * Paint `size`×`size` values from `data` (starting at `offset`) into `image` (an ImageData of the
 * same size), mapping [lo, hi] onto the colour scale. `alpha` 0-255.
 */
export function paintValues(image, data, offset, size, lo = -1, hi = 1, alpha = 255) {
  const px = image.data;
  const scale = (STEPS - 1) / (hi - lo);
  const n = size * size;
  for (let i = 0; i < n; i++) {
    const v = data[offset + i];
    const o = i * 4;
    if (v === v && v !== Infinity && v !== -Infinity) {
      let k = ((v - lo) * scale) | 0;
      if (k < 0) k = 0;
      else if (k > STEPS - 1) k = STEPS - 1;
      px[o] = LUT[k * 3];
      px[o + 1] = LUT[k * 3 + 1];
      px[o + 2] = LUT[k * 3 + 2];
    } else {
      px[o] = NAN_RGB[0];
      px[o + 1] = NAN_RGB[1];
      px[o + 2] = NAN_RGB[2];
    }
    px[o + 3] = alpha;
  }
}

/** A reusable small canvas + ImageData pair of a given size, for painting then scaling up. */
export function makeOffscreen(size) {
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext("2d");
  return { canvas, ctx, image: ctx.createImageData(size, size), size };
}
