import { describe, expect, it } from "vitest";
import { readFlash, redirectWithFlash } from "./flash.server";

const cookieOf = (response: Response) => response.headers.get("Set-Cookie")!.split(";")[0]!;

describe("flash messages", () => {
  it("carries a message across a redirect, once", async () => {
    const response = await redirectWithFlash("/portail/communes/x/dossiers/1", {
      level: "success",
      message: "Le dossier est marqué « Traité ».",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/portail/communes/x/dossiers/1");
    const next = new Request("http://localhost/portail", { headers: { Cookie: cookieOf(response) } });
    const { flash, headers } = await readFlash(next);
    expect(flash).toEqual({ level: "success", message: "Le dossier est marqué « Traité »." });
    expect(headers.get("Set-Cookie")).toMatch(/^__qf_flash=;.*Max-Age=0/);
  });

  it("ignores a forged cookie and reads nothing when there is none", async () => {
    const forged = new Request("http://localhost/", {
      headers: { Cookie: "__qf_flash=eyJtZXNzYWdlIjoiPHNjcmlwdD4ifQ%3D%3D" },
    });
    expect((await readFlash(forged)).flash).toBeNull();
    const none = await readFlash(new Request("http://localhost/"));
    expect(none.flash).toBeNull();
    expect(none.headers.get("Set-Cookie")).toBeNull();
  });
});
