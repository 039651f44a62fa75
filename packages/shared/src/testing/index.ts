/**
 * Test support shared by the packages' tests and the bench (Node only): a
 * token signer that needs no `twilio`, and the one list of hostile identities.
 */
export * from './access-token.js';
export * from './hostile-identities.js';
