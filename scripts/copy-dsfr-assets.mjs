// Copies the DSFR runtime files that must be served at a stable URL (not fingerprinted by
// the Remix compiler) into public/dsfr/: the JS is loaded by <script src> tags and the
// favicon manifest refers to its icons by relative path.
import { cp, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "node_modules", "@gouvfr", "dsfr", "dist");
const target = path.join(root, "public", "dsfr");

const entries = ["dsfr.module.min.js", "dsfr.nomodule.min.js", "favicon"];

await mkdir(target, { recursive: true });
for (const entry of entries) {
  // force: re-running the script overwrites the previous copy (idempotent).
  await cp(path.join(source, entry), path.join(target, entry), { recursive: true, force: true });
}

console.log(`DSFR assets copied to ${path.relative(root, target)}/ (${entries.join(", ")})`);
