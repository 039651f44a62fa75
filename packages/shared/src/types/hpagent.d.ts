// hpagent 0.1.2 ships typings, but its package.json "exports" hides them from
// TypeScript's bundler resolution; this restates the one class the kit uses.
declare module 'hpagent' {
  import type { AgentOptions } from 'node:https';
  import { Agent } from 'node:https';

  export class HttpsProxyAgent extends Agent {
    constructor(options: AgentOptions & { proxy: string | URL });
  }
}
