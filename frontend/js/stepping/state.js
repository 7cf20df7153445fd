// The state of stepping through a training step and of the unit inspector, in one place: views read
// these signals, only stepping/actions.js writes them (as state.js is for the rest of the app).
import { signal } from "@preact/signals";

/** What a step started by the phase buttons trains on: "batch" (the next training batch) or "probe". */
export const stepOn = signal("batch");

/** Phase commands in flight (the buttons wait for the answer before the next click acts). */
export const stepBusy = signal(false);

/**
 * The clicks (and keys) of the phase buttons, one after another: a click while the previous one's
 * commands are still on their way waits for them, so quick presses are neither lost nor mixed up.
 * `phase` is the phase the last answer named (the state message saying so may come later).
 */
export const phaseWalks = { chain: Promise.resolve(), queued: 0, phase: /** @type {any} */ (null) };

/**
 * The probe's inspection the stepping and the inspector show: {key, data} where data is
 * GET .../inspect's answer and key says what it was read for (session, generation, probe, step).
 * During a partial step the server shows the weights from before the step, so one inspection
 * holds the numbers of the whole step; after its update the same one is kept (it is the step just
 * taken), until the next step starts.
 */
export const inspection = signal(null);

/**
 * The unit shown in the inspector: {layer, unit} (dense), {layer, channel, row, col} (conv2d) or
 * {layer, unit, step} (simple_rnn: hidden unit `unit` at time step `step`, from 0), or null.
 */
export const inspected = signal(null);

/**
 * The inspected layer's parameters as GET .../params answers them, all of one step: {key, step,
 * values} with values {W, b} (dense, conv2d; no b without bias) or {W_x, W_h, b} (simple_rnn).
 */
export const inspectedParams = signal(null);

/** Pre-activation histograms (GET .../preactivations) for the f/f′ plots: {key, data} or null. */
export const preactivations = signal(null);
