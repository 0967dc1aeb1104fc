// The live feed's list: one line per CloudEvent, newest first, public fields only (the
// events carry no confidential text; the page shows type, time and ids, nothing more).
const KEEP = 200;

function cell(className, text) {
  const span = document.createElement("span");
  span.className = className;
  span.textContent = text;
  return span;
}

export function showEvent(list, event) {
  const [, service = "?", name = event.type] = String(event.type).split(".");
  const item = document.createElement("li");
  // CloudEvents are unique by source and id: the test reads these to prove none is doubled.
  item.dataset.key = `${event.source} ${event.id}`;
  item.dataset.type = event.type;
  const about = event.relationship || event.subject || event.program || "";
  item.append(
    cell("time", new Date(event.time).toLocaleTimeString()),
    cell("service", service),
    cell("name", name),
    cell("about", about ? about.slice(0, 8) : ""),
  );
  list.prepend(item);
  while (list.children.length > KEEP) {
    list.lastElementChild.remove();
  }
}
