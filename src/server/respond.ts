/**
 * @module respond
 * Writes responses as Stripe does: pretty-printed JSON (2 spaces), a
 * `Request-Id`, the `Stripe-Version` in use, and Stripe's error envelope.
 */
import type { FastifyReply } from "fastify";
import { errorEnvelope, type StripeError } from "../kernel/errors/index.js";
import type { FileBody } from "../kernel/file-body.js";

/** Serialises a response body the way Stripe prints it. */
export function toJson(body: unknown): string {
  return JSON.stringify(body, null, 2);
}

/** The text of an error response. */
export function errorJson(err: StripeError, requestId: string | undefined): string {
  return toJson(errorEnvelope(err, requestId));
}

/** Sends an already serialised JSON body with the standard headers. */
export function sendJson(reply: FastifyReply, status: number, json: string, requestId: string, apiVersion: string | null): FastifyReply {
  reply.code(status).header("content-type", "application/json").header("request-id", requestId);
  if (apiVersion !== null) reply.header("stripe-version", apiVersion);
  return reply.send(json);
}

/** Sends a file answer (a quote's PDF) with its content type. */
export function sendFile(reply: FastifyReply, file: FileBody, requestId: string, apiVersion: string | null): FastifyReply {
  reply.code(200).header("content-type", file.contentType).header("request-id", requestId);
  if (apiVersion !== null) reply.header("stripe-version", apiVersion);
  return reply.send(Buffer.from(file.bytes));
}

/** Sends a Stripe error, with its extra headers (e.g. `Retry-After`). */
export function sendError(reply: FastifyReply, err: StripeError, requestId: string, apiVersion: string | null): FastifyReply {
  if (err.headers) for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  return sendJson(reply, err.status, errorJson(err, requestId), requestId, apiVersion);
}
