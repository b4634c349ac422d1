import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { ConfigError, EXTERNAL_VARIABLES, parseConfig } from "./config.server";

const validKey = Buffer.alloc(32, 7).toString("base64");

const productionEnv = () => ({
  NODE_ENV: "production",
  APP_URL: "https://qf.example.gouv.fr",
  DATABASE_URL: "postgres://qf:secret@db.internal:5432/qf",
  SESSION_SECRET: "s".repeat(40),
  ENCRYPTION_KEY: validKey,
  FRANCECONNECT_ISSUER: "https://oidc.franceconnect.gouv.fr/api/v2",
  FRANCECONNECT_CLIENT_ID: "fc-id",
  FRANCECONNECT_CLIENT_SECRET: "fc-secret",
  PROCONNECT_ISSUER: "https://auth.agentconnect.gouv.fr/api/v2",
  PROCONNECT_CLIENT_ID: "pc-id",
  PROCONNECT_CLIENT_SECRET: "pc-secret",
  API_PARTICULIER_URL: "https://particulier.api.gouv.fr",
  HUBEE_API_URL: "https://api.hubee.numerique.gouv.fr",
  HUBEE_TOKEN_URL: "https://auth.hubee.numerique.gouv.fr/oauth2/token",
  HUBEE_OSL_CLIENT_ID: "osl-id",
  HUBEE_OSL_CLIENT_SECRET: "osl-secret",
  DATAPASS_WEBHOOK_SECRET: "d".repeat(40),
  SMTP_URL: "smtp://portail:motdepasse@smtp.example.gouv.fr:587",
  MAIL_FROM: "Portail QF <ne-pas-repondre@qf.example.gouv.fr>",
});

