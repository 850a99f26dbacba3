/**
 * The one helper every route handler goes through, so each route.ts reads: parse, call,
 * answer. It waits for the services, identifies and authorises the caller, applies the rate
 * limit, maps every known error to its catalogued answer, logs 5xx details (never sent), and
 * records request metrics.
 */
import { isRegistryError } from '@/lib/registry/registry';
import { isVisionError } from '@/lib/vision/errors';
import { getServices, servicesIfReady, type Services } from './app';
import { authorize, identify, type Access, type Caller } from './auth';
import { ApiError, ERRORS, errorResponse, type ErrorCode } from './errors';
import { getLogger } from './logger';
import { getMetrics } from './metrics';

export interface RouteContext<P> {
  req: Request;
  params: P;
  services: Services;
  caller: Caller;
}

type NextContext<P> = { params: Promise<P> };

/** Maps anything thrown below a route to a catalogued ApiError. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isVisionError(e)) {
    if (e.code === 'overloaded') return new ApiError('overloaded', e.message, undefined, 1);
    if (e.code === 'models_not_loaded') return new ApiError('not_ready', e.message, undefined, 2);
    return new ApiError(e.code as ErrorCode, e.message);
  }
  if (isRegistryError(e)) {
    if (e.code === 'closed') return new ApiError('not_ready', 'The registry is closed (shutting down).', undefined, 5);
    const map: Record<string, ErrorCode> = { not_found: 'not_found', invalid_input: 'validation_failed', conflict: 'conflict' };
    const code = map[e.code];
    if (code) return new ApiError(code, e.message);
  }
  return new ApiError('internal');
}

export interface RouteOptions {
  /**
   * The answer while the services are still starting, instead of waiting for them (probes must
   * answer at once). Starting them is kicked off either way.
   */
  whileStarting?: () => Response;
  /**
   * The rate-limit bucket the route draws from, beside the caller's (default: the caller's one
   * bucket for every route). A route whose requests ride along with another's (a live page's
   * track questions beside its frames) gets its own, so that the questions never cost frames.
   */
  rateBucket?: string;
}

export function route<P = Record<string, never>>(
  name: string,
  access: Access,
  fn: (ctx: RouteContext<P>) => Promise<Response>,
  opts: RouteOptions = {},
): (req: Request, ctx: NextContext<P>) => Promise<Response> {
  return async (req, nextCtx) => {
    const t0 = performance.now();
    const metrics = getMetrics();
    let status = 500;
    try {
      if (opts.whileStarting && !servicesIfReady()) {
        getServices().catch(() => undefined); // logged by getServices
        const res = opts.whileStarting();
        status = res.status;
        return res;
      }
      const services = await getServices().catch(() => {
        throw new ApiError('not_ready', 'The server could not start its models or registry; see the server log.', undefined, 5);
      });
      const caller = await identify(req, services);
      authorize(caller, access, services.config.FACEREC_PUBLIC_RECOGNITION);
      const decision = services.limiter.take(opts.rateBucket ? `${caller.clientId}\n${opts.rateBucket}` : caller.clientId, Date.now());
      if (!decision.allowed) throw new ApiError('rate_limited', undefined, undefined, decision.retryAfterS);
      const params = (await nextCtx?.params) ?? ({} as P);
      const res = await fn({ req, params, services, caller });
      status = res.status;
      return res;
    } catch (e) {
      const err = toApiError(e);
      status = err.status;
      if (err.status >= 500 && err.code === 'internal') {
        getLogger().error({ err: e, route: name, method: req.method }, 'request failed');
      }
      if (['overloaded', 'rate_limited', 'unauthorized', 'forbidden', 'payload_too_large'].includes(err.code)) {
        metrics.rejected.inc({ reason: err.code });
      }
      return errorResponse(err);
    } finally {
      metrics.requests.inc({ route: name, method: req.method, status: String(status) });
      metrics.requestSeconds.observe({ route: name, method: req.method }, (performance.now() - t0) / 1000);
    }
  };
}

export { ERRORS, errorResponse };
