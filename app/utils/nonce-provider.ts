import { createContext, useContext } from "react";

/**
 * The per-request CSP nonce (generated in server.ts, passed through entry.server.tsx).
 * Every inline or module <script> we render must carry it, or the CSP blocks it.
 */
export const NonceContext = createContext<string>("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
