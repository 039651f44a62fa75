import tls from 'node:tls';

/**
 * What NODE_EXTRA_CA_CERTS does for a child process, done for this one: TLS
 * connections made without a `ca` of their own (`twilio`'s https-proxy-agent,
 * `@twilio-labs/serverless-api`'s hpagent, `requestText`) also trust the
 * fake's CA, next to the usual roots. Node reads NODE_EXTRA_CA_CERTS only at
 * start, and Node 20 has no setter for the default CAs, so `tls.connect` is
 * wrapped; the returned function restores it. Only in a test's own worker
 * process (Vitest forks, one per file): the wrapper is process-wide.
 */
export function trustCaInThisProcess(caPem: string): () => void {
  const original = tls.connect;
  // One context for every connection: a `ca` list of ~140 roots is parsed again by
  // each tls.connect given it, a quarter of the package's CPU time (issue #22).
  const secureContext = tls.createSecureContext({ ca: [...tls.rootCertificates, caPem] });
  const connect = (...args: unknown[]) => {
    const [first] = args;
    if (
      typeof first === 'object' &&
      first !== null &&
      !('ca' in first && first.ca) &&
      !('secureContext' in first && first.secureContext)
    ) {
      args[0] = { ...first, secureContext };
    }
    return (original as (...rest: unknown[]) => tls.TLSSocket).apply(tls, args);
  };
  tls.connect = connect as typeof tls.connect;
  return () => {
    tls.connect = original;
  };
}
