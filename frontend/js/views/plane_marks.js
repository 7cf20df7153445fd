// Marks drawn over the 2-D plane besides the data: the ring around the probe sample and the
// keyboard cross of drawing mode. Pure drawing: no state of their own.

/** The keyboard cross: a circle with a gap in its middle, visible on any colour. */
export function drawCross(ctx, cross, grid, W) {
  const x = ((cross.x1 - grid.x_min) / (grid.x_max - grid.x_min)) * W;
  const y = ((grid.y_max - cross.x2) / (grid.y_max - grid.y_min)) * W;
  const r = W / 40;
  for (const [colour, width] of [["#ffffff", 4], ["#1f2933", 2]]) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.moveTo(x - 2 * r, y);
    ctx.lineTo(x - r / 2, y);
    ctx.moveTo(x + r / 2, y);
    ctx.lineTo(x + 2 * r, y);
    ctx.moveTo(x, y - 2 * r);
    ctx.lineTo(x, y - r / 2);
    ctx.moveTo(x, y + r / 2);
    ctx.lineTo(x, y + 2 * r);
    ctx.stroke();
  }
}

/**
 * The ring around the probe sample (one of `pts`, GET /data's points). A validation probe is drawn
 * as a point too when the validation points are not (`validationShown` false).
 */
export function drawProbe(ctx, pts, probe, grid, W, validationShown) {
  const split = pts[probe.split];
  if (!split || probe.index >= split.x.length) return;
  const [x1, x2] = split.x[probe.index];
  const x = ((x1 - grid.x_min) / (grid.x_max - grid.x_min)) * W;
  const y = ((grid.y_max - x2) / (grid.y_max - grid.y_min)) * W;
  const r = Math.max(7, W / 45);
  if (probe.split === "validation" && !validationShown) {
    // The validation points are hidden: draw this one (hollow, as validation points are) anyway.
    ctx.fillStyle = "rgba(255,255,255,0.85)";
    ctx.beginPath();
    ctx.arc(x, y, Math.max(2.5, W / 110), 0, 2 * Math.PI);
    ctx.fill();
  }
  for (const [colour, width] of [["#ffffff", 5], ["#c8372d", 2.5]]) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.stroke();
  }
}
