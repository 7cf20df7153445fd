// The sessions this browser owns: their owner tokens, the last one opened and when each was opened
// (localStorage), and the "My sessions" list read back from the server.
import { api, ApiError } from "./api.js";
import * as S from "./state.js";

const TOKENS_KEY = "neuroplay.tokens"; // {sessionId: ownerToken} of every session this browser owns
const LAST_KEY = "neuroplay.last"; // the session the bare address reopens
const OPENED_KEY = "neuroplay.opened"; // {sessionId: last time opened (ms)}, to sort "My sessions"

// ---------------------------------------------------------------- owner tokens in localStorage
function readJson(key) {
  try {
    const value = JSON.parse(localStorage.getItem(key) || "{}");
    return value && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}

function writeJson(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage full or disabled: the session still works until the page closes */
  }
}

export function readTokens() {
  return readJson(TOKENS_KEY);
}

export function rememberToken(id, token) {
  const tokens = readTokens();
  tokens[id] = token;
  writeJson(TOKENS_KEY, tokens);
}

export function forgetSession(id) {
  const tokens = readTokens();
  delete tokens[id];
  writeJson(TOKENS_KEY, tokens);
  const opened = readJson(OPENED_KEY);
  delete opened[id];
  writeJson(OPENED_KEY, opened);
}

export function readLast() {
  try {
    return localStorage.getItem(LAST_KEY);
  } catch {
    return null;
  }
}

export function rememberOpened(id) {
  try {
    localStorage.setItem(LAST_KEY, id);
  } catch {
    /* ignore */
  }
  const opened = readJson(OPENED_KEY);
  opened[id] = Date.now();
  writeJson(OPENED_KEY, opened);
}

// ---------------------------------------------------------------- my sessions
function summarize(view, opened) {
  const { history: _h, ...state } = view;
  return {
    id: state.id,
    status: state.status,
    step: state.step,
    epoch: state.epoch,
    dataset: state.dataset,
    layers: state.layers.map((l) => l.type),
    totalParams: state.total_params,
    forkedFrom: state.forked_from,
    opened: opened || 0,
  };
}

/** Read every session this browser owns (newest first); forget those the server no longer has. */
export async function loadMySessions() {
  const tokens = readTokens();
  const opened = readJson(OPENED_KEY);
  const ids = Object.keys(tokens).sort((a, b) => (opened[b] || 0) - (opened[a] || 0));
  S.mySessions.value = { ...S.mySessions.peek(), loading: true };
  const items = [];
  for (let i = 0; i < ids.length; i += 6) {
    const chunk = ids.slice(i, i + 6);
    const results = await Promise.all(chunk.map(async (id) => {
      try {
        return summarize(await api.getSession(id), opened[id]);
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) {
          forgetSession(id);
          return null;
        }
        return { id, error: err.message, opened: opened[id] || 0 };
      }
    }));
    items.push(...results.filter(Boolean));
  }
  S.mySessions.value = { loading: false, items };
}
