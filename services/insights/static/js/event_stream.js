// A live stream that keeps going: read with fetch() and a ReadableStream reader, the token in
// the Authorization header; when the stream ends (a restart of insights, a cut-off for being
// too slow, a network blip) reconnect after `retry` with Last-Event-ID, so nothing is lost
// and nothing repeated. A refusal (401/403) stops it: a new token is needed, not a retry.
import { SseParser } from "./sse_parser.js";

const DEFAULT_RETRY_MS = 3000;

export class EventStream {
  constructor({ url, token, onEvent, onState }) {
    Object.assign(this, { url, token, onEvent, onState });
    this.lastEventId = null;
    this.retryMs = DEFAULT_RETRY_MS;
    this.connections = 0;
    this.stopped = false;
    this.controller = null;
  }

  start() {
    this.run();
    return this;
  }

  stop() {
    this.stopped = true;
    this.controller?.abort();
  }

  async run() {
    while (!this.stopped) {
      try {
        const refused = await this.connect();
        if (refused) {
          this.onState("refused", refused);
          return;
        }
      } catch (error) {
        if (this.stopped) {
          return;
        }
      }
      if (this.stopped) {
        return;
      }
      this.onState("reconnecting");
      await new Promise((resolve) => setTimeout(resolve, this.retryMs));
    }
  }

  async connect() {
    this.controller = new AbortController();
    const headers = { Authorization: `Bearer ${this.token}`, Accept: "text/event-stream" };
    if (this.lastEventId !== null) {
      headers["Last-Event-ID"] = this.lastEventId;
    }
    const response = await fetch(this.url, {
      headers,
      cache: "no-store",
      signal: this.controller.signal,
    });
    if (response.status === 401 || response.status === 403) {
      return `the stream refused this token (${response.status})`;
    }
    if (!response.ok || !response.body) {
      throw new Error(`stream answered ${response.status}`);
    }
    this.connections += 1;
    this.onState("live");
    const parser = new SseParser({
      onId: (id) => {
        this.lastEventId = id;
      },
      onRetry: (ms) => {
        this.retryMs = ms;
      },
      onEvent: (event) => {
        if (event.type === "message") {
          this.onEvent(JSON.parse(event.data), event.id);
        }
        // `cut-off`: its id is already kept; the server closes the stream and we resume.
      },
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return null;
      }
      parser.push(value);
    }
  }
}
