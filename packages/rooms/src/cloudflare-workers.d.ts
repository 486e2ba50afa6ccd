// The slice of `cloudflare:workers` that partyserver's types build on. The repository's type
// check runs with Node's and the DOM's globals, which @cloudflare/workers-types would clash
// with; inside workerd the real module is there.
declare module 'cloudflare:workers' {
  export abstract class DurableObject<Env = unknown> {
    protected ctx: {
      id: { name?: string };
      getWebSockets(tag?: string): WebSocket[];
      storage: unknown;
      waitUntil(promise: Promise<unknown>): void;
    };
    protected env: Env;
    constructor(ctx: unknown, env: Env);
  }
}
