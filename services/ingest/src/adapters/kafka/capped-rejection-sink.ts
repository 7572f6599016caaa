import { metrics } from '@opentelemetry/api';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Rejection, RejectionSink } from '../../app/ports';

const meter = metrics.getMeter('@ecogrid/ingest');
const unpublished = meter.createCounter('ingest_rejections_unpublished_total', {
  description: 'Refusals not published to the rejected topic because their peer exceeded its cap (counted by reason, never silent)',
});

/**
 * Caps what one peer address can make ingest publish as rejected: garbage sent as fast as a socket allows would
 * otherwise become as many Kafka records (30 days' retention). Beyond `perSecond` a peer's refusals are only
 * counted (`ingest_rejections_unpublished_total{reason}`); they are still refused.
 */
export function createCappedRejectionSink(inner: RejectionSink, options: { perSecond: number; burst: number }): RejectionSink {
  if (options.perSecond <= 0) return inner;
  const limiter = new RateLimiterMemory({ keyPrefix: 'rejections', points: Math.max(options.burst, options.perSecond), duration: Math.max(1, Math.round(options.burst / options.perSecond)) });
  const admitted = async (rejection: Rejection): Promise<boolean> => {
    try {
      await limiter.consume(rejection.remoteAddress ?? '');
      return true;
    } catch {
      unpublished.add(1, { reason: rejection.reasonCode });
      return false;
    }
  };
  return {
    reject: async (rejections) => {
      const kept = (await Promise.all(rejections.map(async (rejection) => ((await admitted(rejection)) ? rejection : undefined)))).filter(
        (rejection): rejection is Rejection => rejection !== undefined,
      );
      if (kept.length > 0) await inner.reject(kept);
    },
  };
}
