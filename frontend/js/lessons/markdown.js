// The small markdown subset the lesson texts use, rendered to Preact elements (never to innerHTML,
// so a text cannot inject markup): `#` headings, paragraphs, `-`/`*` and `1.` lists, **strong**,
// *emphasis* or _emphasis_, and `inline code`.
import { html } from "htm/preact";

const INLINE = /(`[^`]+`|\*\*[^*]+\*\*|\*[^*\s][^*]*\*|(?<![\w\\])_[^_\s][^_]*_(?!\w))/g;

/** One line's inline markup as a list of strings and elements. */
export function inline(text) {
  const out = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const token = match[0];
    if (match.index > last) out.push(text.slice(last, match.index));
    if (token.startsWith("`")) out.push(html`<code>${token.slice(1, -1)}</code>`);
    else if (token.startsWith("**")) out.push(html`<strong>${inline(token.slice(2, -2))}</strong>`);
    else out.push(html`<em>${inline(token.slice(1, -1))}</em>`);
    last = match.index + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

const BULLET = /^\s*[-*]\s+/;
const NUMBERED = /^\s*\d+[.)]\s+/;

/** Blocks separated by blank lines; headings start at <h3> (the panel's title is the lesson's). */
export function Markdown({ source }) {
  const blocks = [];
  for (const block of source.split(/\n\s*\n/)) {
    const lines = block.split("\n").filter((l) => l.trim());
    if (!lines.length) continue;
    const heading = lines[0].match(/^(#{1,6})\s+(.*)$/);
    if (heading && lines.length === 1) {
      const level = Math.min(6, heading[1].length + 2);
      blocks.push(html`<${`h${level}`} class="lesson-md-heading">${inline(heading[2])}<//>`);
    } else if (lines.every((l) => BULLET.test(l))) {
      blocks.push(html`<ul>${lines.map((l) => html`<li>${inline(l.replace(BULLET, ""))}</li>`)}</ul>`);
    } else if (lines.every((l) => NUMBERED.test(l))) {
      blocks.push(html`<ol>${lines.map((l) => html`<li>${inline(l.replace(NUMBERED, ""))}</li>`)}</ol>`);
    } else {
      blocks.push(html`<p>${inline(lines.map((l) => l.trim()).join(" "))}</p>`);
    }
  }
  return html`<div class="lesson-md">${blocks}</div>`;
}
