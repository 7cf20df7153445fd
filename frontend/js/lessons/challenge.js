// A lesson's challenge, checked live. The rule mirrors backend/neuroplay/lessons/challenge.py
// exactly: met when the network has at most `max_params` parameters and some metric point at or
// before `within_steps` reaches the target (>= at_least, or <= at_most).

/** @typedef {import("../../types/wire").Challenge} Challenge */
/** @typedef {{step: number, loss: number | null, val_loss: number | null, accuracy: number | null, val_accuracy: number | null}} Point */

/**
 * @param {Challenge} challenge
 * @param {number} paramCount
 * @param {Iterable<Point>} points
 * @returns {{met: boolean, step: number | null, tooBig: boolean}} `step`: the first point that meets it
 */
export function checkChallenge(challenge, paramCount, points) {
  const tooBig = challenge.max_params != null && paramCount > challenge.max_params;
  if (tooBig) return { met: false, step: null, tooBig };
  for (const point of points) {
    const value = point[challenge.metric];
    if (point.step > challenge.within_steps || value === null || value === undefined) continue;
    if ((challenge.at_least != null && value >= challenge.at_least) || (challenge.at_most != null && value <= challenge.at_most)) {
      return { met: true, step: point.step, tooBig };
    }
  }
  return { met: false, step: null, tooBig };
}

/** The chart's columns (state.chart) as metric points, lazily. */
export function* chartPoints(chart) {
  for (let i = 0; i < chart.step.length; i++) {
    yield {
      step: chart.step[i],
      loss: chart.loss[i],
      val_loss: chart.valLoss[i],
      accuracy: chart.accuracy[i],
      val_accuracy: chart.valAccuracy[i],
    };
  }
}
