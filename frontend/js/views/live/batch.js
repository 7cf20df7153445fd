// View "batch": the training samples of the last step's batch. No panel of its own: the decision
// boundary (boundary_view.js) rings those points on the 2-D plane, and watches this view only when
// a person can follow the batches: at a slow speed, or while paused (stepping one batch at a time).
import * as S from "../../state.js";

export const place = "overlay";

/** At most this many steps per second the batches are shown (faster, they are a blur). */
export const MAX_STEPS_PER_SECOND = 10;

/** Whether batches are worth showing for this session now. */
export function batchesVisible(state, status) {
  if (!state) return false;
  const speed = state.training.steps_per_second;
  return status !== "running" || (speed !== null && speed !== undefined && speed <= MAX_STEPS_PER_SECOND);
}

/** The training indices of the last batch (a Float32Array) with its record's seq, or null. */
export function lastBatch() {
  const slot = S.tensorSlot("batch_indices", null);
  return slot ? { indices: slot.data, seq: slot.seq, step: slot.header.step } : null;
}

/** Ring the batch's points on the plane (canvas pixels W × W). */
export function drawBatch(ctx, batch, train, grid, W) {
  const r = Math.max(5, W / 70);
  ctx.strokeStyle = "#1f2933";
  ctx.lineWidth = Math.max(1.5, W / 300);
  for (const value of batch.indices) {
    const point = train.x[value];
    if (!point) continue;
    const x = ((point[0] - grid.x_min) / (grid.x_max - grid.x_min)) * W;
    const y = ((grid.y_max - point[1]) / (grid.y_max - grid.y_min)) * W;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.stroke();
  }
}
