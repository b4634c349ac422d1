import { describe, expect, it } from "vitest";
import { Pagination, visiblePages } from "./pagination";
import { render } from "./test-render";

describe("visiblePages", () => {
  it("keeps the first, last and neighbouring pages", () => {
    expect(visiblePages(1, 1)).toEqual([1]);
    expect(visiblePages(2, 4)).toEqual([1, 2, 3, 4]);
    expect(visiblePages(5, 10)).toEqual([1, "ellipsis-before", 4, 5, 6, "ellipsis-after", 10]);
    expect(visiblePages(10, 10)).toEqual([1, "ellipsis-before", 9, 10]);
  });
});

describe("Pagination", () => {
  it("marks the current page and disables the links before the first page", () => {
    const html = render(<Pagination currentPage={1} pageCount={3} pageHref={(page) => `?page=${page}`} />);
    expect(html).toContain('<a class="fr-pagination__link" aria-current="page" title="Page 1">1</a>');
    expect(html).toMatch(/fr-pagination__link--first" aria-disabled="true" role="link"/);
    expect(html).toMatch(/<a [^>]*title="Page suivante"[^>]*href="\/\?page=2"/);
  });

  it("renders nothing for a single page", () => {
    expect(render(<Pagination currentPage={1} pageCount={1} pageHref={String} />)).toBe("");
  });
});
