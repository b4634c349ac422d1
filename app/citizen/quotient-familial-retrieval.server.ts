import type { ApiParticulierClient, QuotientFamilialOutcome } from "~/integrations/api-particulier/client.server";
import { sleep } from "~/integrations/http.server";

/** Past this wait, a 429 is not retried in the citizen's request: they get the retry page instead. */
export const MAX_INLINE_RETRY_AFTER_MS = 5_000;

/**
 * Fetches the QF with the citizen's FranceConnect token, right after the token
 * exchange (it lives 60 s). A 429 is retried once after Retry-After when the
 * wait is short enough to keep the citizen waiting.
 */
export async function retrieveQuotientFamilial(
  client: ApiParticulierClient,
  accessToken: string,
  recipientSiret: string,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<QuotientFamilialOutcome> {
  const first = await client.quotientFamilialWithFranceConnect(accessToken, recipientSiret);
  if (first.kind !== "rate_limited" || first.retryAfterMs > MAX_INLINE_RETRY_AFTER_MS) return first;
  await wait(first.retryAfterMs);
  return client.quotientFamilialWithFranceConnect(accessToken, recipientSiret);
}
