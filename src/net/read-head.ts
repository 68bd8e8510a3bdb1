/** How much of a hub's or a subscriber's answer is read: enough for a challenge or an error message. */
export const ANSWER_HEAD_BYTES = 4096;

/**
 * Reads at most `maxBytes` of a response body as text, then stops (leaving the loop destroys the stream, so the
 * rest is never read): an endless or huge answer costs at most that. Bound the time with the request's signal.
 */
export async function readHead(body: AsyncIterable<Buffer>, maxBytes = ANSWER_HEAD_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= maxBytes) break;
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}
