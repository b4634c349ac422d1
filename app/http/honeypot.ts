/**
 * Honeypot for public forms: a text field hidden from people and assistive
 * technologies (CSS off-screen, aria-hidden, tabIndex -1, autocomplete off) that
 * naive bots fill like any other. Its name looks worth filling to them.
 * Shared by the form (field name) and the action (check), hence not .server.
 */
export const HONEYPOT_FIELD = "site_internet";

/** True when the hidden field came back non-empty: the submission is most likely a bot's. */
export function isHoneypotFilled(form: FormData): boolean {
  const value = form.get(HONEYPOT_FIELD);
  if (value === null) return false;
  // A file is as suspicious as text: no person can attach one to a hidden field.
  return typeof value === "string" ? value.trim() !== "" : value.size > 0;
}
