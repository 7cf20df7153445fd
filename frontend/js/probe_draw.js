// Canvas painting for the probe view: feature maps in a grid of tiles (with an optional zero
// padding border), unit values as a strip of cells, output bars per class, and a sequence's
// prediction against its target over time. Pure functions of their arguments: no state here.
import { paintValues, CLASS_COLOURS } from "./heatmap.js";
import { paintImage } from "./datasets.js";
import { canvasFont } from "./fonts.js";

/** The largest |value| of `data` that is finite (1 when there is none), for a symmetric colour range. */
export function absMax(data, from = 0, to = data.length) {
  let max = 0;
  for (let i = from; i < to; i++) {
    const a = Math.abs(data[i]);
    if (a > max && a !== Infinity) max = a;
  }
  return max || 1;
}

/**
 * Where each tile of a (C, H, W) grid goes: {cols, rows, tile, gap, pad, width, height}. `pad` cells
 * of zero padding are drawn around each map; tiles are as large as `maxWidth` allows (at most
 * `maxCell` pixels per cell).
 */
export function gridLayout(shape, maxWidth, { pad = [0, 0, 0, 0], maxCell = 8, maxCols = 8 } = {}) {
  const [channels, h, w] = shape;
  const [top, bottom, left, right] = pad;
  const ph = h + top + bottom;
  const pw = w + left + right;
  const gap = 4;
  const cols = Math.max(1, Math.min(channels, maxCols));
  const rows = Math.ceil(channels / cols);
  const cell = Math.max(1, Math.min(maxCell, Math.floor((maxWidth - gap * (cols - 1)) / cols / pw)));
  return { channels, h, w, pad, ph, pw, cols, rows, cell, gap, width: cols * (pw * cell + gap) - gap, height: rows * (ph * cell + gap) - gap };
}

/** The tile origin (canvas pixels) of channel c: the top-left corner of its padded map. */
export function tileOrigin(layout, c) {
  const { cols, pw, ph, cell, gap } = layout;
  return [(c % cols) * (pw * cell + gap), Math.floor(c / cols) * (ph * cell + gap)];
}

/** The channel and cell (row, column of the unpadded map) under canvas pixel (x, y), or null. */
export function cellAt(layout, x, y) {
  const { cols, pw, ph, cell, gap, channels, h, w, pad } = layout;
  const col = Math.floor(x / (pw * cell + gap));
  const row = Math.floor(y / (ph * cell + gap));
  const c = row * cols + col;
  if (col >= cols || c >= channels || c < 0) return null;
  const [ox, oy] = tileOrigin(layout, c);
  const r = Math.floor((y - oy) / cell) - pad[0];
  const k = Math.floor((x - ox) / cell) - pad[2];
  if (r < 0 || r >= h || k < 0 || k >= w) return null;
  return { c, r, k };
}

/**
 * Paint a (C, H, W) tensor as tiles. `image`: draw as an image (values in [0, 1], ink on paper)
 * instead of the diverging scale over ±max. The padding border is drawn as hatched zeros.
 */
export function paintMaps(canvas, data, layout, { image = false, max = null } = {}) {
  const { channels, h, w, pad, ph, pw, cell } = layout;
  canvas.width = layout.width;
  canvas.height = layout.height;
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = false;
  const off = document.createElement("canvas");
  off.width = w;
  off.height = h;
  const octx = off.getContext("2d");
  const img = octx.createImageData(w, h);
  const m = max ?? absMax(data);
  const plane = h * w;
  const square = h === w;
  for (let c = 0; c < channels; c++) {
    if (image) paintImage(img, data, [1, h, w], c * plane);
    else if (square) paintValues(img, data, c * plane, h, -m, m);
    else paintRect(img, data, c * plane, h, w, m);
    octx.putImageData(img, 0, 0);
    const [ox, oy] = tileOrigin(layout, c);
    if (pad.some((p) => p > 0)) {
      // The zero padding: light grey cells with a fine grid, around the map.
      ctx.fillStyle = "#f1f3f5";
      ctx.fillRect(ox, oy, pw * cell, ph * cell);
      ctx.strokeStyle = "rgba(0,0,0,0.10)";
      ctx.lineWidth = 1;
      for (let i = 0; i <= pw; i++) {
        ctx.beginPath();
        ctx.moveTo(ox + i * cell + 0.5, oy);
        ctx.lineTo(ox + i * cell + 0.5, oy + ph * cell);
        ctx.stroke();
      }
      for (let i = 0; i <= ph; i++) {
        ctx.beginPath();
        ctx.moveTo(ox, oy + i * cell + 0.5);
        ctx.lineTo(ox + pw * cell, oy + i * cell + 0.5);
        ctx.stroke();
      }
    }
    ctx.drawImage(off, ox + pad[2] * cell, oy + pad[0] * cell, w * cell, h * cell);
  }
}

/** paintValues for a non-square map (rows × cols). */
function paintRect(img, data, offset, rows, cols, m) {
  const px = img.data;
  const tmp = { data: new Uint8ClampedArray(4) };
  const one = new Float32Array(1);
  for (let i = 0; i < rows * cols; i++) {
    one[0] = data[offset + i];
    paintValues(tmp, one, 0, 1, -m, m);
    px.set(tmp.data, i * 4);
  }
}

