import type { LoaderFunctionArgs } from "@remix-run/node";
import { exampleFormulaireQfJson, exampleFormulaireQfXml } from "~/editor-kit/example-files.server";

/**
 * GET /integration/exemples/FormulaireQF.json|xml: the attachments of the example transmission,
 * byte for byte as a commune receives them (same builders), for editors to test their parsers.
 */
export function loader({ params }: LoaderFunctionArgs) {
  const files: Record<string, () => { content: Buffer; type: string }> = {
    "FormulaireQF.json": () => ({
      content: exampleFormulaireQfJson(),
      type: "application/json",
    }),
    "FormulaireQF.xml": () => ({ content: exampleFormulaireQfXml(), type: "application/xml" }),
  };
  const file = Object.hasOwn(files, params.file ?? "") ? files[params.file!]!() : null;
  if (!file) throw new Response("Fichier d’exemple introuvable", { status: 404 });
  return new Response(new Uint8Array(file.content), {
    headers: {
      "Content-Type": `${file.type}; charset=utf-8`,
      "Content-Disposition": `attachment; filename="${params.file}"`,
      "Access-Control-Allow-Origin": "*",
      "Cache-Control": "public, max-age=3600",
    },
  });
}
