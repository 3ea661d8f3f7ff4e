type Fetch = (request: Request, env: unknown) => Response | Promise<Response>;

export interface RequestDrain {
  /** The server's fetch, counted and, once draining, refused. */
  wrap(fetch: Fetch): Fetch;
  /** Requests being answered now. */
  inFlight(): number;
  /** From now on every request but /-/health gets 503 (readiness included); resolves when the requests in flight have been answered. */
  start(): Promise<void>;
}

/**
 * Counts the requests in flight and, once draining, answers every new request
 * but /-/health with 503, Retry-After and Connection: close. A replica that
 * is shutting down takes no new work: the load balancer has stopped (or is
 * about to stop) sending to it, GitLab and agents retry a 503, and nothing
 * answered 503 was stored, so nothing is lost or acknowledged twice. The
 * liveness probe still answers 200 so the orchestrator does not kill the
 * process while it drains.
 */
export function createRequestDrain(): RequestDrain {
  let active = 0;
  let draining = false;
  let idle: (() => void) | undefined;
  let drained: Promise<void> | undefined;
  return {
    wrap: (fetch) => async (request, env) => {
      if (draining && new URL(request.url).pathname !== '/-/health') {
        return Response.json({ error: 'unavailable', message: 'the service is shutting down; try again' }, { status: 503, headers: { 'Retry-After': '1', Connection: 'close' } });
      }
      active++;
      try {
        return await fetch(request, env);
      } finally {
        if (--active === 0) idle?.();
      }
    },
    inFlight: () => active,
    start() {
      draining = true;
      drained ??= active === 0 ? Promise.resolve() : new Promise<void>((r) => (idle = r));
      return drained;
    },
  };
}