describe("parseConfig", () => {
  it("defaults every external system to the local simulators in demo mode", () => {
    const config = parseConfig({});
    expect(config.demoMode).toBe(true);
    expect(config.PORT).toBe(3000);
    expect(config.PGLITE_DIR).toBe("./.data/pglite");
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.FRANCECONNECT_ISSUER).toBe("http://localhost:4000/franceconnect/api/v2");
    expect(config.HUBEE_TOKEN_URL).toBe("http://localhost:4000/hubee-auth/oauth2/token");
    expect(Buffer.from(config.ENCRYPTION_KEY, "base64")).toHaveLength(32);
  });

  it("accepts a complete production environment and applies no demo default", () => {
    const config = parseConfig(productionEnv());
    expect(config.demoMode).toBe(false);
    expect(config.FRANCECONNECT_ISSUER).toBe("https://oidc.franceconnect.gouv.fr/api/v2");
  });

  it("refuses production without the external variables and names every missing one", () => {
    const error = captureError(() => parseConfig({ NODE_ENV: "production" }));
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of [...EXTERNAL_VARIABLES, "SESSION_SECRET", "ENCRYPTION_KEY", "DATABASE_URL"]) {
      expect(error.message).toContain(name);
    }
    expect(error.message).not.toContain("\n");
  });

  it("requires SMTP_URL and MAIL_FROM in production, defaults them to the simulators' SMTP server in demo", () => {
    const demo = parseConfig({});
    expect(demo.SMTP_URL).toBe("smtp://localhost:1025");
    expect(demo.MAIL_FROM).toMatch(/^Portail QF <.+@.+>$/);
    expect(demo.SMTP_TLS).toBe("on");
    expect(demo.MAIL_RATE_PER_MINUTE).toBe(120);
    const env: Record<string, string> = productionEnv();
    delete env.SMTP_URL;
    delete env.MAIL_FROM;
    expect(() => parseConfig(env)).toThrow("variables manquantes : SMTP_URL, MAIL_FROM");
    expect(() => parseConfig({ SMTP_URL: "http://smtp.example.fr" })).toThrow(/SMTP_URL/);
    expect(() => parseConfig({ MAIL_FROM: "pas une adresse" })).toThrow(/MAIL_FROM/);
    expect(parseConfig({ MAIL_FROM: "qf@commune.fr" }).MAIL_FROM).toBe("qf@commune.fr");
    expect(() => parseConfig({ SMTP_TLS: "peut-être" })).toThrow(/SMTP_TLS/);
  });

  it("takes DKIM's three variables together or none of them", () => {
    const key = "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----";
    const config = parseConfig({ DKIM_DOMAIN: "qf.gouv.fr", DKIM_SELECTOR: "qf2026", DKIM_PRIVATE_KEY: key });
    expect(config.DKIM_PRIVATE_KEY).toBe("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----");
    expect(() => parseConfig({ DKIM_DOMAIN: "qf.gouv.fr" })).toThrow(/DKIM_DOMAIN, DKIM_SELECTOR et DKIM_PRIVATE_KEY/);
    expect(() => parseConfig({ DKIM_DOMAIN: "a.fr", DKIM_SELECTOR: "s", DKIM_PRIVATE_KEY: "x" })).toThrow(
      /DKIM_PRIVATE_KEY/,
    );
  });

  it("takes an https FEEDBACK_URL for « Je donne mon avis », and refuses any other", () => {
    expect(parseConfig({}).FEEDBACK_URL).toBeUndefined();
    const url = "https://voxusagers.numerique.gouv.fr/Demarches/1234?nd_source=button";
    expect(parseConfig({ FEEDBACK_URL: url }).FEEDBACK_URL).toBe(url);
    for (const wrong of ["http://avis.example.fr", "javascript:alert(1)", "pas une adresse"]) {
      expect(() => parseConfig({ FEEDBACK_URL: wrong }), wrong).toThrow(/FEEDBACK_URL/);
    }
  });

  it("names the single missing variable in production", () => {
    const env: Record<string, string> = productionEnv();
    delete env.HUBEE_OSL_CLIENT_SECRET;
    expect(() => parseConfig(env)).toThrow("variables manquantes : HUBEE_OSL_CLIENT_SECRET");
  });

  it.each([
    ["not base64 at all!", "ENCRYPTION_KEY"],
    [Buffer.alloc(16).toString("base64"), "ENCRYPTION_KEY"],
  ])("rejects a malformed ENCRYPTION_KEY (%s) in one line", (value, name) => {
    const error = captureError(() => parseConfig({ ENCRYPTION_KEY: value }));
    expect(error.message).toMatch(new RegExp(`^Configuration invalide : ${name} `));
    expect(error.message).not.toContain("\n");
  });

  it.each([
    ["DATABASE_URL", "mysql://localhost/qf"],
    ["APP_URL", "localhost:3000"],
    ["PORT", "soixante"],
    ["LOG_LEVEL", "verbose"],
    ["SESSION_SECRET", "court"],
    ["DATAPASS_WEBHOOK_SECRET", "court"],
    ["MIGRATE_ON_BOOT", "non"],
  ])("rejects a wrong %s with a message naming it", (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(`Configuration invalide : ${name} `);
  });

  it("accepts a syntactically valid DATABASE_URL; reachability is checked at connection", () => {
    expect(parseConfig({ DATABASE_URL: "postgres://bad" }).DATABASE_URL).toBe("postgres://bad");
  });

  it("migrates at boot unless MIGRATE_ON_BOOT is 0", () => {
    expect(parseConfig({}).MIGRATE_ON_BOOT).toBe(true);
    expect(parseConfig({ MIGRATE_ON_BOOT: "1" }).MIGRATE_ON_BOOT).toBe(true);
    expect(parseConfig({ MIGRATE_ON_BOOT: "0" }).MIGRATE_ON_BOOT).toBe(false);
    expect(parseConfig({ ...productionEnv(), MIGRATE_ON_BOOT: "0" }).MIGRATE_ON_BOOT).toBe(false);
    expect(() => parseConfig({ MIGRATE_ON_BOOT: "false" })).toThrow(
      "Configuration invalide : MIGRATE_ON_BOOT doit valoir 1 (migrer au démarrage, par défaut) ou 0",
    );
  });

  it("runs one web process per core in production, one in demo, and WEB_PROCESSES when set", () => {
    expect(parseConfig(productionEnv()).WEB_PROCESSES).toBe(availableParallelism());
    expect(parseConfig({}).WEB_PROCESSES).toBe(1);
    expect(parseConfig({ ...productionEnv(), WEB_PROCESSES: "3" }).WEB_PROCESSES).toBe(3);
    expect(() => parseConfig({ ...productionEnv(), WEB_PROCESSES: "0" })).toThrow(
      "Configuration invalide : WEB_PROCESSES doit être un nombre entier entre 1 et 64",
    );
    // PGlite (demo without DATABASE_URL) is one process's folder.
    expect(() => parseConfig({ WEB_PROCESSES: "2" })).toThrow(
      /^Configuration invalide : WEB_PROCESSES=2 demande PostgreSQL/,
    );
  });

  it("treats empty strings as unset", () => {
    expect(parseConfig({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });
});

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("key and secret rotation", () => {
  const oldKey = Buffer.alloc(32, 1).toString("base64");
  const newKey = Buffer.alloc(32, 2).toString("base64");

  it("reads ENCRYPTION_KEYS as a keyring whose first key encrypts", () => {
    const { ENCRYPTION_KEY: _single, ...env } = productionEnv();
    const config = parseConfig({ ...env, ENCRYPTION_KEYS: `2027:${newKey}, 2026:${oldKey}` });
    expect(config.ENCRYPTION_KEY).toBe(newKey);
    expect(config.encryptionKeyring).toEqual([
      { id: "2027", base64: newKey },
      { id: "2026", base64: oldKey },
    ]);
  });

  it("keeps ENCRYPTION_KEY alone working as a ring of one key", () => {
    const config = parseConfig(productionEnv());
    expect(config.encryptionKeyring).toEqual([{ id: "ENCRYPTION_KEY", base64: validKey }]);
  });

  it("refuses a bad key of the ring by its name, and two disagreeing sources", () => {
    const { ENCRYPTION_KEY: _single, ...env } = productionEnv();
    expect(() => parseConfig({ ...env, ENCRYPTION_KEYS: `2027:${newKey},2026:abcd` })).toThrow(/« 2026 »/);
    expect(() => parseConfig({ ...productionEnv(), ENCRYPTION_KEYS: `2027:${newKey}` })).toThrow(ConfigError);
    expect(() => parseConfig({ ...env })).toThrow(/ENCRYPTION_KEY/);
  });

  it("reads SESSION_SECRET as a list: the first signs, all verify", () => {
    const config = parseConfig({ ...productionEnv(), SESSION_SECRET: `${"n".repeat(40)},${"o".repeat(40)}` });
    expect(config.SESSION_SECRET).toBe("n".repeat(40));
    expect(config.sessionSecrets).toEqual(["n".repeat(40), "o".repeat(40)]);
    expect(() => parseConfig({ ...productionEnv(), SESSION_SECRET: `${"n".repeat(40)},court` })).toThrow(
      /SESSION_SECRET doit contenir au moins 32 caractères/,
    );
  });
});
