// Entry point: render the app, then open (or create) the session.
import { render } from "preact";
import { html } from "htm/preact";
import { App } from "./views/app.js";
import { start } from "./actions.js";

render(html`<${App} />`, document.getElementById("app"));
start();
