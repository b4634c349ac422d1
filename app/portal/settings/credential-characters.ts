/**
 * Tokens, client ids and secrets travel in HTTP headers and form bodies, where only visible ASCII
 * is safe. A control character (a NUL or a line break pasted from a PDF or a mail), a space or an
 * accented letter would be stored, then make every call fail: API Particulier and HubEE would
 * look unreachable and campaigns would retry the commune as if the fault were transient.
 */
const VISIBLE_ASCII = /^[\x21-\x7E]*$/;

export function isCredentialText(value: string): boolean {
  return VISIBLE_ASCII.test(value);
}

/** For the code that stores credentials: a form must have refused such a value already. */
export function assertCredentialText(value: string, what: string): void {
  if (!isCredentialText(value)) throw new TypeError(`${what}: only visible ASCII characters are allowed`);
}
