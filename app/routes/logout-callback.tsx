/** The national form's FranceConnect logout redirect URI (see callback.tsx). */
export { loader } from "./auth.franceconnect.logout-callback";
