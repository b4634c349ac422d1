import type { ComponentType } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";

/**
 * Server-renders a route component with the data its loader returned, as the document render
 * does (Remix's useLoaderData reads React Router's route data), without a running server.
 * With `actionData`, renders the page as it answers a form's POST (useActionData).
 */
export async function renderRoute(
  Component: ComponentType,
  loaderData: object,
  path = "/",
  actionData?: object,
): Promise<string> {
  const handler = createStaticHandler([
    {
      id: "route",
      path: "*",
      loader: () => loaderData,
      action: actionData ? () => actionData : undefined,
      Component,
    },
  ]);
  const request = new Request(`http://localhost:3000${path}`, actionData ? { method: "POST", body: "" } : undefined);
  const context = await handler.query(request);
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`);
  const router = createStaticRouter(handler.dataRoutes, context);
  return renderToStaticMarkup(<StaticRouterProvider router={router} context={context} hydrate={false} />);
}
