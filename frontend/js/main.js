// Entry point: make the page's connection, render the app, then open (or create) the session.
import { render } from "preact";
import { html } from "htm/preact";
import { App } from "./views/app.js";
import { start } from "./actions.js";
import { Connection } from "./connection.js";
import * as S from "./state.js";

// Made before the views mount, so the stream's counters reach the signals before views draw a frame.
const connection = new Connection(S.frames);
render(html`<${App} />`, document.getElementById("app"));
start(connection);
