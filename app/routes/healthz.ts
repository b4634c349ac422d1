import { initDatabase } from "~/db.server";

/** Liveness and readiness for load balancers: 200 only when the database answers. */
export async function loader() {
  const healthy = await initDatabase()
    .then((handle) => handle.ping())
    .catch(() => false);
  return Response.json(
    { status: healthy ? "ok" : "indisponible", database: healthy ? "ok" : "injoignable" },
    { status: healthy ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
