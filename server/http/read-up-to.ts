// One bounded read of a byte stream, for both directions: request bodies (middleware.ts readBounded refuses
// what is over with 413) and vendor answers (client.ts readCapped keeps the first bytes). Nothing past the
// limit is held in memory; what happens to the rest of the stream is the caller's choice.

/**
 * Reads `reader` until the stream ends or more than `maxBytes` arrived. `bytes` holds at most `maxBytes`
 * (the first ones); `over` says whether the stream had more. The reader is left as it is (the caller
 * cancels it or releases its lock).
 */
export async function readUpTo(reader: ReadableStreamDefaultReader<Uint8Array>, maxBytes: number): Promise<{ bytes: Uint8Array<ArrayBuffer>; over: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let over = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - size));
      size = maxBytes;
      over = true;
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    bytes.set(ch, at);
    at += ch.byteLength;
  }
  return { bytes, over };
}
