/**
 * Reads a request body with a hard limit on the decompressed size. Decompression is streamed
 * (DecompressionStream, available in Node and Workers) and abandoned as soon as the limit is
 * passed, so a compression bomb costs at most the limit in memory and time.
 */
import { AppError } from '../errors';

const SUPPORTED_ENCODINGS = new Set(['identity', 'gzip', 'deflate']);

export async function readBoundedJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new AppError('unsupported-media-type', 'Send the batch as Content-Type: application/json.');
  }
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (!SUPPORTED_ENCODINGS.has(encoding)) {
    throw new AppError('unsupported-media-type', 'Content-Encoding must be gzip, deflate or identity.');
  }
  const tooLarge = () =>
    new AppError('payload-too-large', `The body exceeds ${maxBytes} bytes after decompression.`, { maxBytes });
  const declaredLength = Number(request.headers.get('content-length') ?? '0');
  if (declaredLength > maxBytes) throw tooLarge();
  if (!request.body) throw new AppError('invalid-json', 'The request body is empty.');

  const stream =
    encoding === 'identity'
      ? request.body
      : request.body.pipeThrough(new DecompressionStream(encoding as CompressionFormat) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('invalid-request', `The body could not be decoded as ${encoding}.`);
  }
  // Checked after reading, not only on a missing stream: a runtime may hand an empty POST over as an
  // empty stream (workerd does) or as none at all (Node), and the answer must not depend on which.
  if (total === 0) throw new AppError('invalid-json', 'The request body is empty.');
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new AppError('invalid-json', 'The body is not valid UTF-8 JSON.');
  }
}
