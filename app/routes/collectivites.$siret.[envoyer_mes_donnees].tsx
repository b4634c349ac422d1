import { redirect } from "@remix-run/node";

/**
 * The national form's review page (« envoyer mes données »): ours is /demarche/verification, which
 * says where to start when no journey is in progress.
 */
export const loader = () => redirect("/demarche/verification", 301);
