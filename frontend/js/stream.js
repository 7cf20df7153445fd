// Websocket client for WS /api/sessions/{id}/stream.
//
// Text frames are JSON messages; a binary frame carries one or more tensor records back to back
// (all the tensors of one display frame), each laid out as
//   uint32 LE header length L | L bytes UTF-8 JSON header | spaces to a 4-byte boundary | float32 LE data
// The data is viewed in place (no copy) as a Float32Array. The client reconnects with exponential
// backoff when the socket drops, re-sending auth and the current subscription each time; the first
// subscribe of every connection names the last metric point the client has (`resume()`), so the
// server sends only the points after it (or the whole history when it cannot).

const decoder = new TextDecoder();

/** Parse one tensor record at `start`: {header, data, next} (data is a Float32Array view into `buffer`). */
export function parseTensorRecord(buffer, start = 0) {
  const view = new DataView(buffer);
  const length = view.getUint32(start, true);
  const header = JSON.parse(decoder.decode(new Uint8Array(buffer, start + 4, length)));
  const offset = start + 4 + length + ((4 - ((4 + length) % 4)) % 4);
  const count = header.shape.reduce((a, b) => a * b, 1);
  if (offset + count * 4 > buffer.byteLength) throw new Error(`tensor record ${header.name} is truncated`);
  return { header, data: new Float32Array(buffer, offset, count), next: offset + count * 4 };
}

/** Every tensor record of one binary message, in order. */
export function parseTensorMessage(buffer) {
  const records = [];
  for (let at = 0; at < buffer.byteLength; ) {
    const record = parseTensorRecord(buffer, at);
    records.push(record);
    at = record.next;
  }
  return records;
}

export function streamUrl(sessionId) {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}/api/sessions/${encodeURIComponent(sessionId)}/stream`;
}

const PING_MS = 20000;
const MAX_BACKOFF_MS = 8000;

/**
 * Opens and keeps open a stream.
 * handlers: onMessage(msg), onTensor(header, data), onStatus("connecting"|"open"|"closed"|"gone"),
 * resume() → {since_step, generation} of the last metric point held, or null.
 * Returns {subscribe(views, probe), command(action, unit), drop(ms), close()}.
 */
export function openStream(sessionId, { token, views, probe = null, onMessage, onTensor, onStatus, resume }) {
  let socket = null;
  let closed = false;
  let backoff = 500;
  let retryTimer = null;
  let pingTimer = null;
  let currentViews = views.slice();
  let currentProbe = probe;
  let holdUntil = 0; // drop(ms): stay offline until then (tests and demos of the reconnect)

  const send = (msg) => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(msg));
  };

  function connect() {
    onStatus("connecting");
    const ws = new WebSocket(streamUrl(sessionId));
    ws.binaryType = "arraybuffer";
    socket = ws;
    ws.onopen = () => {
      backoff = 500;
      onStatus("open");
      if (token) send({ type: "auth", token });
      const from = resume ? resume() : null;
      send({ ...subscribeMessage(), ...(from || {}) });
      pingTimer = setInterval(() => send({ type: "ping" }), PING_MS);
    };
    ws.onmessage = (event) => {
      if (typeof event.data === "string") {
        let msg;
        try {
          msg = JSON.parse(event.data);
        } catch {
          return;
        }
        onMessage(msg);
      } else {
        let records;
        try {
          records = parseTensorMessage(event.data);
        } catch (err) {
          console.warn("NeuroPlay: bad tensor message", err);
          return;
        }
        for (const { header, data } of records) onTensor(header, data);
      }
    };
    ws.onerror = () => {}; // onclose follows and handles it
    ws.onclose = (event) => {
      clearInterval(pingTimer);
      if (socket !== ws) return;
      socket = null;
      if (closed) return;
      if (event.code === 4404 || event.code === 4410) {
        onStatus("gone"); // the session does not exist (4404) or was deleted (4410): retrying cannot help
        return;
      }
      onStatus("closed");
      retryTimer = setTimeout(connect, Math.max(backoff, holdUntil - Date.now()));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    };
  }

  /** The subscribe naming the current views, and the probe when a view shows it. */
  const subscribeMessage = () =>
    currentProbe ? { type: "subscribe", views: currentViews, probe: currentProbe } : { type: "subscribe", views: currentViews };

  connect();

  return {
    subscribe(views, probe = null) {
      currentViews = views.slice();
      currentProbe = probe;
      send(subscribeMessage());
    },
    command(action, unit = "batch") {
      send({ type: "command", action, unit });
    },
    /** Drop the connection as a network failure would, and stay offline at least `ms`. */
    drop(ms = 0) {
      holdUntil = Date.now() + ms;
      if (socket) socket.close(4000, "dropped by the client");
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      if (socket) socket.close();
      socket = null;
    },
  };
}
