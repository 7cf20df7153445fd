// View "dropout_mask": which units the last training step dropped (for its first sample). It has no
// panel of its own: the network views draw it. The neuron graph (graph_view.js) greys out the
// dropped neurons of a dropout column; the layer blocks (block_graph.js) draw the mask of each
// dropout block, grey where dropped. Both watch this view while they are on screen.
import * as S from "../../state.js";
import { gridLayout, paintMaps, paintUnits } from "../../probe_draw.js";

export const place = "overlay";

/** The latest mask of dropout layer `layer` ({data, shape, seq, dropped}) or null. */
export function maskOf(layer) {
  const slot = S.tensorSlot("dropout_mask", layer);
  if (!slot) return null;
  let dropped = 0;
  for (let i = 0; i < slot.data.length; i++) if (slot.data[i] === 0) dropped += 1;
  return { data: slot.data, shape: slot.header.shape, seq: slot.seq, dropped };
}

/** Paint a mask on a layer block: kept units blue, dropped ones grey (maps for image-shaped layers). */
export function paintMask(canvas, mask) {
  if (mask.shape.length === 3) {
    paintMaps(canvas, mask.data, gridLayout(mask.shape, 200, { maxCell: 3, maxCols: 8 }), { max: 1 });
  } else {
    paintUnits(canvas, mask.data, { perRow: 32, cell: 6, max: 1, mask: mask.data });
  }
}
