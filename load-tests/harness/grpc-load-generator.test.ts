import { describe, expect, it } from 'vitest';
import { ECHO_METHOD } from './bare-grpc-server';
import { useBareGrpcEcho } from './bare-grpc-echo.fixture';
import { runGrpcLoad } from './grpc-load-generator';

describe('runGrpcLoad (open model in a process of its own)', () => {
  const echo = useBareGrpcEcho(Buffer.from('answer'));

  it.each(['http2', 'grpc-js'] as const)('with the %s client, offers every call of every block at the rate, alternating targets, and reports both latencies, the lateness and the server CPU', async (client) => {
    const request = Buffer.from('request').toString('base64');
    const report = await runGrpcLoad({
      client,
      targets: [
        { name: 'echo', address: echo.address, method: ECHO_METHOD, requests: [request], ...(echo.server.child.pid ? { serverPid: echo.server.child.pid } : {}) },
        { name: 'unimplemented', address: echo.address, method: '/bench.Echo/Nope', requests: [request] },
      ],
      rate: 200,
      warmupS: 0.5,
      blocks: 2,
      blockS: 1,
      channels: 1,
      // Above every call of the run (2 targets × 200/s × 2.5 s): a machine busy with other work slows the answers,
      // and this test is about counting every offered call, not about the generator's cap.
      maxInFlight: 1_000,
      deadlineMs: 2_000,
    });
    expect(report.client).toBe(client);
    const [ok, failing] = report.targets;
    // Warm-up calls are not counted: 2 blocks × 1 s × 200/s each.
    expect(ok).toMatchObject({ name: 'echo', offered: 400, succeeded: 400, failed: 0, dropped: 0 });
    expect(ok?.blockP99FromSend).toHaveLength(2);
    expect(ok?.fromSend.p50).toBeGreaterThan(0);
    expect(ok?.fromSend.p50).toBeLessThanOrEqual(ok?.fromIntended.p50 ?? 0);
    expect(ok?.fromIntended.max).toBeGreaterThanOrEqual(ok?.fromSend.max ?? Infinity);
    expect(ok?.sendLateness.p50).toBeGreaterThanOrEqual(0);
    expect(ok?.serverCpuUsPerCall).toBeGreaterThan(0);
    expect(ok?.generatorCpuUsPerCall).toBeGreaterThan(0);
    // A call that fails is counted as failed, not as an answer.
    expect(failing).toMatchObject({ name: 'unimplemented', offered: 400, succeeded: 0, failed: 400 });
    expect(failing?.serverCpuUsPerCall).toBeUndefined();
  }, 60_000);
});
