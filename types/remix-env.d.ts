import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Per-request CSP nonce for inline and module scripts. */
    cspNonce: string;
    /** Correlates logs of one request; also returned as X-Request-Id. */
    requestId: string;
    /** The client's IP address (Express req.ip, which honours "trust proxy"): keys rate limits. */
    clientIp: string;
  }

  // Types loaders and actions for Single Fetch (v3_singleFetch), so `data()` infers correctly.
  interface Future {
    v3_singleFetch: true;
  }
}
