import express, { type Request, type Response, type Router } from "express";
import type Provider from "oidc-provider";
import { z } from "zod";
import { FaultInjector } from "../shared/faults.ts";
import type { SimulatorModule } from "../shared/types.ts";
import { createProvider, type ProviderSpec } from "./create-provider.ts";
import { escapeHtml, renderPage } from "./html-page.ts";
import { interactionRouter, type LoginUi } from "./interaction-router.ts";
import { MemoryStore, storeSnapshotSchema } from "./memory-store.ts";
import { generateProviderKeys, providerKeysSchema, type ProviderKeys } from "./signing-keys.ts";

export interface OidcSimulatorOptions {
  /** Module name, also the admin prefix /__admin/<name>. */
  name: string;
  spec: ProviderSpec;
  ui: LoginUi;
  /** The demo accounts, listed by GET /__admin/<name>/users. */
  users(): unknown[];
  /** Extra public routes under the issuer path (mounted before the provider). */
  extraRoutes?(router: Router): void;
}

export interface OidcSimulator extends SimulatorModule {
  issuer: string;
  /** The live provider (replaced when a saved state is restored). */
  provider(): Provider;
  store: MemoryStore;
}

const savedStateSchema = z.object({ keys: providerKeysSchema, store: storeSnapshotSchema.default([]) });

/** Path of a URL without its trailing slash: where the provider is mounted. */
export function mountPathOf(issuer: string): string {
  return new URL(issuer).pathname.replace(/\/$/, "");
}

/**
 * One simulated OpenID provider as a SimulatorModule: public routes (the
 * provider and its interaction pages), an admin router, and a state made of its
 * signing keys plus every session and token, so a demo restart keeps them valid.
 */
export async function createOidcSimulator(opts: OidcSimulatorOptions): Promise<OidcSimulator> {
  const { spec } = opts;
  const store = new MemoryStore();
  let keys: ProviderKeys = await generateProviderKeys();
  let provider = createProvider(spec, keys, store);
  let callback = provider.callback();

  const faults = new FaultInjector((res, status) => {
    if (res.req.accepts(["json", "html"]) === "html") {
      res
        .status(status)
        .type("html")
        .send(
          renderPage({
            title: "Erreur",
            service: spec.serviceName,
            body: `<h1>Service indisponible</h1><p>${escapeHtml(spec.serviceName)} ne répond pas (erreur ${status} simulée).</p>`,
          }),
        );
      return;
    }
    res.status(status).json({ error: "server_error", error_description: `Erreur ${status} simulée.` });
  });

  const publicRouter = express.Router();
  publicRouter.use(faults.middleware());
  publicRouter.use(interactionRouter(() => provider, spec.issuer, opts.ui));
  opts.extraRoutes?.(publicRouter);
  publicRouter.use((req: Request, res: Response) => void callback(req, res));

  const admin = express.Router();
  admin.use(express.json());
  admin.get("/users", (_req, res) => {
    res.json(opts.users());
  });
  admin.get("/state", (_req, res) => {
    res.json({
      issuer: spec.issuer,
      sessions: store.list("Session").map(({ payload }) => ({
        accountId: payload.accountId ?? null,
        loginTs: payload.loginTs ?? null,
        exp: payload.exp,
        clients: Object.keys(payload.authorizations ?? {}),
      })),
      accessTokens: store.list("AccessToken").map(({ payload }) => ({
        accountId: payload.accountId,
        clientId: payload.clientId,
        scope: payload.scope,
        exp: payload.exp,
      })),
      grants: store.list("Grant").length,
      faults: faults.list(),
    });
  });
  admin.post("/reset", (_req, res) => {
    module.reset();
    res.status(204).end();
  });
  admin.get("/faults", (_req, res) => {
    res.json(faults.list());
  });
  admin.post("/faults", (req, res) => {
    try {
      res.status(201).json(faults.add(req.body));
    } catch (err) {
      res.status(400).json({ error: "invalid_fault", detail: String(err) });
    }
  });
  admin.delete("/faults", (_req, res) => {
    faults.clear();
    res.status(204).end();
  });

  const module: OidcSimulator = {
    name: opts.name,
    issuer: spec.issuer,
    store,
    provider: () => provider,
    routes: [{ prefix: mountPathOf(spec.issuer), handler: publicRouter }],
    admin,
    reset() {
      store.clear();
      faults.clear();
    },
    snapshot() {
      return { keys, store: store.snapshot() };
    },
    restore(state) {
      const parsed = savedStateSchema.safeParse(state);
      // A state saved by an older version is ignored rather than fatal.
      if (!parsed.success) return;
      keys = parsed.data.keys;
      provider = createProvider(spec, keys, store);
      callback = provider.callback();
      store.restore(parsed.data.store);
    },
    close() {
      faults.clear();
    },
  };
  return module;
}
