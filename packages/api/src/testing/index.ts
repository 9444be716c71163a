/**
 * Test doubles at the network edge — a real SMTP server and a real OpenID
 * Connect provider on 127.0.0.1 — for the tests, the e2e stack and the
 * benchmarks (`@hubwerk/api/testing`). Runtime code never imports this entry
 * point (a lint error).
 */
export { startTestSmtp, type ReceivedMail, type TestSmtp } from './smtp-server.ts';
export { signInAtProvider, startTestOidcProvider, type TestAccount, type TestOidcProvider } from './oidc-provider.ts';
