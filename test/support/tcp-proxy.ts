import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on a loopback port in front of a database, which a test can cut (every connection
 * reset, new ones refused), restore on the same port, or freeze (connections stay open, nothing
 * passes) and thaw.
 */
export class TcpProxy {
  private server?: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  /** Bytes held back while frozen, with where they were going. */
  private held: [Socket, Buffer][] = [];
  private frozen = false;

  private constructor(
    private readonly target: { host: string; port: number },
    public port = 0,
  ) {}

  static async start(targetUrl: string): Promise<TcpProxy> {
    const url = new URL(targetUrl);
    const proxy = new TcpProxy({ host: url.hostname, port: Number(url.port) });
    await proxy.listen();

    return proxy;
  }

  /** The target's connection string, pointed at the proxy. */
  urlFor(targetUrl: string): string {
    const url = new URL(targetUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);

    return url.toString();
  }

  async listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = address && typeof address === 'object' ? address.port : this.port;
    this.server = server;
  }

  /** Resets every connection (a freeze ends with them) and refuses new ones until `listen()`. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const [client, upstream] of this.pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.pairs.clear();
    this.held = [];
    this.frozen = false;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** Connections stay open and new ones are accepted, but no byte passes either way. */
  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    for (const [destination, chunk] of this.held) {
      if (!destination.destroyed) {
        destination.write(chunk);
      }
    }
    this.held = [];
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private accept(client: Socket): void {
    const upstream = createConnection(this.target);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.on('data', (chunk: Buffer) => this.forward(upstream, chunk));
    upstream.on('data', (chunk: Buffer) => this.forward(client, chunk));
  }

  private forward(destination: Socket, chunk: Buffer): void {
    if (this.frozen) {
      this.held.push([destination, chunk]);
    } else if (!destination.destroyed) {
      destination.write(chunk);
    }
  }
}
