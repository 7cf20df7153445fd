// Drawing the loss landscape on a canvas: the loss as colour (light: low, dark: high, on a log scale
// when it spans decades), contour lines, the axes with their values, the optimizer's path, the
// point the map was computed at, and from it the optimizer's real next step (solid) and plain gradient
// descent's −η·∇L (dashed).
import { contourLevels, contourSegments } from "./contours.js";

export const SIZE = 420;
const MARGIN = { left: 52, right: 12, top: 12, bottom: 40 };
const LOW = [255, 250, 228];
const HIGH = [31, 58, 110];
export const PATH_COLOUR = "#f59322";
export const ARROW_COLOUR = "#c8372d";
export const PLAIN_COLOUR = "#3e4c59";

/** The plot's pixel box and the maps between data and pixels. */
export function frameOf(answer) {
  const x0 = answer.x[0];
  const x1 = answer.x[answer.x.length - 1];
  const y0 = answer.y[0];
  const y1 = answer.y[answer.y.length - 1];
  const left = MARGIN.left;
  const top = MARGIN.top;
  const width = SIZE - MARGIN.left - MARGIN.right;
  const height = SIZE - MARGIN.top - MARGIN.bottom;
  return {
    left, top, width, height,
    px: (x) => left + ((x - x0) / (x1 - x0)) * width,
    py: (y) => top + height - ((y - y0) / (y1 - y0)) * height,
  };
}

function shade(t) {
  return LOW.map((c, k) => Math.round(c + (HIGH[k] - c) * t));
}

function paintSurface(ctx, answer, frame, scale) {
  const n = answer.x.length;
  const m = answer.y.length;
  const off = document.createElement("canvas");
  off.width = n;
  off.height = m;
  const octx = off.getContext("2d");
  const image = octx.createImageData(n, m);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) {
      const v = answer.loss[j][i];
      const o = ((m - 1 - j) * n + i) * 4; // row 0 of the image is the top: the largest y
      const rgb = v === null ? [200, 200, 200] : shade(scale(v));
      image.data[o] = rgb[0];
      image.data[o + 1] = rgb[1];
      image.data[o + 2] = rgb[2];
      image.data[o + 3] = 255;
    }
  }
  octx.putImageData(image, 0, 0);
  // Grid points are the centres of the image's pixels; stretch them to span the axes' ends.
  const cw = frame.width / (n - 1);
  const ch = frame.height / (m - 1);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, frame.left - cw / 2, frame.top - ch / 2, frame.width + cw, frame.height + ch);
}

function drawContours(ctx, answer, frame, levels) {
  const n = answer.x.length;
  const m = answer.y.length;
  const gx = (i) => frame.left + (i / (n - 1)) * frame.width;
  const gy = (j) => frame.top + frame.height - (j / (m - 1)) * frame.height;
  ctx.lineWidth = 1;
  let drawn = 0;
  levels.forEach((level, k) => {
    ctx.strokeStyle = k % 3 === 2 ? "rgba(20, 28, 40, 0.55)" : "rgba(20, 28, 40, 0.28)";
    ctx.beginPath();
    for (const [i1, j1, i2, j2] of contourSegments(answer.loss, level)) {
      ctx.moveTo(gx(i1), gy(j1));
      ctx.lineTo(gx(i2), gy(j2));
      drawn += 1;
    }
    ctx.stroke();
  });
  return drawn; // the segments stroked, read by the tests against the server's grid
}

function short(v) {
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1000) ? v.toExponential(1) : v.toFixed(2);
}

function drawAxes(ctx, answer, frame) {
  ctx.strokeStyle = "#7b8794";
  ctx.lineWidth = 1;
  ctx.strokeRect(frame.left, frame.top, frame.width, frame.height);
  ctx.fillStyle = "#52606d";
  ctx.font = "11px system-ui, sans-serif";
  const xs = [answer.x[0], answer.center[0], answer.x[answer.x.length - 1]];
  const ys = [answer.y[0], answer.center[1], answer.y[answer.y.length - 1]];
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const v of xs) ctx.fillText(short(v), frame.px(v), frame.top + frame.height + 4);
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const v of ys) ctx.fillText(short(v), frame.left - 4, frame.py(v));
  ctx.font = "600 12px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillText(answer.x_label, frame.left + frame.width / 2, SIZE - 2);
  ctx.save();
  ctx.translate(12, frame.top + frame.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "middle";
  ctx.fillText(answer.y_label, 0, 0);
  ctx.restore();
}

