/** A failed HubEE call, classified for the outbox: retry later, or give up. */
export class HubeeError extends Error {
  readonly status: number | null;
  readonly code: number | string | null;
  /** Network, timeout, 5xx, 429, expired token: worth retrying with backoff. */
  readonly transient: boolean;
  /** The client credentials themselves were refused. */
  readonly credentialsRejected: boolean;

  constructor(
    message: string,
    options: {
      status: number | null;
      code?: number | string | null;
      transient: boolean;
      credentialsRejected?: boolean;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = "HubeeError";
    this.status = options.status;
    this.code = options.code ?? null;
    this.transient = options.transient;
    this.credentialsRejected = options.credentialsRejected ?? false;
  }
}

export const isTransientHubeeError = (error: unknown) => error instanceof HubeeError && error.transient;
