/**
 * A raw HTTP/1.1 connection for what no HTTP client sends: malformed request
 * lines, bad chunked encoding, trickled bodies, several requests on one
 * socket. It reads responses framed by Content-Length (all paper-tiger
 * sends) and tells how the connection ended: a clean close or a reset.
 */
import net from "node:net";

export interface RawHttpResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The body parsed as JSON, or `undefined`. */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** How a connection ended: `"end"` (the server closed it cleanly) or `"error:<code>"` (a reset...). */
export type Ending = "end" | `error:${string}`;

export class RawConnection {
  readonly #socket: net.Socket;
  #buffer = Buffer.alloc(0);
  #ending: Ending | undefined;
  #wake: (() => void) | undefined;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on("data", (d: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, d]);
      this.#wake?.();
    });
    socket.on("end", () => this.#end("end"));
    socket.on("error", (e: NodeJS.ErrnoException) => this.#end(`error:${e.code ?? e.message}`));
    socket.on("close", () => this.#end("end"));
  }

  /** Opens a connection to a loopback port. */
  static open(port: number, host = "127.0.0.1"): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => {
        socket.off("error", reject);
        resolve(new RawConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  #end(how: Ending): void {
    this.#ending ??= how;
    this.#wake?.();
  }

  /** How the connection ended, once it has. */
  get ending(): Ending | undefined {
    return this.#ending;
  }

  /** Whether bytes can still be sent. */
  get writable(): boolean {
    return this.#socket.writable && this.#ending === undefined;
  }

  /** Sends bytes as they are (a string is sent as latin1, one byte per character, so any byte can be written). */
  send(bytes: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#socket.writable) return resolve();
      this.#socket.write(typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes, () => resolve());
    });
  }

  /** Waits until `ready()` holds, the connection ends, or `timeoutMs` passes. */
  async #until(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (this.#ending !== undefined) return ready();
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    return true;
  }

  /**
   * Reads the next response (`head`: it has no body). Rejects when the
   * connection ends or `timeoutMs` passes before a whole response arrived.
   */
  async response(opts: { head?: boolean; timeoutMs?: number } = {}): Promise<RawHttpResponse> {
    let parsed: { response: RawHttpResponse; length: number } | undefined;
    const ok = await this.#until(() => (parsed = parseResponse(this.#buffer, opts.head ?? false)) !== undefined, opts.timeoutMs ?? 10_000);
    if (!ok || !parsed) throw new Error(`no complete response (connection ${this.#ending ?? "still open"}; got ${JSON.stringify(this.#buffer.toString("latin1").slice(0, 200))})`);
    this.#buffer = this.#buffer.subarray(parsed.length);
    return parsed.response;
  }

  /** Resolves how the connection ends, or `undefined` if it is still open after `timeoutMs`. */
  async ended(timeoutMs = 5_000): Promise<Ending | undefined> {
    await this.#until(() => this.#ending !== undefined, timeoutMs);
    return this.#ending;
  }

  /** Closes the connection from this side. */
  close(): void {
    this.#socket.destroy();
  }
}

function parseResponse(buf: Buffer, head: boolean): { response: RawHttpResponse; length: number } | undefined {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "")?.[1]);
  // An interim answer (100 Continue) precedes the real one.
  if (status >= 100 && status < 200) {
    const rest = parseResponse(buf.subarray(end + 4), head);
    return rest && { response: rest.response, length: end + 4 + rest.length };
  }
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const start = end + 4;
  let body: string;
  let consumed: number;
  if (!head && status !== 204 && status !== 304 && /chunked/i.test(headers["transfer-encoding"] ?? "")) {
    const chunks: Buffer[] = [];
    let at = start;
    for (;;) {
      const eol = buf.indexOf("\r\n", at);
      if (eol < 0) return undefined;
      const size = parseInt(buf.subarray(at, eol).toString("latin1"), 16);
      if (Number.isNaN(size)) throw new Error(`bad chunk size in response: ${JSON.stringify(buf.subarray(at, eol).toString("latin1"))}`);
      if (buf.length < eol + 2 + size + 2) return undefined;
      if (size === 0) {
        consumed = eol + 4;
        break;
      }
      chunks.push(buf.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(chunks).toString("utf8");
  } else {
    const length = head || status === 204 || status === 304 ? 0 : Number(headers["content-length"] ?? 0);
    if (buf.length < start + length) return undefined;
    body = buf.subarray(start, start + length).toString("utf8");
    consumed = start + length;
  }
  let json: unknown;
  try {
    json = body ? JSON.parse(body) : undefined;
  } catch {
    json = undefined;
  }
  return { response: { status, headers, body, json }, length: consumed };
}

/** A request as bytes: `GET /path HTTP/1.1` with Host, the given headers and an optional body (with its Content-Length). */
export function rawRequest(method: string, target: string, headers: Record<string, string> = {}, body?: string): string {
  const all: Record<string, string> = { host: "127.0.0.1", ...headers };
  if (body !== undefined && !Object.keys(all).some((h) => h.toLowerCase() === "transfer-encoding")) all["content-length"] = String(Buffer.byteLength(body, "latin1"));
  return `${method} ${target} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n${body ?? ""}`;
}
