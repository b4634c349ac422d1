import type { BrowserContext, ConsoleMessage, Page } from "playwright-core";
import { onTestFinished } from "vitest";

/**
 * What went wrong in a browser context, as a person's console would show it: console errors,
 * React's hydration warnings, uncaught exceptions and failed loads of our own resources. The
 * test that opened the context fails at its end if anything is left that it did not expect, so a
 * console error cannot slip in on any page, whether or not the test thought of looking.
 */
export interface PageErrors {
  /** Readable entries, in order. A test may assert on them or empty them (`errors.length = 0`). */
  errors: string[];
  /** Marks entries matching `pattern` as expected (e.g. the 404 a test asked for): they do not fail the test. */
  allowErrors(pattern: RegExp): void;
}

export interface WatchOptions {
  /** Origins whose failed subresource loads are recorded with their URL (console messages omit it). */
  ownOrigins: string[];
}

/**
 * In development React says "Warning: …" through console.error; in production it reports
 * minified errors #418-#425 (hydration mismatches) as uncaught errors. A hydration warning at
 * level "warning" is caught as well, in case a library downgrades it.
 */
const HYDRATION_WARNING = /hydrat|did not match|server rendered HTML|Minified React error #4(1[89]|2[0-5])/i;

export function watchContext(context: BrowserContext, options: WatchOptions): PageErrors {
  const errors: string[] = [];
  const allowed: RegExp[] = [];
  const ours = (url: string) => options.ownOrigins.some((origin) => url.startsWith(origin));
  const watch = (page: Page) => {
    page.on("console", (message: ConsoleMessage) => {
      const type = message.type();
      if (type !== "error" && !(type === "warning" && HYDRATION_WARNING.test(message.text()))) return;
      errors.push(`console.${type}: ${message.text()}`);
    });
    page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
    // Console messages about failed loads omit the URL: record it to make failures readable.
    page.on("response", (response) => {
      if (response.status() >= 400 && response.request().resourceType() !== "document" && ours(response.url())) {
        errors.push(`${response.status()} ${response.url()}`);
      }
    });
  };
  context.pages().forEach(watch);
  context.on("page", watch);

  onTestFinished(async () => {
    const unexpected = errors.filter((entry) => !allowed.some((pattern) => pattern.test(entry)));
    await context.close().catch(() => undefined);
    if (unexpected.length > 0) {
      // One line per distinct entry: a hydration mismatch repeats the same error dozens of times.
      const counts = new Map<string, number>();
      for (const entry of unexpected) counts.set(entry, (counts.get(entry) ?? 0) + 1);
      const lines = [...counts].map(([entry, n]) => (n > 1 ? `(×${n}) ${entry}` : entry));
      throw new Error(`Console errors or hydration warnings in the browser:\n${lines.join("\n")}`);
    }
  });
  return { errors, allowErrors: (pattern) => void allowed.push(pattern) };
}
