interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expiresAt: number | null;
}

export interface Navigation {
  /** The last response: a page, or the redirect that left for `stopAt`. */
  response: Response;
  /** URL of that page, or the redirect target when it left for `stopAt`. */
  url: string;
  body: string;
}

/**
 * Just enough of a browser to drive the login pages over plain HTTP: a cookie
 * jar (one host, cookie paths honoured) and redirects followed by hand until
 * they leave for `stopAt` (the app, which is not running in these tests).
 */
export class TestBrowser {
  private jar = new Map<string, StoredCookie>();

  constructor(private readonly stopAt: string) {}

  cookieNames(): string[] {
    return [...new Set([...this.jar.values()].map((c) => c.name))];
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const { pathname } = new URL(url);
    const now = Date.now();
    const cookie = [...this.jar.values()]
      .filter((c) => pathname.startsWith(c.path) && (c.expiresAt === null || c.expiresAt > now))
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
    const headers = new Headers(init.headers);
    if (cookie) headers.set("cookie", cookie);
    if (!headers.has("accept")) headers.set("accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) this.store(line);
    return response;
  }

  async navigate(url: string, init: RequestInit = {}): Promise<Navigation> {
    let response = await this.request(url, init);
    let current = url;
    for (let hops = 0; hops < 20; hops++) {
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) break;
      current = new URL(location, current).href;
      if (current.startsWith(this.stopAt)) break;
      await response.body?.cancel();
      response = await this.request(current);
    }
    return { response, url: current, body: await response.text() };
  }

  /** Posts an HTML form (application/x-www-form-urlencoded) and follows the redirects. */
  submit(url: string, fields: Record<string, string>): Promise<Navigation> {
    return this.navigate(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }

  private store(line: string) {
    const [pair = "", ...attributes] = line.split(";").map((p) => p.trim());
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = "/";
    let expiresAt: number | null = null;
    for (const attribute of attributes) {
      const [key = "", val = ""] = attribute.split("=");
      if (key.toLowerCase() === "path") path = val;
      if (key.toLowerCase() === "expires") expiresAt = Date.parse(val);
      if (key.toLowerCase() === "max-age") expiresAt = Date.now() + Number(val) * 1000;
    }
    const key = `${name}|${path}`;
    if (expiresAt !== null && expiresAt <= Date.now()) this.jar.delete(key);
    else this.jar.set(key, { name, value, path, expiresAt });
  }
}
