/**
 * Test support shared by the packages' tests and the bench (Node only): a
 * token signer that needs no `twilio`, the one list of hostile identities, and
 * the one way to run a kit command and read what it printed.
 */
export * from './access-token.js';
export * from './fake-room.js';
export * from './hostile-identities.js';
export * from './run-command.js';
