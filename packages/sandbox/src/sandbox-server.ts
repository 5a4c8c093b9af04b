// The shape of a running server, apart from node/serve.ts so portable modules can name it without
// importing Node-only code.

/**
 * A server started by `sandbox.listen()`.
 *
 * @example
 * ```ts
 * const server: SandboxServer = await sandbox.listen();
 * console.log(server.gatewayUrl); // 'http://127.0.0.1:41234/gateway.do'
 * await server.close();
 * ```
 */
export interface SandboxServer {
  /** `http://host:port`, no trailing slash. */
  url: string;
  /** Where clients send gateway calls: `${url}/gateway.do`. */
  gatewayUrl: string;
  close(): Promise<void>;
}