/** Outline cells (channel c; rows r0..r1, columns k0..k1 of the unpadded map) on a painted grid. */
export function outlineCells(canvas, layout, c, r0, k0, r1 = r0, k1 = k0, colour = "#c8372d") {
  const ctx = canvas.getContext("2d");
  const [ox, oy] = tileOrigin(layout, c);
  const { cell, pad } = layout;
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2;
  ctx.strokeRect(ox + (k0 + pad[2]) * cell + 1, oy + (r0 + pad[0]) * cell + 1, (k1 - k0 + 1) * cell - 2, (r1 - r0 + 1) * cell - 2);
}

/** Unit values (a flat vector) as a row of coloured cells, wrapped onto rows of `perRow`; masked-out units grey. */
export function paintUnits(canvas, data, { perRow = 32, cell = 12, max = null, mask = null } = {}) {
  const n = data.length;
  const cols = Math.max(1, Math.min(n, perRow));
  const rows = Math.max(1, Math.ceil(n / cols));
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  const ctx = canvas.getContext("2d");
  const m = max ?? absMax(data);
  // One ImageData written cell by cell (a fillRect per cell with a colour string is ~5x slower).
  const image = ctx.createImageData(canvas.width, canvas.height);
  const px = image.data;
  const colour = { data: new Uint8ClampedArray(4) };
  const side = Math.max(1, cell - 1); // one pixel of gap between cells
  for (let i = 0; i < n; i++) {
    if (mask && mask[i] === 0) colour.data.set(DROPPED_RGBA);
    else paintValues(colour, data, i, 1, -m, m);
    const x0 = (i % cols) * cell;
    const y0 = Math.floor(i / cols) * cell;
    for (let y = 0; y < side; y++) {
      let o = ((y0 + y) * canvas.width + x0) * 4;
      for (let x = 0; x < side; x++, o += 4) px.set(colour.data, o);
    }
  }
  ctx.putImageData(image, 0, 0);
}

const DROPPED_RGBA = [197, 203, 211, 255];

/**
 * The output per class as bars: probabilities (softmax or sigmoid) in [0, 1], the true class
 * outlined. `names`: the class names. Returns the index of the largest output.
 */
export function paintClassBars(canvas, values, target, names, width) {
  const n = values.length;
  const rowH = 16;
  const labelW = 54;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(n * rowH * dpr);
  canvas.style.height = `${n * rowH}px`;
  const ctx = canvas.getContext("2d");
  ctx.scale(dpr, dpr);
  ctx.clearRect(0, 0, width, n * rowH);
  let best = 0;
  for (let i = 1; i < n; i++) if (values[i] > values[best]) best = i;
  const barW = width - labelW - 44;
  ctx.font = canvasFont(11);
  ctx.textBaseline = "middle";
  for (let i = 0; i < n; i++) {
    const y = i * rowH;
    const v = Number.isFinite(values[i]) ? Math.max(0, Math.min(1, values[i])) : 0;
    const isTrue = target === i;
    ctx.fillStyle = isTrue ? "#1f2933" : "#52606d";
    ctx.fillText(String(names[i] ?? i), 2, y + rowH / 2, labelW - 6);
    ctx.fillStyle = "#eef0f2";
    ctx.fillRect(labelW, y + 2, barW, rowH - 4);
    ctx.fillStyle = i === best ? CLASS_COLOURS[1] : "#9fb3c8";
    ctx.fillRect(labelW, y + 2, barW * v, rowH - 4);
    if (isTrue) {
      ctx.strokeStyle = "#2f9e5b";
      ctx.lineWidth = 2;
      ctx.strokeRect(labelW - 1, y + 1, barW + 2, rowH - 2);
    }
    ctx.fillStyle = "#1f2933";
    ctx.fillText(Number.isFinite(values[i]) ? values[i].toFixed(3) : String(values[i]), labelW + barW + 4, y + rowH / 2);
  }
  // What was drawn, for the tests that compare it with the painted bars (and for a lesson's check).
  canvas.dataset.values = Array.from(values, (v) => String(v)).join(",");
  canvas.dataset.truth = target === null || target === undefined ? "" : String(target);
  canvas.dataset.barLeft = String(labelW);
  canvas.dataset.barWidth = String(barW);
  return best;
}

/** Predicted (solid) against true (dashed) over time, for sequence outputs (time, features=1). */
export function paintSequence(canvas, predicted, target, width, height = 90) {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext("2d");
  ctx.scale(dpr, dpr);
  ctx.clearRect(0, 0, width, height);
  const all = [...predicted, ...(target || [])].filter(Number.isFinite);
  let lo = Math.min(0, ...all);
  let hi = Math.max(0, ...all);
  if (hi - lo < 1e-6) hi = lo + 1;
  const pad = 6;
  const n = predicted.length;
  const px = (s) => pad + (s / Math.max(1, n - 1)) * (width - 2 * pad);
  const py = (v) => pad + (1 - (v - lo) / (hi - lo)) * (height - 2 * pad);
  ctx.fillStyle = "#f7f9fb";
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = "rgba(0,0,0,0.12)";
  ctx.beginPath();
  ctx.moveTo(pad, py(0));
  ctx.lineTo(width - pad, py(0));
  ctx.stroke();
  const line = (values, colour, dash) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.8;
    ctx.setLineDash(dash);
    ctx.beginPath();
    values.forEach((v, s) => (s ? ctx.lineTo(px(s), py(v)) : ctx.moveTo(px(s), py(v))));
    ctx.stroke();
    ctx.setLineDash([]);
  };
  if (target) line(target, CLASS_COLOURS[0], [4, 3]);
  line(predicted, CLASS_COLOURS[1], []);
}
