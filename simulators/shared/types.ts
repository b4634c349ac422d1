import type { RequestHandler, Router } from "express";

/** One simulated external system, mounted by simulators/server.ts. */
export interface SimulatorModule {
  /** Short name, also its admin prefix: /__admin/<name>. */
  name: string;
  /** Public routes, each mounted at its path prefix (e.g. "/hubee", "/hubee-auth"). */
  routes: Array<{ prefix: string; handler: RequestHandler | Router }>;
  /** Admin routes (state, faults…), mounted at /__admin/<name>. */
  admin: Router;
  /** Back to the initial demo state. */
  reset(): void;
  /** JSON-serialisable state, saved so a demo survives a restart. */
  snapshot(): unknown;
  restore(state: unknown): void;
  /** Release timers and resources. */
  close?(): Promise<void> | void;
}

/** What FranceConnect tells a data provider about one of its access tokens (like its checktoken). */
export interface FranceConnectTokenIntrospection {
  active: boolean;
  /** Seconds since epoch. */
  exp: number;
  scope: string[];
  client_id: string;
  /** The pivot identity claims of the user (given_name, family_name, birthdate, gender, birthplace, birthcountry…). */
  identity: Record<string, unknown>;
  /** Identifier of the user in the simulator (the CSV login), used to find their API Particulier fixture. */
  login: string;
}
