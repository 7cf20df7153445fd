// The lessons' state: the list for the picker, and the lesson being followed. Only lessons/actions.js
// writes it; the picker, the panel and the twin runs read it.
import { signal } from "@preact/signals";

/** @typedef {import("../../types/wire").Lesson} Lesson */
/** @typedef {import("../../types/wire").LessonSummary} LessonSummary */
/** @typedef {import("../../types/wire").LocalText} LocalText */

/** @typedef {{run: string, label: LocalText, id: string}} LessonRunRef */
/** @typedef {{lesson: Lesson, sessions: LessonRunRef[], step: number}} ActiveLesson */

/** GET /api/lessons: {loading, items, error}. Errors are kept as errors: an ApiError's `message` is
 * read when shown, so it follows a language switch (api.js). */
export const lessonList = signal(/** @type {{loading: boolean, items: LessonSummary[], error: Error | null}} */ ({
  loading: false,
  items: [],
  error: null,
}));

/** The picker dialog is open. */
export const pickerOpen = signal(false);

/** The id of the lesson whose sessions are being created (the picker shows it busy), or null. */
export const starting = signal(/** @type {string | null} */ (null));

/** Why the last start failed (shown in the picker, its message read then), or null. */
export const startError = signal(/** @type {Error | null} */ (null));

/** The lesson the learner follows, its runs' sessions and the walk-through step; null: none. */
export const active = signal(/** @type {ActiveLesson | null} */ (null));
