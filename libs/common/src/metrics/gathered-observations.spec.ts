import { Histogram, Registry } from 'prom-client';
import { GatheredObservations } from './gathered-observations.js';

type Label = 'route' | 'status_code';

function histogramIn(registry: Registry, collect?: () => void): Histogram<Label> {
  return new Histogram<Label>({
    name: 'request_seconds',
    help: 'Requests',
    labelNames: ['route', 'status_code'],
    buckets: [0.005, 0.01, 0.1, 1],
    registers: [registry],
    collect,
  });
}

const SAMPLES: [string, number, number][] = Array.from({ length: 2_500 }, (_, i) => [
  ['/a', '/b/:id', '/c'][i % 3],
  [200, 404][i % 2],
  ((i * 7919) % 1500) / 1000,
]);

describe('GatheredObservations', () => {
  it('leaves the histogram as observing each sample at once would, whenever it is read', async () => {
    const direct = new Registry();
    const directHistogram = histogramIn(direct);
    const gatheredRegistry = new Registry();
    const gathered: { samples?: GatheredObservations<Label> } = {};
    const histogram = histogramIn(gatheredRegistry, () => gathered.samples!.flush());
    gathered.samples = new GatheredObservations(histogram, 1_000);
    for (const [index, [route, status, seconds]] of SAMPLES.entries()) {
      directHistogram.observe({ route, status_code: status }, seconds);
      gathered.samples.observe(
        `${route} ${status}`,
        () => ({ route, status_code: status }),
        seconds,
      );
      if (index === 10 || index === 1_200) {
        expect(await gatheredRegistry.metrics()).toBe(await direct.metrics());
      }
    }
    expect(await gatheredRegistry.metrics()).toBe(await direct.metrics());
    expect(await gatheredRegistry.metrics()).toContain(
      'request_seconds_count{route="/b/:id",status_code="404"}',
    );
  });

  it('hands a label set over once maxPending of its samples wait, unread', async () => {
    const registry = new Registry();
    const histogram = histogramIn(registry);
    const samples = new GatheredObservations(histogram, 3);
    const labels = () => ({ route: '/a', status_code: 200 });
    for (let i = 0; i < 7; i++) samples.observe('/a 200', labels, 0.002);
    const count = async () =>
      (await histogram.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value;
    expect(await count()).toBe(6);
    samples.flush();
    expect(await count()).toBe(7);
  });
});
