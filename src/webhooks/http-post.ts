/**
 * @module http-post
 * One webhook POST over keep-alive connections, with a timeout; answers the
 * status and the start of the body, or the network error, never throws.
 */
import http from "node:http";
import https from "node:https";

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * Characters of a receiver's answer kept: enough to read an error message, as Stripe's Dashboard
 * shows a webhook attempt's response, bounded because the delivery log keeps many attempts.
 */
export const RESPONSE_BODY_LIMIT = 1000;

/** What a POST came to: the status and the first {@link RESPONSE_BODY_LIMIT} characters of the body. */
export type PostResult = { readonly status: number; readonly body: string } | { readonly error: string };

/** POSTs `body` to `url`; gives up after `timeoutMs`, or when `signal` aborts. */
export function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<PostResult> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve({ error: "aborted: server closing" });
      return;
    }
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ error: `invalid URL ${url}` });
      return;
    }
    const client = target.protocol === "https:" ? https : http;
    let settled = false;
    const onAbort = () => {
      done({ error: "aborted: server closing" });
      req.destroy();
    };
    const done = (r: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(r);
    };
    const req = client.request(
      target,
      {
        method: "POST",
        agent: target.protocol === "https:" ? httpsAgent : httpAgent,
        headers: { ...headers, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        // Keep the start of the body; read the rest to its end so the connection can be reused.
        res.setEncoding("utf8");
        let kept = "";
        res.on("data", (chunk: string) => {
          if (kept.length < RESPONSE_BODY_LIMIT) kept += chunk.slice(0, RESPONSE_BODY_LIMIT - kept.length);
        });
        res.on("end", () => done({ status: res.statusCode ?? 0, body: kept }));
        res.on("error", (err) => done({ error: err.message }));
      },
    );
    const timer = setTimeout(() => {
      done({ error: `timed out after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    timer.unref();
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", (err: NodeJS.ErrnoException) => done({ error: err.code ? `${err.code}: ${err.message}` : err.message }));
    req.end(body);
  });
}
