// The text/event-stream format, parsed by hand: EventSource cannot send an Authorization
// header, so the page reads the stream with fetch() and hands each chunk of text here.
// Follows the HTML standard's rules: lines end in CRLF, LF or CR; a blank line dispatches;
// `id` sets the last event id even on a block without data; `:` starts a comment.
export class SseParser {
  constructor({ onEvent, onId, onRetry, onComment }) {
    this.handlers = { onEvent, onId, onRetry, onComment };
    this.buffer = "";
    this.reset();
  }

  reset() {
    this.data = [];
    this.type = "";
    this.id = null;
  }

  push(text) {
    this.buffer += text;
    // A CR at the very end may be the first half of a CRLF: keep it for the next chunk.
    const heldCr = this.buffer.endsWith("\r");
    const lines = (heldCr ? this.buffer.slice(0, -1) : this.buffer).split(/\r\n|\r|\n/);
    // The last piece has no line end yet.
    this.buffer = lines.pop() + (heldCr ? "\r" : "");
    for (const line of lines) {
      this.line(line);
    }
  }

  line(line) {
    if (line === "") {
      this.dispatch();
      return;
    }
    if (line.startsWith(":")) {
      this.handlers.onComment?.(line.slice(1).trim());
      return;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) {
      value = value.slice(1);
    }
    if (field === "data") {
      this.data.push(value);
    } else if (field === "event") {
      this.type = value;
    } else if (field === "id" && !value.includes("\0")) {
      this.id = value;
    } else if (field === "retry" && /^\d+$/.test(value)) {
      this.handlers.onRetry?.(Number(value));
    }
  }

  dispatch() {
    if (this.id !== null) {
      this.handlers.onId?.(this.id);
    }
    if (this.data.length) {
      this.handlers.onEvent?.({ type: this.type || "message", data: this.data.join("\n"), id: this.id });
    }
    this.reset();
  }
}
