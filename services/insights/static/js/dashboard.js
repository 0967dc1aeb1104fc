// The dashboard page: a token (fragment, form or this tab's storage), a program picker, the
// program's health as numbers and charts, and its live events; health is read again shortly
// after events arrive, so the numbers follow the feed.
import { Api, Refused } from "./api.js";
import { horizontalBars, monthBars } from "./charts.js";
import { EventStream } from "./event_stream.js";
import { showEvent } from "./feed.js";
import * as figures from "./figures.js";
import { describe, forget, remember, rememberedToken, takeTokenFromFragment } from "./token.js";

const $ = (id) => document.getElementById(id);
const HEALTH_AFTER_EVENTS_MS = 400; // one reading for a burst of events, not one per event
const HEALTH_EVERY_MS = 30000; // timers (stalled, reminders) change figures with no click
const FEED_HISTORY_MS = 24 * 3600 * 1000; // a picked program's feed starts with its last day

const state = { api: null, stream: null, program: null, pending: null, poll: null };

function showError(message) {
  $("error").textContent = message || "";
  $("error").hidden = !message;
}

function askForToken(message) {
  stopProgram();
  forget();
  $("dashboard").hidden = true;
  $("forget").hidden = true;
  $("who").textContent = "";
  $("token-form").hidden = false;
  showError(message);
}

async function open(token) {
  state.api = new Api(token);
  $("token-form").hidden = true;
  $("who").textContent = describe(token);
  $("forget").hidden = false;
  try {
    await loadPrograms();
  } catch (error) {
    if (error instanceof Refused) {
      askForToken(`Token refused: ${error.message}`);
      return;
    }
    showError(error.message);
  }
  $("dashboard").hidden = false;
}

async function loadPrograms() {
  const { items } = await state.api.programs();
  const select = $("program");
  const chosen = select.value;
  const options = items.map((program) => {
    const option = document.createElement("option");
    option.value = program.program_id;
    option.textContent = program.name;
    return option;
  });
  select.replaceChildren(select.options[0], ...options);
  select.value = items.some((p) => p.program_id === chosen) ? chosen : "";
}

function stopProgram() {
  state.stream?.stop();
  clearTimeout(state.pending);
  clearInterval(state.poll);
  Object.assign(state, { stream: null, program: null, pending: null, poll: null });
}

function pickProgram(programId) {
  stopProgram();
  $("feed").replaceChildren();
  $("program-view").hidden = !programId;
  if (!programId) return;
  state.program = programId;
  refreshHealth();
  state.poll = setInterval(refreshHealth, HEALTH_EVERY_MS);
  const since = new Date(Date.now() - FEED_HISTORY_MS).toISOString();
  const query = new URLSearchParams({ program: programId, since });
  state.stream = new EventStream({
    url: `/v1/streams/events?${query}`,
    token: state.api.token,
    onEvent: (event) => {
      showEvent($("feed"), event);
      healthSoon();
    },
    onState: (name, detail) => {
      $("feed-state").dataset.state = name;
      $("feed-state").dataset.connections = String(state.stream?.connections ?? 0);
      $("feed-state").textContent = name;
      if (name === "refused") askForToken(detail);
    },
  }).start();
}

function healthSoon() {
  clearTimeout(state.pending);
  state.pending = setTimeout(refreshHealth, HEALTH_AFTER_EVENTS_MS);
}

async function refreshHealth() {
  const programId = state.program;
  let report;
  try {
    report = await state.api.health(programId);
  } catch (error) {
    if (error instanceof Refused) askForToken(`Token refused: ${error.message}`);
    else showError(error.message);
    return;
  }
  if (programId !== state.program) return; // another program was picked meanwhile
  showError("");
  render(report);
}

function render(report) {
  const overall = report.overall || {};
  const numbers = figures.headline(overall).map((figure) => {
    const box = document.createElement("div");
    box.dataset.figure = figure.key;
    if (figure.target) box.className = `${figure.target}-target`;
    const term = document.createElement("dt");
    term.textContent = figure.label;
    const value = document.createElement("dd");
    value.textContent = figure.value;
    box.append(term, value);
    return box;
  });
  $("numbers").replaceChildren(...numbers);
  $("as-of").textContent = report.as_of ? `as of ${new Date(report.as_of).toLocaleString()}` : "";
  horizontalBars($("chart-funnel"), figures.funnel(overall), figures.count);
  const rate = figures.matchRateByMonth(report);
  monthBars($("chart-match-rate"), rate.months, [{ name: "match rate", kind: "bar", values: rate.values }], {
    max: 1,
    target: rate.target,
    format: figures.percent,
  });
  const cadence = figures.cadenceByMonth(report);
  monthBars(
    $("chart-cadence"),
    cadence.months,
    [
      { name: "held", kind: "bar", values: cadence.held },
      { name: "expected by cadence", kind: "expected", values: cadence.expected },
    ],
    { format: figures.decimal },
  );
  horizontalBars($("chart-relationships"), figures.relationshipStates(overall), figures.count);
}

function start() {
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("token-input").value.trim();
    $("token-input").value = "";
    if (!token) return;
    remember(token);
    open(token);
  });
  $("forget").addEventListener("click", () => askForToken(""));
  $("program").addEventListener("change", (event) => pickProgram(event.target.value));
  $("program").addEventListener("focus", () => loadPrograms().catch(() => {}));
  const token = takeTokenFromFragment() || rememberedToken();
  if (token) open(token);
  else askForToken("");
}

start();
