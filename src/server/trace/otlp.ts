/**
 * The tracer on OpenTelemetry's SDK, sending spans in batches to an OTLP/HTTP endpoint (JSON).
 * Its packages are imported here only, and dynamically, so a server without tracing loads none
 * of them (the bundle keeps dynamic imports of packages as they are).
 */
import type { Span, Tracer as OtelTracer } from '@opentelemetry/api';
import type { CallSpan, RequestSpan, SpanAttributes, Tracer } from './tracer.js';
import { formatTraceparent, type TraceParent } from './trace-context.js';

export interface OtlpTracerOptions {
  url: string;
  serviceName: string;
  version: string;
}

export async function otlpTracer({ url, serviceName, version }: OtlpTracerOptions): Promise<Tracer> {
  const [api, sdk, resources, exporter] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/exporter-trace-otlp-http'),
  ]);
  const { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } = api;
  // Not registered as the process's global provider: each runtime (tests run several) has its own.
  const provider = new sdk.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': serviceName, 'service.version': version }),
    spanProcessors: [new sdk.BatchSpanProcessor(new exporter.OTLPTraceExporter({ url }))],
  });
  const tracer: OtelTracer = provider.getTracer('api-deploy', version);

  const traceparentOf = (span: Span): string => {
    const { traceId, spanId, traceFlags } = span.spanContext();
    return formatTraceparent({ traceId, spanId, flags: traceFlags });
  };

  const requestSpan = (span: Span): RequestSpan => ({
    traceId: span.spanContext().traceId,
    startCall(name, attributes) {
      const call = tracer.startSpan(
        name,
        { kind: SpanKind.INTERNAL, attributes: defined(attributes) },
        trace.setSpan(ROOT_CONTEXT, span),
      );
      return callSpan(call);
    },
    end(status, attributes) {
      span.setAttribute('http.response.status_code', status);
      if (attributes) span.setAttributes(defined(attributes));
      if (status >= 500) {
        span.setAttribute('error.type', String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
  });

  const callSpan = (span: Span): CallSpan => ({
    traceparent: traceparentOf(span),
    end(error) {
      if (error) {
        span.setAttribute('error.type', error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error });
      }
      span.end();
    },
  });

  return {
    startRequest(name, parent: TraceParent | undefined, attributes) {
      const context = parent
        ? trace.setSpanContext(ROOT_CONTEXT, {
            traceId: parent.traceId,
            spanId: parent.spanId,
            traceFlags: parent.flags & TraceFlags.SAMPLED,
            isRemote: true,
          })
        : ROOT_CONTEXT;
      return requestSpan(
        tracer.startSpan(name, { kind: SpanKind.SERVER, attributes: defined(attributes) }, context),
      );
    },
    shutdown: () => provider.shutdown(),
  };
}

/** Attributes without the undefined ones (OpenTelemetry drops them, with a warning each). */
function defined(attributes: SpanAttributes): Record<string, string | number | boolean> {
  const present: Record<string, string | number | boolean> = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) present[key] = value;
  }
  return present;
}
