import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';

export const localhostCert = readFileSync(new URL('../fixtures/localhost-cert.pem', import.meta.url), 'utf8');
const localhostKey = readFileSync(new URL('../fixtures/localhost-key.pem', import.meta.url), 'utf8');

export interface TestServer {
  url: string;
  /** Remote port of the client socket, per request, in arrival order. */
  clientPorts: number[];
  /** Resolves when every socket the server has accepted so far is closed. */
  allSocketsClosed(): Promise<void>;
  close(): Promise<void>;
}

async function serve(server: Server, scheme: 'http' | 'https'): Promise<TestServer> {
  const clientPorts: number[] = [];
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (request: IncomingMessage) => clientPorts.push(request.socket.remotePort ?? 0));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    clientPorts,
    allSocketsClosed: () => Promise.all([...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)))).then(() => undefined),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const answerOk = (request: IncomingMessage, response: ServerResponse) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
};

/** An HTTP server that answers `ok` and records which client socket each request came on. */
export const startPlainServer = () => serve(createHttpServer({ keepAliveTimeout: 30_000 }, answerOk), 'http');

/** The same over TLS with the self-signed 127.0.0.1 certificate in test/fixtures. */
export const startTlsServer = () => serve(createHttpsServer({ cert: localhostCert, key: localhostKey }, answerOk), 'https');

export interface TestProxy {
  url: string;
  /** `host:port` of every CONNECT tunnel asked for, with the proxy-authorization it carried. */
  tunnels: Array<{ target: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

/** A forward proxy that only tunnels (CONNECT), as corporate proxies do for HTTPS. */
export async function startTunnelProxy(): Promise<TestProxy> {
  const tunnels: TestProxy['tunnels'] = [];
  const server = createHttpServer((_request, response) => response.writeHead(405).end());
  server.on('connect', (request: IncomingMessage, clientSocket: Socket, head: Buffer) => {
    const target = request.url ?? '';
    tunnels.push({ target, authorization: request.headers['proxy-authorization'] });
    const [host, port] = target.split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(clientSocket).pipe(upstream);
    });
    upstream.on('error', () => clientSocket.destroy());
    clientSocket.on('error', () => upstream.destroy());
  });
  const served = await serve(server, 'http');
  return { url: served.url, tunnels, close: served.close };
}
