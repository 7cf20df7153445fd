// The learner's progress in localStorage: which lesson, which step, and its runs' sessions (their
// owner tokens live with every other token in 'neuroplay.tokens'), so a reload returns to it.

const PROGRESS_KEY = "neuroplay.lesson";

/** @typedef {import("./state.js").LessonRunRef} LessonRunRef */
/** @typedef {{id: string, step: number, sessions: LessonRunRef[]}} Progress */

/** @returns {Progress | null} */
export function readProgress() {
  try {
    const value = JSON.parse(localStorage.getItem(PROGRESS_KEY) || "null");
    if (!value || typeof value.id !== "string" || !Array.isArray(value.sessions)) return null;
    return { id: value.id, step: Number.isInteger(value.step) ? value.step : 0, sessions: value.sessions };
  } catch {
    return null;
  }
}

/** @param {Progress} progress */
export function saveProgress(progress) {
  try {
    localStorage.setItem(PROGRESS_KEY, JSON.stringify(progress));
  } catch {
    /* storage full or disabled: the lesson still works until the page closes */
  }
}

export function clearProgress() {
  try {
    localStorage.removeItem(PROGRESS_KEY);
  } catch {
    /* ignore */
  }
}
