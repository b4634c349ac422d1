/** The national form's health check (/up), which monitoring still polls: the same answer as /healthz. */
export { loader } from "./healthz";