function drawPath(ctx, points, frame) {
  if (!points.length) return;
  ctx.strokeStyle = PATH_COLOUR;
  ctx.lineWidth = 2;
  ctx.beginPath();
  points.forEach(([x, y], k) => (k ? ctx.lineTo(frame.px(x), frame.py(y)) : ctx.moveTo(frame.px(x), frame.py(y))));
  ctx.stroke();
  ctx.fillStyle = PATH_COLOUR;
  for (const [x, y] of points) {
    ctx.beginPath();
    ctx.arc(frame.px(x), frame.py(y), 1.8, 0, 2 * Math.PI);
    ctx.fill();
  }
  const [x, y] = points[points.length - 1];
  ctx.beginPath();
  ctx.arc(frame.px(x), frame.py(y), 5, 0, 2 * Math.PI);
  ctx.fill();
  ctx.strokeStyle = "#fff";
  ctx.lineWidth = 1.5;
  ctx.stroke();
}

/** An arrow from the map's centre along `step` (data units) in `colour`, dashed or not; returns its length in pixels. */
function drawArrow(ctx, answer, frame, step, colour, dashed) {
  const [cx, cy] = answer.center;
  const x1 = frame.px(cx);
  const y1 = frame.py(cy);
  const x2 = frame.px(cx + step[0]);
  const y2 = frame.py(cy + step[1]);
  const length = Math.hypot(x2 - x1, y2 - y1);
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = dashed ? 1.5 : 2;
  if (!dashed) {
    ctx.beginPath();
    ctx.arc(x1, y1, 3, 0, 2 * Math.PI);
    ctx.fill();
  }
  if (length < 1) return length;
  ctx.setLineDash(dashed ? [5, 4] : []);
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2, y2);
  ctx.stroke();
  ctx.setLineDash([]);
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const head = Math.min(dashed ? 7 : 9, length);
  ctx.beginPath();
  ctx.moveTo(x2, y2);
  ctx.lineTo(x2 - head * Math.cos(angle - 0.45), y2 - head * Math.sin(angle - 0.45));
  ctx.lineTo(x2 - head * Math.cos(angle + 0.45), y2 - head * Math.sin(angle + 0.45));
  ctx.closePath();
  if (dashed) ctx.stroke();
  else ctx.fill();
  return length;
}

/** Where an arrow along `step` ends, in data units, for the canvas's data attributes ("" for none). */
function tipText(answer, step) {
  return step ? `${answer.center[0] + step[0]},${answer.center[1] + step[1]}` : "";
}

/**
 * Draw everything; `step` is the optimizer's next step and `plain` −η·gradient, in data units (or
 * null). Returns {arrowPixels, scale} (the optimizer arrow's length; scale: "log" or "linear", how
 * colour follows the loss).
 */
export function drawLandscape(canvas, answer, points, step, plain) {
  canvas.width = SIZE;
  canvas.height = SIZE;
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, SIZE, SIZE);
  const frame = frameOf(answer);
  const { levels, lo, hi, log } = contourLevels(answer.loss, 14);
  const scale = (v) => {
    if (!(hi > lo)) return 0;
    const t = log ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo);
    return Math.max(0, Math.min(1, t));
  };
  paintSurface(ctx, answer, frame, scale);
  ctx.save();
  ctx.beginPath();
  ctx.rect(frame.left, frame.top, frame.width, frame.height);
  ctx.clip();
  const contours = drawContours(ctx, answer, frame, levels);
  drawPath(ctx, points, frame);
  if (plain) drawArrow(ctx, answer, frame, plain, PLAIN_COLOUR, true);
  const arrowPixels = step ? drawArrow(ctx, answer, frame, step, ARROW_COLOUR, false) : null;
  ctx.restore();
  drawAxes(ctx, answer, frame);
  canvas.dataset.contours = String(contours);
  canvas.dataset.contourLevels = String(levels.length);
  canvas.dataset.arrowTip = tipText(answer, step);
  canvas.dataset.plainTip = tipText(answer, plain);
  canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1);
  return { arrowPixels, scale: log ? "log" : "linear" };
}
