import { DomainError } from '@anythingiot/core';

/**
 * The raw request bytes (signatures are over exactly these), refusing more than `limit`
 * without buffering it all: Content-Length is checked first, then the stream is counted.
 */
export async function readBodyLimited(request: Request, limit: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new DomainError('LIMIT_EXCEEDED', `The body is larger than ${limit / 1024} KiB.`, {
      reason: 'body_too_large',
    });
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > limit) throw tooLarge();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
