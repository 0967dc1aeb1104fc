// Where the page's token comes from and where it stays: the URL fragment (never sent to a
// server, so never in a log) or the form, then this tab's sessionStorage. Never a query string.
const KEY = "insights.token";

export function takeTokenFromFragment() {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const token = fragment.get("token");
  if (token) {
    // Out of the address bar and the history: a copied link or a screenshot does not carry it.
    fragment.delete("token");
    const rest = fragment.toString();
    history.replaceState(null, "", window.location.pathname + (rest ? `#${rest}` : ""));
    remember(token);
  }
  return token;
}

export function rememberedToken() {
  return sessionStorage.getItem(KEY);
}

export function remember(token) {
  sessionStorage.setItem(KEY, token.trim());
}

export function forget() {
  sessionStorage.removeItem(KEY);
}

// What the token says about its holder, for the header only (the server decides access).
export function describe(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(payload));
    return `${(claims.roles || []).join(", ")} · ${claims.org || "?"}`;
  } catch {
    return "";
  }
}
