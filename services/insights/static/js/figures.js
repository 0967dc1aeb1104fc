// The health report (GET /v1/programs/{id}/health) as the page shows it: headline numbers
// and the series behind the four charts. Pure: data in, data out; the DOM is elsewhere.
export const percent = (value) =>
  value === null || value === undefined ? "–" : `${Math.round(value * 100)} %`;
export const count = (value) => (value === null || value === undefined ? "–" : String(value));
export const decimal = (value) =>
  value === null || value === undefined ? "–" : String(Math.round(value * 100) / 100);

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

const MATCH_RATE_TARGET = 0.7; // Mentorloop's: at least 70 % of settled requests paired

function read(figures, path) {
  return path.split(".").reduce((node, key) => (node == null ? undefined : node[key]), figures);
}

// [{key, label, value (shown), target?: "below"|"on"}]
export function headline(overall) {
  const figure = (key, label, format) => ({ key, label, value: format(read(overall, key)) });
  const rate = read(overall, "requests.match_rate");
  return [
    figure("participants.enrolled", "Enrolled", count),
    figure("participants.enrolled_by_role.mentor", "Mentors", count),
    figure("participants.enrolled_by_role.mentee", "Mentees", count),
    figure("requests.requested", "Requests", count),
    figure("requests.matched", "Matched", count),
    {
      ...figure("requests.match_rate", "Match rate", percent),
      target: rate === null || rate === undefined ? null : rate >= MATCH_RATE_TARGET ? "on" : "below",
    },
    figure("requests.request_to_first_proposal_seconds.p50", "To first proposal (p50)", duration),
    figure("relationships.started", "Relationships", count),
    figure("relationships.active", "Active", count),
    figure("relationships.stalled", "Stalled", count),
    figure("cadence.sessions_held", "Sessions held", count),
    figure("cadence.cadence_adherence", "Cadence adherence", percent),
    figure("two_way_learning.two_way_learning_share", "Two-way learning", percent),
    figure("matching_quality.mean_score", "Mean match score", decimal),
  ];
}

export function funnel(overall) {
  const requests = overall.requests || {};
  const relationships = overall.relationships || {};
  const started = relationships.started || 0;
  return [
    { label: "requested", value: requests.requested || 0 },
    { label: "matched", value: requests.matched || 0 },
    { label: "started", value: started },
    { label: "past forming", value: started - (relationships.forming || 0) },
    { label: "still open", value: requests.open || 0, kind: "drop" },
    { label: "unmatched", value: requests.unmatched || 0, kind: "drop" },
    { label: "withdrawn", value: requests.withdrawn || 0, kind: "drop" },
  ];
}

export function relationshipStates(overall) {
  const relationships = overall.relationships || {};
  return ["forming", "active", "paused", "stalled", "closed"].map((state) => ({
    label: state,
    value: relationships[state] || 0,
    kind: state === "stalled" ? "alert" : "bar",
  }));
}

function byMonth(report, path) {
  const values = {};
  for (const [month, figures] of Object.entries(report.by_month || {})) {
    const value = read(figures, path);
    if (value !== undefined) values[month] = value;
  }
  return values;
}

export function matchRateByMonth(report) {
  const values = byMonth(report, "requests.match_rate");
  return { months: Object.keys(values).sort(), values, target: MATCH_RATE_TARGET };
}

export function cadenceByMonth(report) {
  const held = byMonth(report, "cadence.sessions_per_relationship_month");
  const expected = byMonth(report, "cadence.expected_per_relationship_month");
  const months = [...new Set([...Object.keys(held), ...Object.keys(expected)])].sort();
  return { months, held, expected };
}
