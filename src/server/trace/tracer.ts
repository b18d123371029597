/**
 * The runtime's traces, as the HTTP layer sees them: a span for each business request and, under
 * it, one for its call's run in a worker. Off (undefined) unless an OTLP endpoint is configured,
 * so the hot path pays one check; the OpenTelemetry SDK is loaded only then (otlp.ts).
 */
import type { TraceParent } from './trace-context.js';

export type SpanAttributes = Record<string, string | number | boolean | undefined>;

export interface Tracer {
  /** Starts the span of a business request, a child of the caller's span when it sent one. */
  startRequest(name: string, parent: TraceParent | undefined, attributes: SpanAttributes): RequestSpan;
  /** Sends the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

export interface RequestSpan {
  readonly traceId: string;
  /** Starts the span of the request's call: from the HTTP thread to a worker and back. */
  startCall(name: string, attributes: SpanAttributes): CallSpan;
  /** Ends it with the answer's status (5xx marks it as an error). */
  end(status: number, attributes?: SpanAttributes): void;
}

export interface CallSpan {
  /** What the call passes on to the services it calls (`context().fetch`). */
  readonly traceparent: string;
  /** Ends it; `error` names what failed (an error code), if anything did. */
  end(error?: string): void;
}

/** Where spans are sent: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. */
export function otlpTracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

/**
 * The tracer `env` asks for: OpenTelemetry with its OTLP/HTTP exporter when an endpoint is set
 * (and `OTEL_SDK_DISABLED` is not `true`), else none. Throws when the endpoint is no URL.
 */
export async function startTracing(env: NodeJS.ProcessEnv, version: string): Promise<Tracer | undefined> {
  const url = otlpTracesUrl(env);
  if (!url || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new Error(
      `OTEL_EXPORTER_OTLP_ENDPOINT: ${JSON.stringify(url)} is not an http(s) URL of an OTLP receiver`,
    );
  }
  const { otlpTracer } = await import('./otlp.js');
  return otlpTracer({ url, serviceName: env.OTEL_SERVICE_NAME?.trim() || 'api-deploy', version });
}
