import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { StaticRouter } from "react-router-dom/server";

/** Server-renders a component that uses Remix links at `path`, as the document render does. */
export function render(element: ReactElement, path = "/"): string {
  return renderToStaticMarkup(<StaticRouter location={path}>{element}</StaticRouter>);
}
