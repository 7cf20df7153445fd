// The page a deleted session's link shows: that it was deleted, when and why, and a way on.
import { html } from "htm/preact";
import * as S from "../state.js";
import { t, lang } from "../i18n.js";
import { newSession } from "../actions.js";

/**
 * A moment (ISO 8601) as a reader of the current language writes it, e.g. "2 December 2025 at 05:12".
 * @param {string} iso
 */
function formatMoment(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(lang.value === "zh" ? "zh-CN" : "en-GB", { dateStyle: "long", timeStyle: "short" });
}

/**
 * A number of days as the current language writes it (a test server's policy may be a fraction of one).
 * @param {number} days
 */
function formatDays(days) {
  return days.toLocaleString(lang.value === "zh" ? "zh-CN" : "en-GB", { maximumSignificantDigits: 3 });
}

export function SessionGone() {
  const gone = S.deletedSession.value;
  if (!gone) return null;
  return html`<div class="boot session-gone" role="alert" data-testid="session-deleted">
    <h2>${t("deleted.title")}</h2>
    <p data-testid="deleted-when">
      ${gone.deletedAt ? t("deleted.when", { when: formatMoment(gone.deletedAt) }) : gone.error.message}
    </p>
    ${gone.unusedDays !== null
      ? html`<p data-testid="deleted-why">${t("deleted.unused", { days: formatDays(gone.unusedDays) })}</p>`
      : null}
    <p>${t("deleted.offer")}</p>
    <button class="btn btn-primary" data-testid="deleted-new" onClick=${newSession}>${t("deleted.new")}</button>
  </div>`;
}
