// One requestAnimationFrame loop for every canvas/SVG view. Data arrives at any rate; a view
// registers a draw function and is called at most once per animation frame, only after someone
// asked for a frame. Each draw function decides itself whether it has anything new to draw.
// The page's scheduler is state.js's `frames`; a test could make another.

export class FrameScheduler {
  /** @param {(run: () => void) => unknown} [schedule] how a frame is asked for (default requestAnimationFrame) */
  constructor(schedule = (run) => requestAnimationFrame(run)) {
    /** @type {Set<() => void>} the registered draw functions, called in registration order */
    this.drawers = new Set();
    /** A frame has been asked for and has not run yet. */
    this.scheduled = false;
    this.schedule = schedule;
    this.run = this.run.bind(this);
  }

  run() {
    this.scheduled = false;
    for (const draw of this.drawers) {
      try {
        draw();
      } catch (err) {
        console.warn("NeuroPlay: a view failed to draw", err);
      }
    }
  }

  /** Ask for one frame (cheap to call many times: frames are coalesced). */
  requestFrame() {
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(this.run);
    }
  }

  /**
   * Register a draw function; returns the function that unregisters it.
   * @param {() => void} draw
   */
  onFrame(draw) {
    this.drawers.add(draw);
    this.requestFrame();
    return () => this.drawers.delete(draw);
  }
}
