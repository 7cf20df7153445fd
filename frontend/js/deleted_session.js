// A deleted session's link: the retention sweep removed it, the server answers 410 with when and
// why (ErrorResponse.detail, type "session_deleted") and its websocket closes with 4410. The page
// then shows the SessionGone view (views/session_gone.js) instead of the app.
import { api, ApiError } from "./api.js";
import * as S from "./state.js";

/**
 * The deletion an error reports, or null for any other error.
 * @param {string} id
 * @param {unknown} err
 * @returns {{id: string, deletedAt: string | null, reason: string | null, message: string} | null}
 */
export function deletionOf(id, err) {
  if (!(err instanceof ApiError && err.status === 410)) return null;
  const found = err.detail.find((d) => d && d.type === "session_deleted");
  return {
    id,
    deletedAt: found && typeof found.deleted_at === "string" ? found.deleted_at : null,
    reason: found && typeof found.reason === "string" ? found.reason : null,
    message: err.message,
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
