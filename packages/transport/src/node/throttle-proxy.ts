import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * Options of {@link startThrottleProxy}.
 *
 * @example
 * ```ts
 * const options: ThrottleProxyOptions = { target: { host: '127.0.0.1', port: 8787 }, bytesPerSecond: 256 * 1024 };
 * ```
 */
export interface ThrottleProxyOptions {
  /** The server the proxy forwards to. */
  target: { host: string; port: number };
  /** Client → server rate per connection, in bytes per second. Unlimited when left out. */
  bytesPerSecond?: number;
  /**
   * Per connection, forward this many client → server bytes, then forward no more and stop reading
   * the client while keeping both sockets open: a link that went silent without a reset.
   */
  stallAfterBytes?: number;
}

/**
 * A running proxy.
 *
 * @example
 * ```ts
 * const proxy: ThrottleProxy = await startThrottleProxy({ target });
 * console.log(proxy.url, proxy.connections, proxy.forwardedBytes);
 * ```
 */
export interface ThrottleProxy {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Client → server bytes forwarded so far, all connections together. */
  readonly forwardedBytes: number;
  /** Destroys every socket and closes the listener; pending forwards are dropped. */
  stop(): Promise<void>;
}

// Forwarding happens in slices of 1/50 s of the rate, so the link is smooth rather than bursty.
const SLICES_PER_SECOND = 50;

function checkOptions({ bytesPerSecond, stallAfterBytes }: Omit<ThrottleProxyOptions, 'target'>): void {
  if (bytesPerSecond !== undefined && !(Number.isFinite(bytesPerSecond) && bytesPerSecond > 0)) {
    throw new RangeError(`bytesPerSecond must be a positive number, got ${bytesPerSecond}`);
  }
  if (stallAfterBytes !== undefined && !(Number.isSafeInteger(stallAfterBytes) && stallAfterBytes >= 0)) {
    throw new RangeError(`stallAfterBytes must be a non-negative integer, got ${stallAfterBytes}`);
  }
}

/**
 * A TCP proxy on 127.0.0.1 (a free port) in front of `target`, standing in for a slow link in upload
 * tests: it forwards what each client sends at most `bytesPerSecond`, and after `stallAfterBytes`
 * forwards nothing more while keeping the connection open. It reads a client chunk only once the
 * previous one is forwarded, so the rest backs up into the client's socket as behind a real slow link
 * (the client sees its writes slow down or stop). Server → client bytes pass unchanged and at once.
 * Each client connection gets its own upstream connection, rate and stall count. `stop()` closes
 * everything. Node only.
 *
 * @example
 * ```ts
 * import { startThrottleProxy } from '@zhima/transport/testing/node';
 *
 * const proxy = await startThrottleProxy({ target: { host: '127.0.0.1', port: 8787 }, bytesPerSecond: 64 * 1024 });
 * try {
 *   await transport.send({ method: 'POST', url: `${proxy.url}/gateway.do`, headers: {}, body });
 * } finally {
 *   await proxy.stop();
 * }
 * ```
 */
export async function startThrottleProxy({ target, bytesPerSecond, stallAfterBytes }: ThrottleProxyOptions): Promise<ThrottleProxy> {
  checkOptions({ bytesPerSecond, stallAfterBytes });
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;
  let forwardedBytes = 0;
  let stopped = false;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  // A timer stop() can cancel: the forward waiting on it is simply never resumed.
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  const sliceBytes = bytesPerSecond === undefined ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(bytesPerSecond / SLICES_PER_SECOND));

  const server = createServer((client) => {
    connections++;
    const upstream = connect({ host: target.host, port: target.port });
    track(client);
    track(upstream);
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      socket.on('error', () => other.destroy());
      socket.on('close', () => other.destroy());
    }
    upstream.pipe(client);

    let sent = 0;
    let nextSliceAt = 0;
    let stalled = false;

    const forward = async (chunk: Buffer) => {
      for (let offset = 0; offset < chunk.length; ) {
        let size = Math.min(chunk.length - offset, sliceBytes);
        if (stallAfterBytes !== undefined) size = Math.min(size, stallAfterBytes - sent);
        if (size <= 0) {
          stalled = true;
          return;
        }
        if (bytesPerSecond !== undefined) {
          const delay = nextSliceAt - Date.now();
          if (delay > 0) await wait(delay);
          if (stopped) return;
          nextSliceAt = Math.max(nextSliceAt, Date.now()) + (size / bytesPerSecond) * 1000;
        }
        upstream.write(chunk.subarray(offset, offset + size));
        sent += size;
        forwardedBytes += size;
        offset += size;
      }
      if (upstream.writableNeedDrain) await once(upstream, 'drain').catch(() => undefined);
    };

    // One chunk at a time: the client socket stays paused while its chunk is forwarded, so TCP
    // backpressure reaches the client as it would on a slow link.
    client.on('data', (chunk: Buffer) => {
      client.pause();
      void forward(chunk).then(() => {
        if (!stalled && !stopped && !client.destroyed) client.resume();
      });
    });
    client.on('end', () => upstream.end());
  });

  server.listen({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    get forwardedBytes() {
      return forwardedBytes;
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
