// Small charts as plain SVG, built with DOM calls (no innerHTML, no inline styles: colours
// come from classes in dashboard.css). Each bar carries data-label and data-value, so what
// a chart shows can be read back, by a person's tools or by the browser test.
const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 420;

function element(name, attributes = {}, text = null) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) {
    node.setAttribute(key, String(value));
  }
  if (text !== null) {
    node.textContent = text;
  }
  return node;
}

function clear(svg, height) {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${height}`);
}

// Horizontal bars, one per item: {label, value, kind} (kind: "bar", "drop", "alert").
export function horizontalBars(svg, items, format = String) {
  const row = 22;
  const labelWidth = 130;
  const height = items.length * row + 8;
  clear(svg, height);
  const max = Math.max(1, ...items.map((item) => item.value || 0));
  items.forEach((item, index) => {
    const y = 4 + index * row;
    const length = ((WIDTH - labelWidth - 50) * (item.value || 0)) / max;
    svg.append(element("text", { x: 0, y: y + 14 }, item.label));
    const bar = element("rect", {
      x: labelWidth,
      y: y + 3,
      width: Math.max(length, 1),
      height: row - 8,
      class: item.kind || "bar",
      "data-label": item.label,
      "data-value": item.value ?? "",
    });
    bar.append(element("title", {}, `${item.label}: ${format(item.value)}`));
    svg.append(bar);
    svg.append(element("text", { x: labelWidth + length + 6, y: y + 14 }, format(item.value)));
  });
}

// Vertical bars by month, one group per month and one bar per series:
// series = [{name, kind, values: {month: number|null}}]; an optional target line.
export function monthBars(svg, months, series, { max, target, format = String } = {}) {
  const height = 170;
  const top = 14;
  const bottom = 28;
  const left = 30;
  clear(svg, height);
  const plot = height - top - bottom;
  const values = series.flatMap((s) => months.map((m) => s.values[m] ?? 0));
  const ceiling = max ?? Math.max(1, ...values, target ?? 0);
  const y = (value) => top + plot - (plot * value) / ceiling;
  svg.append(element("line", { x1: left, x2: WIDTH, y1: y(0), y2: y(0), class: "base" }));
  svg.append(element("text", { x: 0, y: y(ceiling) + 4, class: "axis" }, format(ceiling)));
  if (!months.length) {
    svg.append(element("text", { x: left + 8, y: top + plot / 2, class: "axis" }, "no data yet"));
  }
  const group = (WIDTH - left) / Math.max(months.length, 1);
  const barWidth = Math.min(28, (group - 10) / series.length);
  months.forEach((month, index) => {
    const x0 = left + index * group + (group - barWidth * series.length) / 2;
    series.forEach((s, k) => {
      const value = s.values[month];
      const shown = value ?? 0;
      const bar = element("rect", {
        x: x0 + k * barWidth,
        y: y(shown),
        width: barWidth - 2,
        height: Math.max(y(0) - y(shown), value === null || value === undefined ? 0 : 1),
        class: s.kind,
        "data-month": month,
        "data-series": s.name,
        "data-value": value ?? "",
      });
      bar.append(element("title", {}, `${month} ${s.name}: ${format(value)}`));
      svg.append(bar);
    });
    svg.append(element("text", { x: x0, y: height - 10, class: "axis" }, month));
  });
  if (target !== undefined) {
    svg.append(element("line", { x1: left, x2: WIDTH, y1: y(target), y2: y(target), class: "target" }));
  }
  const legend = series.map((s) => s.name).join(" · ");
  svg.append(element("text", { x: WIDTH, y: 10, class: "axis", "text-anchor": "end" }, legend));
}
