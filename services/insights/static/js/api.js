// Data calls: every one carries the token as an Authorization header.
export class Refused extends Error {
  constructor(status, detail) {
    super(detail || `refused (${status})`);
    this.status = status;
  }
}

export class Api {
  constructor(token) {
    this.token = token;
  }

  headers(extra = {}) {
    return { Authorization: `Bearer ${this.token}`, ...extra };
  }

  async get(path) {
    const response = await fetch(path, {
      headers: this.headers({ Accept: "application/json" }),
      cache: "no-store",
    });
    if (!response.ok) {
      let detail = "";
      try {
        detail = (await response.json()).detail;
      } catch {
        detail = response.statusText;
      }
      if (response.status === 401 || response.status === 403) {
        throw new Refused(response.status, detail);
      }
      throw new Error(`${path}: ${response.status} ${detail}`);
    }
    return response.json();
  }

  programs() {
    return this.get("/v1/programs?limit=500");
  }

  health(programId) {
    return this.get(`/v1/programs/${encodeURIComponent(programId)}/health`);
  }
}
