import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type http from 'node:http';

/**
 * OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set. The
 * API creates one server span per HTTP request (continuing a W3C
 * `traceparent` from the admin app or the ingress); its ids appear in every
 * log line written while the request runs (logger.ts). We create the spans
 * ourselves instead of loading auto-instrumentation: that patches modules
 * through require hooks, which a bundled ESM build does not go through.
 */
export interface Tracing {
  shutdown(): Promise<void>;
}

export function startTracing(options: { endpoint: string | undefined; serviceName: string }): Tracing | null {
  if (!options.endpoint) return null;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` })),
    ],
  });
  // The AsyncLocalStorage context manager and the W3C propagators, process-wide.
  provider.register();
  return { shutdown: () => provider.shutdown() };
}

const tracer = trace.getTracer('hubwerk-api');

/** Runs `handle` inside a server span for the request; the span ends when the response is finished. */
export function withRequestSpan(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  route: string,
  handle: (span: Span) => void,
): void {
  const parent = propagation.extract(context.active(), req.headers);
  const span = tracer.startSpan(
    `${req.method ?? 'GET'} ${route}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'http.route': route } },
    parent,
  );
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), () => handle(span));
}

/** The ids of the span running now, for log lines; empty outside a request or with tracing off. */
export function traceFields(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (!span || !trace.isSpanContextValid(span.spanContext())) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}
