import { redirect } from "@remix-run/node";

/** The national form's error page of a journey: ours explains what happened and where to start again. */
export const loader = () => redirect("/demarche/erreur", 301);
