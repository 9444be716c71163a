import { createContext, useContext } from 'react';

/**
 * The per-response CSP nonce (entry.server.tsx). Only the server render
 * needs it: the browser never re-runs the inline scripts it allowed.
 */
export const NonceContext = createContext<string | undefined>(undefined);

export const useNonce = () => useContext(NonceContext);
