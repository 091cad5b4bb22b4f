import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";

/** A tracer provider whose finished spans the test can read. */
export function memoryTracing(): { provider: BasicTracerProvider; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { provider, exporter };
}

/** The one finished span of that name (fails the test when there are none or several). */
export function spanNamed(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  if (found.length !== 1) {
    throw new Error(
      `Expected one span named '${name}', found ${found.length}: ${spans.map((s) => s.name).join(", ")}`,
    );
  }
  return found[0]!;
}

/** The name of a span's parent among the finished spans, or undefined for a root. */
export function parentName(spans: readonly ReadableSpan[], span: ReadableSpan): string | undefined {
  const parentId = span.parentSpanContext?.spanId;
  if (!parentId) return undefined;
  return (
    spans.find((candidate) => candidate.spanContext().spanId === parentId)?.name ?? `<missing ${parentId}>`
  );
}
