/**
 * A raw HTTP/1.1 client over a TCP socket on 127.0.0.1, for what fetch cannot do: send headers
 * and only part of a body, stream a body as chunks until the server gives up on it, or send a
 * Content-Length that understates the body. It resolves when the server closes the connection,
 * with what was received and how much of the body the client managed to hand to the socket.
 */
import net from 'node:net';

export interface RawOptions {
  readonly port: number;
  /** Request line and headers, joined with CRLF, without the blank line that ends them. */
  readonly head: string;
  /** Body bytes to write (default none), in pieces of `piece` bytes (default 64 KiB) of `fill`. */
  readonly bodyBytes?: number;
  readonly piece?: number;
  readonly fill?: string;
  /** Exact body to send instead of filler. */
  readonly body?: Buffer;
  /** Frame the body as Transfer-Encoding: chunked (one chunk per piece, then the last chunk). */
  readonly chunked?: boolean;
}

export interface RawResult {
  /** Status of the first response on the connection. */
  readonly status: number | undefined;
  /** Everything the server sent, as text. */
  readonly response: string;
  /** Body bytes written before the client stopped (the answer came, or the socket closed). */
  readonly bodyBytesWritten: number;
  readonly allWritten: boolean;
}

export function rawExchange(o: RawOptions): Promise<RawResult> {
  const body = o.body;
  const total = body?.length ?? o.bodyBytes ?? 0;
  const pieceSize = o.piece ?? 64 * 1024;
  const filler = Buffer.alloc(pieceSize, o.fill ?? ' ');
  return new Promise<RawResult>((resolve) => {
    const socket = net.connect(o.port, '127.0.0.1');
    const received: Buffer[] = [];
    let written = 0;
    let stop = false;
    socket.on('data', (d: Buffer) => {
      received.push(d);
      // The server answered: a client that keeps writing proves nothing more.
      stop = true;
    });
    // EPIPE / ECONNRESET while writing: the server dropped the connection; 'close' follows.
    socket.on('error', () => (stop = true));
    socket.once('close', () => {
      const response = Buffer.concat(received).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(response)?.[1];
      resolve({
        status: status === undefined ? undefined : Number(status),
        response,
        bodyBytesWritten: written,
        allWritten: written >= total,
      });
    });
    socket.once('connect', () => {
      void (async () => {
        socket.write(`${o.head}\r\n\r\n`);
        while (!stop && written < total) {
          const n = Math.min(pieceSize, total - written);
          const piece = body ? body.subarray(written, written + n) : filler.subarray(0, n);
          const framed = o.chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
          written += n;
          if (!socket.write(framed)) await drained(socket);
        }
        if (!stop && o.chunked) socket.write('0\r\n\r\n');
      })();
    });
  });
}

function drained(socket: net.Socket): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
