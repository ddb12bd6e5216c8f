/**
 * A TCP gate in front of a local server, on a port of its own that stays
 * bound for the whole test: closed, it resets every connection (the client
 * sees ECONNRESET, as from a receiver that is down); open, it forwards bytes
 * both ways. Tests never reopen a port they closed, so nothing else on the
 * machine can take it in between.
 */
import { createServer, connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface Gate extends AsyncDisposable {
  readonly port: number;
  /** Forward (true) or reset (false) new connections. Starts closed. */
  open: boolean;
  /** Connections reset while closed. */
  readonly refused: number;
  close(): Promise<void>;
}

export async function startGate(targetPort: number): Promise<Gate> {
  const sockets = new Set<Socket>();
  let refused = 0;
  const server = createServer((client) => {
    if (!gate.open) {
      refused++;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const gate: Gate = {
    port: (server.address() as AddressInfo).port,
    open: false,
    get refused() {
      return refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
    [Symbol.asyncDispose]: () => gate.close(),
  };
  return gate;
}
