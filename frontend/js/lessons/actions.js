// What the learner does with lessons: open the picker, start a lesson (its sessions are created,
// their owner tokens remembered like every other, the first run opened), walk its steps, carry out
// a step's action, and leave (the network stays: it is an ordinary session of theirs).
import { api, ApiError } from "../api.js";
import * as A from "../actions.js";
import * as S from "../state.js";
import * as L from "./state.js";
import { readProgress, saveProgress, clearProgress } from "./progress.js";
import { setOpenViews } from "../live_views.js";
import { keptError } from "../problems.js";

/** The failure as an Error, kept whole: an ApiError's message is read in the language of the moment. */
function asError(err) {
  return err instanceof Error ? err : new Error(String(err));
}

export async function loadLessons() {
  if (L.lessonList.peek().loading) return;
  L.lessonList.value = { ...L.lessonList.peek(), loading: true, error: null };
  try {
    L.lessonList.value = { loading: false, items: await api.lessons(), error: null };
  } catch (err) {
    L.lessonList.value = { loading: false, items: [], error: asError(err) };
  }
}

export function openPicker() {
  L.startError.value = null;
  L.pickerOpen.value = true;
  if (!L.lessonList.peek().items.length) loadLessons();
}

export function closePicker() {
  L.pickerOpen.value = false;
}

/** POST /api/sessions {"lesson": id}: every run's session, then the lesson and its first step. */
export async function startLesson(id) {
  if (L.starting.peek()) return;
  L.starting.value = id;
  L.startError.value = null;
  try {
    const [answer, lesson] = await Promise.all([api.createSession({ lesson: id }), api.lesson(id)]);
    const created = /** @type {import("../../types/wire").CreateLessonResponse} */ (answer);
    const sessions = created.sessions.map(({ run, label, id: sid, owner_token: token }) => {
      A.rememberToken(sid, token);
      return { run, label, id: sid };
    });
    L.active.value = { lesson, sessions, step: 0 };
    L.pickerOpen.value = false;
    goToStep(0, null); // progress saved before the session opens: a reload meanwhile comes back to it
    await A.openSession(created.id);
  } catch (err) {
    L.startError.value = asError(err);
  } finally {
    L.starting.value = null;
  }
}

/**
 * Show step `index` (clamped): the views it names opened (a view the step before opened and this
 * one does not name is closed), its controls highlighted; progress saved. `from`: the step shown
 * before (null: none, when a lesson starts or comes back after a reload).
 */
export function goToStep(index, from = currentStep()) {
  const current = L.active.peek();
  if (!current) return;
  const steps = current.lesson.steps;
  const step = Math.max(0, Math.min(index, steps.length - 1));
  L.active.value = { ...current, step };
  saveProgress({ id: current.lesson.id, step, sessions: current.sessions });
  const before = from === null || !steps[from] ? [] : steps[from].views || [];
  setOpenViews(steps[step].views || [], before);
}

/** The step the lesson shows now, or null. */
function currentStep() {
  const current = L.active.peek();
  return current ? current.step : null;
}

export function nextStep() {
  const current = L.active.peek();
  if (current) goToStep(current.step + 1);
}

export function previousStep() {
  const current = L.active.peek();
  if (current) goToStep(current.step - 1);
}

/** {sessionId: ownerToken} of every session this browser owns (actions.js keeps them). */
export function tokensOwned() {
  return A.readTokens();
}

/** The lesson's runs this browser owns: [{run, label, id, token}]. */
export function ownedRuns() {
  const current = L.active.peek();
  if (!current) return [];
  const tokens = A.readTokens();
  return current.sessions.filter((s) => tokens[s.id]).map((s) => ({ ...s, token: tokens[s.id] }));
}

/**
 * The step's action. Play and pause go to every run together (a comparison runs side by side);
 * a step or a reset acts on the session the page shows (the one the learner looks at).
 */
export async function runStepAction(action) {
  if (action.action === "play" || action.action === "pause") return commandAll(action.action);
  return A.command(action.action, action.unit || "batch");
}

/** Play or pause every run of the lesson at once (POST .../commands with each run's token). */
export async function commandAll(action) {
  const runs = ownedRuns();
  const results = await Promise.allSettled(runs.map((r) => api.command(r.id, r.token, action, "batch")));
  const failed = results.find((r) => r.status === "rejected");
  if (failed && failed.status === "rejected") {
    S.lastError.value = keptError(failed.reason, { layer: null, scope: "run" });
  }
}

/**
 * Leave the lesson: the panel, its highlights and its streams go; the network on the page stays as it
 * is (running or not). The lesson's other runs are paused: nobody watches them any more, and they would
 * keep a core busy for nothing (they stay in "My sessions").
 */
export function leaveLesson() {
  const others = ownedRuns().filter((r) => r.id !== S.sessionId.peek());
  L.active.value = null;
  clearProgress();
  for (const r of others) api.command(r.id, r.token, "pause", "batch").catch(() => {});
}

/** On page load: back to the lesson and step the learner was at (a lesson gone from the server is forgotten). */
export async function restoreLesson() {
  const saved = readProgress();
  if (!saved || L.active.peek()) return;
  try {
    const lesson = await api.lesson(saved.id);
    if (L.active.peek()) return;
    L.active.value = { lesson, sessions: saved.sessions, step: 0 };
    goToStep(saved.step, null);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) clearProgress();
  }
}
