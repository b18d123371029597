import net from 'node:net';

export interface RawReply {
  /** The status of the first answer, or 0 when the server closed without one. */
  status: number;
  headers: Record<string, string>;
  /** The first answer's body as sent. */
  body: string;
  /** Everything the server sent before it closed (or before `waitMs`). */
  bytes: Buffer;
}

/**
 * Sends bytes exactly as given on a new connection and reads what comes back until the server
 * closes it, or `waitMs` passes. For requests fetch and node:http refuse to send.
 */
export function sendRaw(url: string, payload: string | Buffer, waitMs = 3000): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), hostname);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseReply(Buffer.concat(chunks)));
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(payload);
  });
}

/** The first HTTP answer in `bytes`: status, headers (lower-cased) and its body by Content-Length. */
export function parseReply(bytes: Buffer): RawReply {
  const text = bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!match || end < 0) return { status: 0, headers: {}, body: '', bytes };
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, end).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? NaN);
  const rest = bytes.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  const body = (Number.isNaN(length) ? rest : rest.subarray(0, length)).toString('utf8');
  return { status: Number(match[1]), headers, body, bytes };
}

/** Opens a connection and keeps it open; resolves once connected. */
export function openIdle(url: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname, () => resolve(socket));
    socket.on('error', () => undefined);
  });
}
