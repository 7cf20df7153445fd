// A deleted session's link: the retention sweep removed it, the server answers 410 with when
// (ErrorResponse.detail, type "session_deleted") and why (the code: session_deleted_unused with the
// days of the retention policy, or session_deleted for a reason with no code) and its websocket
// closes with 4410. The page then shows the SessionGone view (views/session_gone.js) instead of the app.
import { api, ApiError } from "./api.js";
import * as S from "./state.js";

/**
 * @typedef {object} Deletion
 * @property {string} id
 * @property {string | null} deletedAt  when (ISO 8601)
 * @property {number | null} unusedDays  why: not opened for this many days (the retention policy), or null for a reason with no code
 * @property {{readonly message: string}} error  the server's answer, in the language current when read
 */

/**
 * The deletion an error reports, or null for any other error.
 * @param {string} id
 * @param {unknown} err
 * @returns {Deletion | null}
 */
export function deletionOf(id, err) {
  if (!(err instanceof ApiError && err.status === 410)) return null;
  const found = err.detail.find((d) => d && d.type === "session_deleted");
  const { code, params } = err.problem;
  const days = code === "session_deleted_unused" && params ? Number(params.days) : NaN;
  return {
    id,
    deletedAt: found && typeof found.deleted_at === "string" ? found.deleted_at : null,
    unusedDays: Number.isFinite(days) ? days : null,
    error: err,
  };
}

/**
 * Show the deleted-session page if `err` says session `id` was deleted.
 * @param {string} id
 * @param {unknown} err
 * @returns {boolean} whether it did
 */
export function showIfDeleted(id, err) {
  const deleted = deletionOf(id, err);
  if (!deleted) return false;
  S.deletedSession.value = deleted;
  S.boot.value = "gone";
  return true;
}

/**
 * The websocket said session `id` is gone: ask the server when and why. (A plain 404, a session
 * lost rather than deleted, keeps the header's banner.)
 * @param {string} id
 */
export async function checkDeleted(id) {
  try {
    await api.getSession(id);
  } catch (err) {
    if (S.sessionId.peek() === id) showIfDeleted(id, err);
  }
}
