const utf8 = new TextDecoder();

/**
 * A `Response` over a body already read whole (createNodeHttpFetch's replies). Undici's
 * `new Response(bytes)` wraps the bytes in a transferable byte stream and `text()` reads them back
 * through it: about two thirds of a reply's cost in the poll's profiles (issue 14). Here the
 * status and headers are a real (body-less) Response's; `text()` and `json()` decode the bytes
 * directly, and the stream is built only when `body` is asked for (ofetch does, to test that
 * there is one). The Body rules hold: one read (a second rejects with a TypeError), `bodyUsed`,
 * and a `body` stream that is cancelled once the body was read another way.
 */
export function responseOverBytes(bytes: Uint8Array, init: ResponseInit): Response {
  const response = new Response(null, init);
  let stream: ReadableStream<Uint8Array> | undefined;
  let used = false;
  const unusable = () => Promise.reject(new TypeError("Body is unusable: Body has already been read"));
  /** The bytes, once: marks the body used, and cancels a stream handed out but never read. */
  const take = (): Uint8Array | undefined => {
    if (used || stream?.locked) return undefined;
    used = true;
    void stream?.cancel().catch(() => undefined);
    return bytes;
  };
  const asFull = () => new Response(bytes, init);
  const text = () => {
    const taken = take();
    return taken === undefined ? unusable() : Promise.resolve(utf8.decode(taken));
  };
  Object.defineProperties(response, {
    body: {
      get: () =>
        (stream ??= new ReadableStream({
          type: "bytes",
          // Filled when first read: an unread stream (ofetch's check) copies nothing.
          pull(controller) {
            // Read through the stream: the body is used, as undici's is once its stream is read.
            used = true;
            if (bytes.byteLength > 0) controller.enqueue(new Uint8Array(bytes));
            controller.close();
          },
        })),
    },
    bodyUsed: { get: () => used || (stream?.locked ?? false) },
    text: { value: text },
    json: { value: async () => JSON.parse(await text()) as unknown },
    arrayBuffer: { value: () => (take() === undefined ? unusable() : asFull().arrayBuffer()) },
    blob: { value: () => (take() === undefined ? unusable() : asFull().blob()) },
    formData: { value: () => (take() === undefined ? unusable() : asFull().formData()) },
    clone: {
      value: () => {
        if (used || stream?.locked) throw new TypeError("Response.clone: Body has already been consumed.");
        return responseOverBytes(bytes, { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) });
      },
    },
  });
  return response;
}
