import { describe, expect, it } from "vitest";
import { CodeBlock, COPIED, COPY_FAILED, copyCode } from "./code-block";
import { render } from "./dsfr/test-render";

describe("CodeBlock", () => {
  it("is a plain focusable <pre> without JavaScript: no copy button in the server render", () => {
    const html = render(<CodeBlock code={"curl -s https://exemple.fr/api"} label="Exemple : appel" />);
    expect(html).toContain(
      '<pre class="qf-code" tabindex="0" aria-label="Exemple : appel" role="region"><code>curl -s https://exemple.fr/api</code></pre>',
    );
    expect(html).not.toContain("<button");
    expect(html).not.toContain("Copier");
  });

  it("copies the exact code and reports it, or says how to copy by hand when the clipboard refuses", async () => {
    const written: string[] = [];
    const code = 'const a = "é";\n  indent();\n';
    expect(await copyCode({ writeText: (text) => Promise.resolve(void written.push(text)) }, code)).toBe(COPIED);
    expect(written).toEqual([code]);
    expect(COPIED).toBe("Copié");
    const refused = { writeText: () => Promise.reject(new DOMException("denied", "NotAllowedError")) };
    expect(await copyCode(refused, code)).toBe(COPY_FAILED);
  });
});
