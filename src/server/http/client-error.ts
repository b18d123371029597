import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ERRORS, type ErrorCode, type ErrorEnvelope } from '../../shared/contract.js';
import type { RuntimeContext } from './context.js';

/**
 * A parse error from Node's HTTP parser: `code` is llhttp's (`HPE_...`), `reason` its words,
 * `rawPacket` the bytes it was reading.
 */
type ParserError = Error & { code?: string; reason?: string; rawPacket?: Buffer };

/** The first byte of a TLS handshake: an https:// client on this plain HTTP port. */
const TLS_HANDSHAKE = 0x16;

interface Refusal {
  code: ErrorCode;
  /** The status line's words. */
  reason: string;
  message: string;
}

/** What the answer to a request Node's parser refused says, by the parser's error code. */
function refusalOf(error: ParserError): Refusal {
  if (error.rawPacket?.[0] === TLS_HANDSHAKE) {
    return {
      reason: 'Bad Request',
      code: 'BAD_REQUEST',
      message: 'This server speaks plain HTTP, not HTTPS: call it with http://',
    };
  }
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        reason: 'Request Header Fields Too Large',
        code: 'HEADERS_TOO_LARGE',
        message: 'The request line and headers are larger than the limit of 16 KB',
      };
    case 'HPE_INVALID_METHOD':
      return {
        reason: 'Method Not Allowed',
        code: 'METHOD_NOT_ALLOWED',
        message: 'The request method is not one HTTP knows; API endpoints answer POST',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        reason: 'Request Timeout',
        code: 'REQUEST_TIMEOUT',
        message: 'The request was not received in time (headersTimeoutMs, requestTimeoutMs)',
      };
    default:
      return {
        reason: 'Bad Request',
        code: 'BAD_REQUEST',
        message: `The request is not valid HTTP${error.reason ? `: ${error.reason}` : ''}`,
      };
  }
}

/**
 * Node's `clientError`: a request its HTTP parser refused (a URL or headers over 16 KB, a bad
 * character in a header, an unknown method, Content-Length beside Transfer-Encoding, a chunk
 * size that is not one) or a client past its time limit. Node would answer a bare 400 with no
 * body; this answers the error envelope, with a request id and a log line like any other
 * request, then closes the connection: after a parse error the rest of its bytes mean nothing.
 * Where nothing can be written any more (the client reset the connection, an answer is already
 * under way on it) the socket is just closed.
 */
export function clientErrorHandler(runtime: RuntimeContext) {
  return (error: ParserError, socket: Duplex): void => {
    // An answer already started on this connection: bytes written now would corrupt it.
    const answering = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (error.code === 'ECONNRESET' || !socket.writable || answering) {
      socket.destroy();
      return;
    }
    const refusal = refusalOf(error);
    const { status } = ERRORS[refusal.code];
    const requestId = randomUUID();
    const envelope: ErrorEnvelope = {
      success: false,
      error: refusal.message,
      code: refusal.code,
      endpoint: '',
    };
    const body = JSON.stringify(envelope);
    socket.end(
      `HTTP/1.1 ${status} ${refusal.reason}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        `x-request-id: ${requestId}\r\n` +
        'connection: close\r\n\r\n' +
        body,
      () => socket.destroy(),
    );
    if (!runtime.state().config.logging.enableRequestLogging) return;
    runtime.logs.request({
      time: Date.now(),
      requestId,
      method: '-',
      endpoint: '-',
      status,
      durationMs: 0,
      client: (socket as Socket).remoteAddress,
      tokenLabel: undefined,
      body: undefined,
      response: undefined,
    });
  };
}
