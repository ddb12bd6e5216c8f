/**
 * @module webhook-endpoints
 * `/v1/webhook_endpoints`: where a namespace's events are delivered. The
 * secret is returned by the create call only, as on Stripe; it is kept
 * beside the endpoint, never in the object other calls return. An endpoint
 * created with `connect=true` receives the events of the namespace's
 * connected accounts (each with its `account`) instead of the namespace's own.
 */
import { EVENT_TYPES } from "../stripe/event-types.js";
import { WebhookEndpointErrors } from "../kernel/errors/index.js";
import { newWebhookSecret } from "../stripe/signature.js";
import { crudEndpoints } from "../kernel/crud.js";
import { mergeMetadata, p, type ParamType } from "../kernel/params/param.js";
import { Resource } from "../kernel/resource.js";
import { isApiVersion } from "../kernel/version.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import type { WebhookEndpoint } from "../stripe/objects.js";

export type { WebhookEndpoint };

export const webhookEndpoints: Resource<WebhookEndpoint> = new Resource<WebhookEndpoint>({
  object: "webhook_endpoint",
  idPrefix: "we",
  eventPrefix: null,
});

const SECRETS = "webhook_secret";
/** The endpoints created with `connect=true`, kept beside them: Stripe's endpoint object does not show it. */
const CONNECT = "webhook_connect";

/** The signing secret of an endpoint. */
export function endpointSecret(ctx: Pick<Context, "store" | "ns">, id: string): Promise<string | undefined> {
  return ctx.store.kvGet<string>(ctx.ns, SECRETS, id);
}

/**
 * Whether an endpoint receives the events of the namespace's connected
 * accounts (created with `connect=true`) rather than its own: on Stripe an
 * endpoint is one or the other.
 */
export async function isConnectEndpoint(ctx: Pick<Context, "store" | "ns">, id: string): Promise<boolean> {
  return (await ctx.store.kvGet<boolean>(ctx.ns, CONNECT, id)) === true;
}

/** Checks a target URL: absolute http(s). */
export function checkUrl(url: string, param = "url"): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw WebhookEndpointErrors.urlNotAbsolute(url, param);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw WebhookEndpointErrors.urlScheme(url, param);
  }
  return url;
}

function checkEvents(events: string[]): string[] {
  if (events.length === 0) throw WebhookEndpointErrors.noEvents();
  events.forEach((e, i) => {
    if (e !== "*" && !EVENT_TYPES.has(e)) {
      throw WebhookEndpointErrors.unknownEvent(i, e);
    }
  });
  return [...new Set(events)];
}

const CREATE = {
  url: p.string({ max: 5000 }).required(),
  enabled_events: p.array(p.string(), { max: 500 }).required(),
  api_version: p.string(),
  connect: p.boolean(),
  description: p.string({ max: 5000 }).emptiable(),
  metadata: p.metadata(),
} as const;

type CreateParams = ParamType<ReturnType<typeof p.object<typeof CREATE>>>;

/** Creates an endpoint; `secret` fixes its signing secret (CLI `--webhook-secret`). Answers it with its secret. */
export async function createWebhookEndpoint(ctx: Context, params: CreateParams, secret?: string): Promise<WebhookEndpoint> {
  const url = checkUrl(params.url);
  const enabled = checkEvents(params.enabled_events);
  if (params.api_version !== undefined && !isApiVersion(params.api_version)) {
    throw WebhookEndpointErrors.invalidApiVersion(params.api_version);
  }
  if (secret !== undefined && !/^whsec_[A-Za-z0-9_]+$/.test(secret)) throw WebhookEndpointErrors.secretMalformed();
  const endpoint: WebhookEndpoint = {
    id: webhookEndpoints.newId(),
    object: "webhook_endpoint",
    api_version: params.api_version ?? null,
    application: null,
    created: ctx.now(),
    description: params.description ?? null,
    enabled_events: enabled,
    livemode: false,
    metadata: mergeMetadata({}, params.metadata),
    status: "enabled",
    url,
  };
  const key = secret ?? newWebhookSecret();
  await ctx.store.kvSet(ctx.ns, SECRETS, endpoint.id, key);
  if (params.connect === true) await ctx.store.kvSet(ctx.ns, CONNECT, endpoint.id, true);
  await webhookEndpoints.insert(ctx, endpoint);
  return { ...endpoint, secret: key };
}

/** Endpoints registered at start, by URL and events, on a store that outlives the server. */
const AT_START = "webhook_at_start";

/**
 * The endpoint a server registers at start for `url` and `enabled_events`.
 * With `durable`, the one an earlier server on the same store registered for
 * them is this one again (with its secret, or the one given now), so
 * restarts do not pile up endpoints that would each receive every event.
 */
export async function startupWebhookEndpoint(
  ctx: Context,
  params: { url: string; enabled_events: string[] },
  secret: string | undefined,
  durable: boolean,
): Promise<WebhookEndpoint & { secret: string }> {
  const key = JSON.stringify([params.url, params.enabled_events]);
  if (durable) {
    const id = await ctx.store.kvGet<string>(ctx.ns, AT_START, key);
    const kept = id !== undefined ? await ctx.store.get<WebhookEndpoint & { deleted?: true }>(ctx.ns, webhookEndpoints.object, id) : undefined;
    const keptSecret = kept && !kept.deleted ? await endpointSecret(ctx, kept.id) : undefined;
    if (kept && keptSecret !== undefined) {
      if (secret !== undefined && secret !== keptSecret) {
        if (!/^whsec_[A-Za-z0-9_]+$/.test(secret)) throw WebhookEndpointErrors.secretMalformed();
        await ctx.store.kvSet(ctx.ns, SECRETS, kept.id, secret);
      }
      return { ...kept, secret: secret ?? keptSecret };
    }
  }
  const created = await createWebhookEndpoint(ctx, params, secret);
  if (durable) await ctx.store.kvSet(ctx.ns, AT_START, key, created.id);
  return created as WebhookEndpoint & { secret: string };
}

export const webhookEndpointsModule: ResourceModule = {
  name: "webhook-endpoints",
  resources: [webhookEndpoints as never],
  endpoints: crudEndpoints(webhookEndpoints, {
    path: "/v1/webhook_endpoints",
    create: { params: CREATE, run: (ctx, params) => createWebhookEndpoint(ctx, params) },
    update: {
      params: {
        url: p.string({ max: 5000 }),
        enabled_events: p.array(p.string(), { max: 500 }),
        description: p.string({ max: 5000 }).emptiable(),
        disabled: p.boolean(),
        metadata: p.metadata(),
      },
      async run(ctx, current, params) {
        const next: WebhookEndpoint = { ...current };
        if (params.url !== undefined) next.url = checkUrl(params.url);
        if (params.enabled_events !== undefined) next.enabled_events = checkEvents(params.enabled_events);
        if (params.description !== undefined) next.description = params.description;
        if (params.disabled !== undefined) next.status = params.disabled ? "disabled" : "enabled";
        if (params.metadata !== undefined) next.metadata = mergeMetadata(current.metadata, params.metadata);
        return webhookEndpoints.update(ctx, current, next);
      },
    },
    del: {
      async run(ctx, current) {
        await ctx.store.kvDelete(ctx.ns, SECRETS, current.id);
      },
    },
    list: { params: {} },
  }),
};
