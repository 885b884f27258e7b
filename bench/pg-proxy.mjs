// A TCP proxy in front of PostgreSQL that counts round trips: each Sync ('S') of the extended
// query protocol and each simple Query ('Q') from the client is one request the client waits
// on. The benchmark reads the count before and after a run of requests.
import net from 'node:net';

export async function startCountingProxy(targetHost, targetPort) {
  const counter = { roundTrips: 0 };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    let buffer = Buffer.alloc(0);
    let startupDone = false;
    client.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!startupDone) {
          if (buffer.length < 4) break;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) break;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          // SSLRequest (80877103) is followed by a real startup message.
          if (code !== 80877103) startupDone = true;
          continue;
        }
        if (buffer.length < 5) break;
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) break;
        const type = String.fromCharCode(buffer[0]);
        if (type === 'S' || type === 'Q') counter.roundTrips += 1;
        buffer = buffer.subarray(length + 1);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

  return { port: server.address().port, counter, close: () => server.close() };
}
