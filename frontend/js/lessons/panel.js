// The lesson panel beside the playground: the lesson's text, the walk-through (back / next, also
// the arrow keys while the panel has focus), the step's views and action, the challenge, and the
// twin runs of a comparison. Leaving closes the panel; the network stays as the learner left it.
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import { t, lang } from "../i18n.js";
import * as L from "./state.js";
import { goToStep, nextStep, previousStep, leaveLesson, runStepAction, restoreLesson } from "./actions.js";
import { Markdown } from "./markdown.js";
import { useHighlights } from "./highlight.js";
import { conceptName } from "./concepts.js";
import { ChallengeBox } from "./challenge_box.js";
import { TwinRuns } from "./twins.js";

function onPanelKey(event) {
  const target = /** @type {HTMLElement} */ (event.target);
  if (target.closest("input, select, textarea, [contenteditable]")) return;
  if (event.key === "ArrowRight") nextStep();
  else if (event.key === "ArrowLeft") previousStep();
  else return;
  event.preventDefault();
}

function actionKey(action) {
  return action.action === "step" ? `step_${action.unit || "batch"}` : action.action;
}

function StepNav({ step, count }) {
  return html`<div class="lesson-nav">
    <button class="btn btn-small" data-testid="lesson-back" onClick=${previousStep} disabled=${step === 0}
      aria-label=${t("lesson.backLabel")}>${t("lesson.back")}</button>
    <span class="lesson-step-count" data-testid="lesson-step-count">${t("lesson.stepOf", { n: step + 1, total: count })}</span>
    <button class="btn btn-small btn-primary" data-testid="lesson-next" onClick=${nextStep} disabled=${step >= count - 1}
      aria-label=${t("lesson.nextLabel")}>${t("lesson.next")}</button>
  </div>`;
}

function StepBody({ lesson, index }) {
  const step = lesson.steps[index];
  const language = lang.value;
  const views = [...new Set(step.views || [])];
  return html`<section class="lesson-step" data-testid="lesson-step" data-step=${index} aria-live="polite">
    <ol class="lesson-dots" aria-hidden="true">
      ${lesson.steps.map((_, i) => html`<li class=${i === index ? "is-current" : ""} onClick=${() => goToStep(i)}></li>`)}
    </ol>
    <h3 class="lesson-step-title" data-testid="lesson-step-title">${step.title[language]}</h3>
    <${Markdown} source=${step.text[language]} />
    ${views.length
      ? html`<p class="lesson-views" data-testid="lesson-views">${t("lesson.look")}
          ${views.map((v) => html`<span class="chip">${t(`lesson.view.${v}`)}</span>`)}</p>`
      : null}
    ${step.action
      ? html`<button class="btn btn-primary lesson-action" data-testid="lesson-action" onClick=${() => runStepAction(step.action)}>
          ${t(`lesson.action.${actionKey(step.action)}`)}</button>`
      : null}
  </section>`;
}

export function LessonPanel() {
  const current = L.active.value;
  const panelRef = useRef(null);
  useEffect(() => {
    restoreLesson();
  }, []);
  const lessonId = current ? current.lesson.id : null;
  useEffect(() => {
    document.body.classList.toggle("has-lesson", Boolean(lessonId));
    if (lessonId && panelRef.current) panelRef.current.focus({ preventScroll: true });
    return () => document.body.classList.remove("has-lesson");
  }, [lessonId]);
  const lesson = current ? current.lesson : null;
  const index = current ? current.step : 0;
  useHighlights({
    strong: lesson ? lesson.steps[index].highlight || [] : [],
    soft: lesson ? lesson.controls.highlight : [],
    hide: lesson ? lesson.controls.hide : [],
  });
  if (!lesson) return null;
  const language = lang.value;
  return html`<aside class="lesson-panel" data-testid="lesson-panel" data-lesson=${lesson.id} tabindex="-1"
    ref=${panelRef} onKeyDown=${onPanelKey} aria-label=${t("lesson.panelLabel")}>
    <div class="lesson-head">
      <div>
        <div class="lesson-concepts">${lesson.concepts.map((n) => html`<span class="lesson-concept">${conceptName(n)}</span>`)}</div>
        <h2 class="lesson-panel-title" data-testid="lesson-panel-title">${lesson.title[language]}</h2>
      </div>
      <button class="btn btn-small" data-testid="lesson-leave" onClick=${leaveLesson} title=${t("lesson.leaveLabel")}>
        ${t("lesson.leave")}</button>
    </div>
    <div class="lesson-scroll">
      <div class="lesson-text" data-testid="lesson-text">
        <p class="lesson-summary-text"><strong>${lesson.summary[language]}</strong></p>
        <${Markdown} source=${lesson.text[language]} />
      </div>
      ${lesson.challenge ? html`<${ChallengeBox} challenge=${lesson.challenge} />` : null}
      ${current.sessions.length > 1 ? html`<${TwinRuns} key=${lesson.id} sessions=${current.sessions} view=${lesson.twin_view} />` : null}
      <${StepBody} lesson=${lesson} index=${index} />
    </div>
    <${StepNav} step=${index} count=${lesson.steps.length} />
  </aside>`;
}
