// One requestAnimationFrame loop for every canvas/SVG view. Data arrives at any rate; a view
// registers a draw function and is called at most once per animation frame, only after someone
// asked for a frame. Each draw function decides itself whether it has anything new to draw.

const drawers = new Set();
let scheduled = false;

function run() {
  scheduled = false;
  for (const draw of drawers) {
    try {
      draw();
    } catch (err) {
      console.warn("NeuroPlay: a view failed to draw", err);
    }
  }
}

/** Ask for one frame (cheap to call many times: frames are coalesced). */
export function requestFrame() {
  if (!scheduled) {
    scheduled = true;
    requestAnimationFrame(run);
  }
}

/** Register a draw function; returns the function that unregisters it. */
export function onFrame(draw) {
  drawers.add(draw);
  requestFrame();
  return () => drawers.delete(draw);
}
