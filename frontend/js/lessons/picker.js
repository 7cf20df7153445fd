// The lesson picker: a dialog listing every lesson by concept (with the concept's English and
// Chinese names), its title and summary in the chosen language. Keyboard: focus starts on the first
// lesson, arrows (and Home/End) move, Tab moves on, Enter starts the focused lesson, Escape closes
// (the shared Modal: a native <dialog>, which also gives focus back to the opener).
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import { t, lang } from "../i18n.js";
import * as L from "./state.js";
import { closePicker, startLesson, loadLessons } from "./actions.js";
import { Modal } from "../views/popover.js";
import { conceptName } from "./concepts.js";

function moveFocus(list, event) {
  const items = [...list.querySelectorAll("[data-testid=lesson-item]")];
  const at = items.indexOf(/** @type {Element} */ (document.activeElement));
  const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[event.key];
  if (next === undefined || !items.length) return;
  event.preventDefault();
  /** @type {HTMLElement} */ (items[Math.max(0, Math.min(next, items.length - 1))]).focus();
}

function Item({ lesson, busy, first }) {
  const language = lang.value;
  return html`<li>
    <button class="lesson-item" data-testid="lesson-item" data-lesson=${lesson.id} disabled=${busy} autofocus=${first}
      aria-busy=${L.starting.value === lesson.id ? "true" : "false"} onClick=${() => startLesson(lesson.id)}>
      <span class="lesson-concepts" data-testid="lesson-concepts">
        ${lesson.concepts.map((n) => html`<span class="lesson-concept">${conceptName(n)}</span>`)}
      </span>
      <span class="lesson-title" data-testid="lesson-title">${lesson.title[language]}</span>
      <span class="lesson-summary">${lesson.summary[language]}</span>
      ${lesson.runs > 1 ? html`<span class="lesson-runs">${t("lesson.runs", { n: lesson.runs })}</span>` : null}
      ${L.starting.value === lesson.id ? html`<span class="lesson-runs">${t("lesson.starting")}</span>` : null}
    </button>
  </li>`;
}

export function LessonPicker() {
  if (!L.pickerOpen.value) return null;
  return html`<${Modal} title=${t("lesson.pickerTitle")} testid="lesson-picker" onClose=${closePicker} wide=${true}>
    <${LessonList} />
  <//>`;
}

function LessonList() {
  const listRef = useRef(null);
  const list = L.lessonList.value;
  // The dialog's showModal() focuses the first lesson (autofocus) when the list is already loaded;
  // a list that arrives later takes the focus here.
  useEffect(() => {
    const first = listRef.current && listRef.current.querySelector("[data-testid=lesson-item]");
    if (first) first.focus();
  }, [list.items.length]);
  const busy = Boolean(L.starting.value);
  return html`<div class="lesson-picker-body">
    ${L.startError.value
      ? html`<div class="error-box" role="alert" data-testid="lesson-error">${L.startError.value.message}</div>`
      : null}
    ${list.error
      ? html`<div class="error-box" role="alert" data-testid="lesson-list-error">${list.error.message}
          <button class="btn btn-small" onClick=${loadLessons}>${t("lesson.retry")}</button></div>`
      : null}
    ${list.loading ? html`<p class="hint">${t("lesson.loading")}</p>` : null}
    <ol class="lesson-list" ref=${listRef} onKeyDown=${(e) => moveFocus(listRef.current, e)}>
      ${list.items.map((lesson, i) => html`<${Item} key=${lesson.id} lesson=${lesson} busy=${busy} first=${i === 0} />`)}
    </ol>
  </div>`;
}
