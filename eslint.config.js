import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import { builtinRules } from "eslint/use-at-your-own-risk";
import globals from "globals";
import tseslint from "typescript-eslint";

/*
 * Architecture layers (ADR 017): routes → features → domain, integrations, audit, mail, formulaire-qf → db.
 * Each layer checks its imports with its own copy of ESLint's no-restricted-imports (which knows
 * `allowTypeImports`): in flat config, a later entry for the same rule REPLACES the options of an
 * earlier one for the files both match, so one shared rule name would silently drop the simulators'
 * patterns, or one layer's, wherever two globs overlap (app/domain is also "not .server").
 * tests/architecture/lint-layers.test.ts proves each rule fires.
 */
const restrictedImports = builtinRules.get("no-restricted-imports");

/** An import of app/<folder>, by alias ("~/portal/…") or relative path ("../../portal/…"). */
const appFolder = (...folders) => `^(~/|(\\.\\./)+)(${folders.join("|")})(/|$)`;
const FEATURES = ["citizen", "portal", "webhooks", "onboarding", "editor-kit"];
/** db/ at the root of the repository (schema, client), reached from app/ by a relative path. */
const DB = "^(\\.\\./)+db/";
const DRIZZLE = "^drizzle-orm(/|$)";
const SERVER_MODULE = "\\.server(\\.tsx?)?$";
// Tests may cross the layers to check a contract end to end (the attachments against the
// editor kit's JSON Schema, a route's loader): the layers constrain what ships.
const TESTS = ["app/**/*.test.{ts,tsx}"];

const LAYERS = [
  {
    rule: "domain",
    files: ["app/domain/**/*.{ts,tsx}"],
    patterns: [
      {
        regex: appFolder(...FEATURES, "integrations"),
        message:
          "Le domaine (app/domain) est le langage partagé : il n'importe ni une fonctionnalité ni une intégration.",
      },
      {
        regex: `${DB}|${DRIZZLE}`,
        message: "Le domaine (app/domain) reste pur : ni db/ ni drizzle-orm, même pour un type.",
      },
    ],
  },
  {
    rule: "integrations",
    files: ["app/integrations/**/*.{ts,tsx}"],
    patterns: [
      {
        regex: appFolder(...FEATURES),
        message:
          "Une intégration (app/integrations) ne connaît aucune fonctionnalité : c'est la fonctionnalité qui l'appelle.",
      },
    ],
  },
  {
    rule: "audit",
    files: ["app/audit/**/*.{ts,tsx}"],
    patterns: [
      {
        regex: appFolder(...FEATURES),
        message: "Le journal (app/audit) sert toutes les fonctionnalités : il n'en importe aucune.",
      },
    ],
  },
  {
    rule: "mail",
    files: ["app/mail/**/*.{ts,tsx}"],
    patterns: [
      {
        regex: appFolder(...FEATURES),
        message: "Le courriel (app/mail) sert toutes les fonctionnalités : il n'en importe aucune.",
      },
    ],
  },
  {
    rule: "formulaire-qf",
    files: ["app/formulaire-qf/**/*.{ts,tsx}"],
    patterns: [
      {
        regex: appFolder(...FEATURES),
        message: "Le format FormulaireQF (app/formulaire-qf) n'importe aucune fonctionnalité.",
      },
    ],
  },
  {
    rule: "portal",
    files: ["app/portal/**/*.{ts,tsx}"],
    patterns: [
      {
        regex: appFolder("citizen"),
        message:
          "Le portail des agents n'importe rien du parcours usager (app/citizen) : ce qu'ils partagent va dans app/domain.",
      },
    ],
  },
  {
    rule: "routes",
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/routes/**"],
    patterns: [
      {
        regex: "^(~/|\\./|(\\.\\./)+)routes(/|$)",
        message: "Seule une route importe une route : le code partagé va dans une fonctionnalité ou un composant.",
      },
    ],
  },
  {
    rule: "components",
    files: ["app/components/**/*.{ts,tsx}"],
    patterns: [
      {
        regex: SERVER_MODULE,
        allowTypeImports: true,
        message: "Un composant n'importe pas de module .server (sauf un type) : la route lui passe ses données.",
      },
    ],
  },
  {
    // Remix drops .server modules from the browser bundle; any other module a page reaches ships
    // there with what it imports, table definitions and SQL included. Types are erased: harmless.
    rule: "server-code",
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/**/*.server.{ts,tsx}", "app/domain/**"],
    patterns: [
      {
        regex: `${DB}|${DRIZZLE}`,
        allowTypeImports: true,
        message:
          "Hors d'un module .server, ni db/ ni drizzle-orm (sauf un type) : ils partiraient dans le code envoyé au navigateur.",
      },
    ],
  },
];

export default tseslint.config(
  { ignores: ["build/**", "public/**", ".cache/**", ".data/**", "node_modules/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js,mjs}"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["app/**/*.tsx"],
    plugins: { react, "react-hooks": reactHooks, "jsx-a11y": jsxA11y },
    settings: { react: { version: "detect" } },
    rules: {
      ...react.configs.recommended.rules,
      ...react.configs["jsx-runtime"].rules,
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      ...jsxA11y.configs.recommended.rules,
      "react/prop-types": "off",
    },
  },
  {
    // The app must talk to the simulated systems over HTTP only, like to the real ones.
    files: ["app/**/*.{ts,tsx}", "jobs/**/*.ts", "db/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/simulators/**"], message: "L'application ne doit jamais importer les simulateurs." },
          ],
        },
      ],
    },
  },
  { plugins: { layers: { rules: Object.fromEntries(LAYERS.map(({ rule }) => [rule, restrictedImports])) } } },
  ...LAYERS.map(({ rule, files, ignores = [], patterns }) => ({
    files,
    ignores: [...ignores, ...TESTS],
    rules: { [`layers/${rule}`]: ["error", { patterns }] },
  })),
);
