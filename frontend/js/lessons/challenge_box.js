// The challenge of a lesson: its goal, and whether the session on the page meets it, checked live
// on that session's metric points and parameter count (challenge.js: the server's rule).
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import * as S from "../state.js";
import { t, formatInt } from "../i18n.js";
import { checkChallenge, chartPoints } from "./challenge.js";

const ACCURACY = new Set(["accuracy", "val_accuracy"]);

function target(challenge) {
  const value = challenge.at_least ?? challenge.at_most;
  return ACCURACY.has(challenge.metric) ? `${+(value * 100).toFixed(1)} %` : String(value);
}

function layersText(spec) {
  return spec.layers
    .map((l) => [l.type, l.units ?? l.filters, l.activation].filter((v) => v !== undefined && v !== null).join(" "))
    .join(" → ");
}

export function ChallengeBox({ challenge }) {
  const [solution, setSolution] = useState(false);
  S.latestMetrics.value; // re-check whenever the chart gains a point
  const state = S.session.value;
  const params = state ? state.total_params : 0;
  const result = state ? checkChallenge(challenge, params, chartPoints(S.chart)) : { met: false, step: null, tooBig: false };
  const goal = t(challenge.at_least != null ? "lesson.goalAtLeast" : "lesson.goalAtMost", {
    metric: t(`lesson.metric.${challenge.metric}`),
    target: target(challenge),
    steps: formatInt(challenge.within_steps),
  });
  return html`<section class=${`lesson-challenge ${result.met ? "is-met" : ""}`} data-testid="lesson-challenge">
    <h3>${t("lesson.challenge")}</h3>
    <p>${goal}${challenge.max_params != null ? ` ${t("lesson.goalParams", { n: formatInt(challenge.max_params) })}` : ""}</p>
    <p class="lesson-challenge-result" data-testid="challenge-result" data-met=${result.met ? "true" : "false"}>
      ${result.met ? t("lesson.metAt", { step: formatInt(result.step) }) : t("lesson.notYet")}
      ${result.tooBig ? html` <span class="lesson-too-big">${t("lesson.tooBig", { n: formatInt(params) })}</span>` : null}
    </p>
    ${solution
      ? html`<p class="lesson-solution" data-testid="challenge-solution"><code>${layersText(challenge.solution)}</code></p>`
      : html`<button class="btn btn-small btn-ghost" data-testid="challenge-show-solution" onClick=${() => setSolution(true)}>
          ${t("lesson.showSolution")}</button>`}
  </section>`;
}
