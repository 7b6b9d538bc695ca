/**
 * The webhook's Prometheus metrics in the text exposition format (version
 * 0.0.4). Hand-written on purpose: a handful of counters, one histogram and a
 * few gauges read at scrape time are about eighty lines, cheaper on the hot
 * path than a general registry, and add no dependency.
 * Format: https://prometheus.io/docs/instrumenting/exposition_formats/
 */
type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

export class Counter {
  private readonly values = new Map<string, number>();
  private readonly children = new Map<string, () => void>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  /**
   * A handle for one label set, for hot paths: the label text is built once
   * per distinct set, not per increment.
   */
  child(labels: Labels): () => void {
    const key = labelText(labels);
    let handle = this.children.get(key);
    if (!handle) {
      handle = () => this.values.set(key, (this.values.get(key) ?? 0) + 1);
      this.children.set(key, handle);
    }
    return handle;
  }

  value(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }

  render(): string {
    let text = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    for (const [labels, value] of this.values) text += `${this.name}${labels} ${value}\n`;
    return text;
  }
}

export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++)
      if (value <= (this.buckets[i] as number)) this.counts[i] = (this.counts[i] as number) + 1;
  }

  render(): string {
    let text = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    this.buckets.forEach((bound, i) => {
      text += `${this.name}_bucket{le="${bound}"} ${this.counts[i]}\n`;
    });
    text += `${this.name}_bucket{le="+Inf"} ${this.count}\n${this.name}_sum ${this.sum}\n${this.name}_count ${this.count}\n`;
    return text;
  }
}

export class Gauge {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}

  render(): string {
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} gauge\n${this.name} ${this.read()}\n`;
  }
}

/** Every metric the webhook exports; gauges are attached by whoever owns the value. */
export class WebhookMetrics {
  readonly reviews = new Counter(
    'kentra_webhook_reviews_total',
    'TokenReviews answered, by result and reason.',
  );
  readonly latency = new Histogram(
    'kentra_webhook_review_duration_seconds',
    'Time to answer one TokenReview.',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  );
  readonly cache = new Counter('kentra_webhook_cache_total', 'Token cache lookups, by result (hit|miss).');
  readonly graphCalls = new Counter(
    'kentra_webhook_graph_requests_total',
    'Microsoft Graph responses, by HTTP status (error: no answer).',
  );
  readonly jwksFetches = new Counter('kentra_webhook_jwks_fetches_total', 'JWKS fetches, by outcome.');
  private readonly gauges: Gauge[] = [];

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.push(new Gauge(name, help, read));
  }

  render(): string {
    return [this.reviews, this.latency, this.cache, this.graphCalls, this.jwksFetches, ...this.gauges]
      .map((metric) => metric.render())
      .join('');
  }
}
