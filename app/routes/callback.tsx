/**
 * The national form's FranceConnect redirect URI, already registered at FranceConnect: with
 * FRANCECONNECT_LEGACY_CALLBACKS=1 we ask FranceConnect to come back here, and finish the login as
 * /auth/franceconnect/callback does.
 */
export { loader } from "./auth.franceconnect.callback";
