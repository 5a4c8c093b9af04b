import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of `target`, standing in for a slow link: it forwards what the
 * client sends at most `bytesPerTick` every `tickMs` (answers flow back unthrottled), and `stall()`
 * stops it forwarding — and reading — altogether.
 */
export interface ThrottlingProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Bytes forwarded to the target so far, over all connections. */
  forwardedBytes(): number;
  /** From now on nothing more is forwarded (or read from the client). */
  stall(): void;
  close(): Promise<void>;
}

export async function startThrottlingProxy({ target, bytesPerTick, tickMs }: { target: string; bytesPerTick: number; tickMs: number }): Promise<ThrottlingProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setInterval>>();
  let forwarded = 0;
  let stalled = false;

  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    upstream.pipe(client);
    // Take from the client only as fast as the link allows: at most a tick's worth is queued here, the
    // rest backs up in the client's socket, as behind a slow link.
    const queue: Buffer[] = [];
    let queued = 0;
    client.on('data', (chunk: Buffer) => {
      queue.push(chunk);
      queued += chunk.byteLength;
      if (queued >= bytesPerTick) client.pause();
    });
    const timer = setInterval(() => {
      if (stalled) return client.pause();
      let budget = bytesPerTick;
      while (budget > 0 && queue.length > 0) {
        const chunk = queue[0]!;
        const part = chunk.byteLength <= budget ? (queue.shift(), chunk) : ((queue[0] = chunk.subarray(budget)), chunk.subarray(0, budget));
        budget -= part.byteLength;
        queued -= part.byteLength;
        forwarded += part.byteLength;
        upstream.write(part);
      }
      if (queued < bytesPerTick) client.resume();
    }, tickMs);
    timers.add(timer);
    const stop = () => {
      clearInterval(timer);
      timers.delete(timer);
      upstream.destroy();
      client.destroy();
    };
    client.on('close', stop);
    upstream.on('close', stop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwardedBytes: () => forwarded,
    stall: () => {
      stalled = true;
    },
    close: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearInterval(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
