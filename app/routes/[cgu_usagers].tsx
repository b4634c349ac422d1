import { redirect } from "@remix-run/node";

/** The national form's terms for citizens. */
export const loader = () => redirect("/conditions-generales-d-utilisation", 301);
