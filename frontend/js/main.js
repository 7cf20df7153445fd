// Entry point: make the page's connection, render the app, then open (or create) the session.
import { render } from "preact";
import { html } from "htm/preact";
import { App } from "./views/app.js";
import { start } from "./actions.js";
import { Connection } from "./connection.js";
import * as S from "./state.js";
import { lang, loadLanguage } from "./i18n.js";

// Made before the views mount, so the stream's counters reach the signals before views draw a frame.
const connection = new Connection(S.frames);
// A Chinese page renders in Chinese from its first frame (English, should the file not come).
await loadLanguage(lang.peek()).catch((err) => console.warn("NeuroPlay: the Chinese texts did not load", err));
render(html`<${App} />`, document.getElementById("app"));
start(connection);
