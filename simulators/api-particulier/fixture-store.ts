import { readdir, readFile } from "node:fs/promises";
import { parse } from "yaml";
import type { FranceConnectTokenIntrospection } from "../shared/types.ts";
import type { QfRequestParams } from "./civility-params.ts";
import { normalizeName } from "./identity-key.ts";

/** Folders copied from the staging data (etalab/siade_staging_data), one per QF route. */
export type FixtureFolder = "with-civility" | "with-france-connect";

/** One staging case: the exact parameters that trigger it, and what staging answers. */
export interface StagingCase {
  /** `<folder>/<file name without extension>`, e.g. `with-civility/200-usager-base-france_connect`. */
  id: string;
  folder: FixtureFolder;
  file: string;
  description: string;
  params: QfRequestParams;
  status: number;
  body: unknown;
}

/** A staging fake FranceConnect token (`france_connect/<token>.yml`), accepted by the FC route. */
export interface FakeFranceConnectToken {
  token: string;
  file: string;
  introspection: FranceConnectTokenIntrospection;
}

const FIXTURE_FOLDERS: FixtureFolder[] = ["with-civility", "with-france-connect"];
const FAKE_TOKENS_FOLDER = "france-connect-tokens";
const INTEGER_PARAMS = new Set(["anneeDateNaissance", "moisDateNaissance", "jourDateNaissance", "annee", "mois"]);
/** Staging fakes carry a 2024 `exp`; staging never checks it, so neither do we. */
const FAKE_TOKEN_EXP = Date.UTC(2100, 0, 1) / 1000;

interface RawCase {
  description?: string;
  params?: Record<string, unknown>;
  status?: number;
  payload?: string;
}

export class FixtureStore {
  private constructor(
    readonly cases: StagingCase[],
    readonly fakeTokens: Map<string, FakeFranceConnectToken>,
  ) {}

  /** Reads the fixtures copied into this folder: the simulator never reads ../shared at runtime. */
  static async load(root: URL = new URL("./fixtures/", import.meta.url)): Promise<FixtureStore> {
    const cases: StagingCase[] = [];
    for (const folder of FIXTURE_FOLDERS) {
      for (const file of await yamlFiles(new URL(`${folder}/`, root))) {
        const raw = parse(await readFile(new URL(`${folder}/${file}`, root), "utf8")) as RawCase;
        cases.push({
          id: `${folder}/${file.replace(/\.ya?ml$/, "")}`,
          folder,
          file,
          description: raw.description ?? "",
          params: toRequestParams(raw.params ?? {}),
          status: Number(raw.status),
          body: JSON.parse(raw.payload ?? "null"),
        });
      }
    }
    const fakeTokens = new Map<string, FakeFranceConnectToken>();
    for (const file of await yamlFiles(new URL(`${FAKE_TOKENS_FOLDER}/`, root))) {
      const raw = parse(await readFile(new URL(`${FAKE_TOKENS_FOLDER}/${file}`, root), "utf8")) as RawCase;
      const token = String(raw.params?.token ?? "");
      const introspection = JSON.parse(raw.payload ?? "{}").token_introspection as Record<string, unknown>;
      const { scope, exp: _exp, active: _active, ...identity } = introspection;
      fakeTokens.set(token, {
        token,
        file,
        introspection: {
          active: true,
          exp: FAKE_TOKEN_EXP,
          scope: String(scope ?? "")
            .split(/\s+/)
            .filter(Boolean),
          client_id: String(introspection.aud ?? "staging"),
          identity,
          login: `staging:${token}`,
        },
      });
    }
    return new FixtureStore(cases, fakeTokens);
  }

  byId(id: string): StagingCase | undefined {
    return this.cases.find((c) => c.id === id);
  }

  /** Staging's rule for `/identite`: the request carries exactly the fixture's parameter set. */
  matchExact(folder: FixtureFolder, params: QfRequestParams): StagingCase | undefined {
    return this.cases.find((c) => c.folder === folder && sameParams(c.params, params));
  }

  /**
   * For the FranceConnect route the parameters come from the pivot identity, so the
   * comparison ignores case, accents and `nomUsage` (FC rarely has one; the fixtures do).
   */
  matchIdentity(folder: FixtureFolder, params: QfRequestParams): StagingCase | undefined {
    const wanted = identitySignature(params);
    return this.cases.find((c) => c.folder === folder && identitySignature(c.params) === wanted);
  }
}

async function yamlFiles(dir: URL): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
}

function toRequestParams(raw: Record<string, unknown>): QfRequestParams {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(raw)) {
    params[key] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return params as QfRequestParams;
}

function sameParams(fixture: QfRequestParams, request: QfRequestParams): boolean {
  const a = fixture as Record<string, string | string[] | undefined>;
  const b = request as Record<string, string | string[] | undefined>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => a[k] !== undefined || b[k] !== undefined));
  for (const key of keys) {
    const x = a[key];
    const y = b[key];
    if (x === undefined || y === undefined) return false;
    if (Array.isArray(x) || Array.isArray(y)) {
      if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length || x.some((v, i) => v !== y[i])) return false;
    } else if (INTEGER_PARAMS.has(key) && /^\d+$/.test(x) && /^\d+$/.test(y)) {
      if (Number(x) !== Number(y)) return false;
    } else if (x !== y) return false;
  }
  return true;
}

function identitySignature(params: QfRequestParams): string {
  const int = (v: string | undefined) => (v === undefined ? "" : String(Number(v)));
  return [
    normalizeName(params.nomNaissance),
    normalizeName(params.prenoms?.join(" ")),
    int(params.anneeDateNaissance),
    int(params.moisDateNaissance),
    int(params.jourDateNaissance),
    normalizeName(params.sexeEtatCivil),
    normalizeName(params.codeCogInseeCommuneNaissance),
    params.codeCogInseePaysNaissance ?? "",
  ].join("|");
}
