import express, { type ErrorRequestHandler, type Router } from "express";
import { z } from "zod";
import { faultRuleSchema, type FaultInjector } from "../shared/faults.ts";
import { HubeeError } from "./errors.ts";
import type { InjectFolderInput } from "./injection.ts";
import type { StoredFolder } from "./model.ts";
import { notificationQueues } from "./notifications.ts";
import { organization } from "./organizations.ts";
import type { HubeeStore } from "./store.ts";
import type { TokenService } from "./tokens.ts";
import { adminFolderView } from "./views.ts";

/**
 * `/__admin/hubee`: what tests and demos need to see and steer, outside the
 * HubEE API (no auth, plain `{error}` bodies).
 */

export type FaultTarget = "api" | "token";

export interface AdminControls {
  store: HubeeStore;
  tokens: TokenService;
  faults: Record<FaultTarget, FaultInjector>;
  reset(): void;
  injectFolder(input: InjectFolderInput): StoredFolder;
}

const tokenTtlSchema = z.object({
  seconds: z
    .number()
    .int()
    .positive()
    .max(86_400 * 30),
});
const faultTargetSchema = z.enum(["api", "token"]).default("api");
/** SI clients of communes beyond the demo's, as HubEE's back office would create them. */
const siClientsSchema = z.object({
  clients: z
    .array(
      z.object({
        clientId: z.string().min(1).max(200),
        clientSecret: z.string().min(8).max(200),
        siret: z.string().regex(/^\d{14}$/),
        codeCog: z.string().regex(/^(\d{5}|2[AB]\d{3})$/),
        name: z.string().min(1).max(200),
      }),
    )
    .min(1)
    .max(50_000),
});

export function createAdminRouter(controls: AdminControls): Router {
  const { store } = controls;
  const router = express.Router();
  router.use(express.json({ limit: "50mb" }));

  const folderOr404 = (id: string) => {
    const folder = store.folders.get(id);
    if (!folder) throw new HubeeError(404, `Folder ${id} not found`);
    return folder;
  };

  router.get("/folders", (_req, res) => {
    res.json([...store.folders.values()].map(adminFolderView));
  });

  router.post("/folders/inject", (req, res) => {
    const folder = controls.injectFolder(req.body as InjectFolderInput);
    const caseIds = folder.cases.map((c) => c.id);
    res.status(201).json({
      folderId: folder.id,
      caseId: caseIds[0],
      attachmentIds: folder.attachments.map((a) => a.id),
      notificationIds: store.notifications.filter((n) => caseIds.includes(n.caseId ?? "")).map((n) => n.id),
      folder: adminFolderView(folder),
    });
  });

  router.get("/folders/:id", (req, res) => {
    res.json(adminFolderView(folderOr404(req.params.id)));
  });

  router.get("/folders/:id/attachments/:attachmentId", (req, res) => {
    const folder = folderOr404(req.params.id);
    const attachment = folder.attachments.find((a) => a.id === req.params.attachmentId);
    const bytes = attachment && store.blobs.get(attachment.id);
    if (!attachment || !bytes) throw new HubeeError(404, "Attachment not uploaded");
    res.setHeader("Content-Type", attachment.mimeType);
    res.setHeader("digest", attachment.sha256 ?? "");
    res.end(bytes);
  });

  router.get("/notifications", (_req, res) => {
    res.json(notificationQueues(store));
  });

  router.get("/subscriptions", (_req, res) => {
    res.json(store.subscriptions);
  });

  router.post("/token-ttl", (req, res) => {
    controls.tokens.ttlSeconds = tokenTtlSchema.parse(req.body).seconds;
    res.json({ tokenTtlSeconds: controls.tokens.ttlSeconds });
  });

  router.post("/clients", (req, res) => {
    const { clients } = siClientsSchema.parse(req.body);
    const ids = new Set(clients.map((c) => c.clientId));
    if (ids.size !== clients.length) return res.status(409).json({ error: "Duplicate client_id" });
    try {
      controls.tokens.register(
        clients.map((c) => ({
          clientId: c.clientId,
          clientSecret: c.clientSecret,
          scope: "SI" as const,
          organization: organization("SI", c.siret, c.codeCog),
          name: c.name,
        })),
      );
    } catch (error) {
      return res.status(409).json({ error: (error as Error).message });
    }
    res.status(201).json({ registered: clients.length });
  });

  router.post("/expire-tokens", (_req, res) => {
    controls.tokens.expireAll();
    res.status(204).end();
  });

  router.post("/reset", (_req, res) => {
    controls.reset();
    res.status(204).end();
  });

  router.get("/faults", (_req, res) => {
    res.json({ api: controls.faults.api.list(), token: controls.faults.token.list() });
  });

  router.post("/faults", (req, res) => {
    const { target: rawTarget, ...rule } = (req.body ?? {}) as Record<string, unknown>;
    const target = faultTargetSchema.parse(rawTarget);
    // Parsed here too so a bad rule is a 400, not a 500 from the injector.
    const added = controls.faults[target].add(faultRuleSchema.parse(rule));
    res.status(201).json({ target, ...added });
  });

  router.delete("/faults", (req, res) => {
    const target = req.query.target === undefined ? undefined : faultTargetSchema.parse(req.query.target);
    for (const t of target ? [target] : (["api", "token"] as const)) controls.faults[t].clear();
    res.status(204).end();
  });

  const adminErrors: ErrorRequestHandler = (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof z.ZodError) return res.status(400).json({ error: "Invalid request", issues: err.issues });
    if (err instanceof HubeeError) return res.status(err.status).json({ error: err.message });
    if ((err as { type?: string }).type === "entity.parse.failed")
      return res.status(400).json({ error: "Invalid JSON" });
    if (process.env.NODE_ENV !== "test") console.error("[hubee simulator admin]", err);
    res.status(500).json({ error: "Internal error" });
  };
  router.use(adminErrors);
  return router;
}
