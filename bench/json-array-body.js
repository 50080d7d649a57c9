// A JSON response body of an exact size made of many small objects, such as
// [{"id":0,"name":"item-0","score":0,"ok":true},...]. Each object costs a JSON
// parser several tokens and one allocation, so for its size this is the
// hardest kind of body to check or parse.

const CHUNK_CHARS = 64 * 1024;

function item(index) {
  return `{"id":${index},"name":"item-${index}","score":${(index % 1000) / 1000},"ok":true}`;
}

/**
 * Yields the body in ASCII strings of about 64 KiB, `totalBytes` bytes in all.
 * Spaces before the closing bracket make up the bytes that no further object fills.
 */
export function* jsonArrayChunks(totalBytes) {
  if (!Number.isSafeInteger(totalBytes) || totalBytes < 2) throw new RangeError(`totalBytes ${totalBytes} is invalid: use an integer of at least 2`);

  // Bytes left for the objects and the commas between them, after both brackets.
  let remaining = totalBytes - 2;
  let chunk = "[";
  for (let index = 0; ; index += 1) {
    const next = index === 0 ? item(index) : `,${item(index)}`;
    if (next.length > remaining) break;

    chunk += next;
    remaining -= next.length;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = "";
    }
  }
  yield `${chunk}${" ".repeat(remaining)}]`;
}
