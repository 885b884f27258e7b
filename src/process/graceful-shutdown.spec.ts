import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { createShutdown } from './graceful-shutdown.js';

const quiet = new Logger('Shutdown');
for (const level of ['log', 'warn', 'error'] as const) {
  jest.spyOn(quiet, level).mockImplementation(() => undefined);
}

/** A service whose close takes `ms` milliseconds, or fails. */
function service(ms: number, outcome: 'closes' | 'fails' = 'closes') {
  return {
    closed: 0,
    close() {
      this.closed += 1;

      return new Promise<void>((resolve, reject) =>
        setTimeout(() => (outcome === 'closes' ? resolve() : reject(new Error('stuck'))), ms),
      );
    },
  };
}

describe('createShutdown', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('closes once and exits with the code asked for when the close ends in time', async () => {
    const running = service(500);
    const exit = jest.fn<(code: number) => void>();
    const shutdown = createShutdown(running, { timeoutMs: 1000, logger: quiet, exit });

    shutdown('SIGTERM received', 0);
    await jest.advanceTimersByTimeAsync(2000);

    expect(running.closed).toBe(1);
    expect(exit.mock.calls).toEqual([[0]]);
  });

  it('exits 1 at the timeout when requests in flight keep the close waiting', async () => {
    const exit = jest.fn<(code: number) => void>();
    const shutdown = createShutdown(service(60_000), { timeoutMs: 1000, logger: quiet, exit });

    shutdown('SIGTERM received', 0);
    await jest.advanceTimersByTimeAsync(999);
    expect(exit).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);

    expect(exit.mock.calls).toEqual([[1]]);
  });

  it('exits 1 when the close fails', async () => {
    const exit = jest.fn<(code: number) => void>();
    const shutdown = createShutdown(service(10, 'fails'), { timeoutMs: 1000, logger: quiet, exit });

    shutdown('SIGTERM received', 0);
    await jest.advanceTimersByTimeAsync(20);

    expect(exit.mock.calls).toEqual([[1]]);
  });

  it('exits 1 at once on a second signal, without closing twice', async () => {
    const running = service(60_000);
    const exit = jest.fn<(code: number) => void>();
    const shutdown = createShutdown(running, { timeoutMs: 10_000, logger: quiet, exit });

    shutdown('SIGTERM received', 0);
    shutdown('SIGINT received', 0);

    expect(exit.mock.calls).toEqual([[1]]);
    expect(running.closed).toBe(1);
  });
});
