import { describe, expect, it } from "vitest";
import { responseOverBytes } from "../src/runtime/read-response.js";

// createNodeHttpFetch's replies must behave as undici's Response over the same bytes.
const bom = Uint8Array.of(0xef, 0xbb, 0xbf);
const body = Buffer.concat([bom, Buffer.from('{"a":"é","n":1}')]);
const init = () => ({ status: 201, statusText: "Created", headers: new Headers({ "content-type": "application/json", "retry-after": "3" }) });
const both = () => [new Response(body, init()), responseOverBytes(body, init())] as const;

async function readStream(stream: ReadableStream<Uint8Array> | null): Promise<string> {
  return new TextDecoder().decode(new Uint8Array(await new Response(stream).arrayBuffer()));
}

describe("responseOverBytes", () => {
  it("reads like undici's Response: status, headers, text (BOM dropped), json, bytes, blob, the stream", async () => {
    for (const read of [(r: Response) => r.text(), (r: Response) => r.json(), async (r: Response) => [...new Uint8Array(await r.arrayBuffer())], async (r: Response) => (await r.blob()).size, (r: Response) => readStream(r.body)]) {
      const [real, lean] = both();
      expect(lean).toBeInstanceOf(Response);
      expect([lean.status, lean.statusText, lean.ok, lean.headers.get("retry-after"), lean.bodyUsed]).toEqual([real.status, real.statusText, real.ok, real.headers.get("retry-after"), real.bodyUsed]);
      expect(await read(lean)).toEqual(await read(real));
      expect(lean.bodyUsed).toBe(real.bodyUsed);
    }
  });

  it("is read once: a second read rejects with a TypeError, as does text() after the stream was taken", async () => {
    const [, lean] = both();
    await lean.text();
    expect(lean.bodyUsed).toBe(true);
    await expect(lean.text()).rejects.toBeInstanceOf(TypeError);
    await expect(lean.json()).rejects.toBeInstanceOf(TypeError);
    await expect(lean.arrayBuffer()).rejects.toBeInstanceOf(TypeError);
    expect(() => lean.clone()).toThrow(TypeError);

    const [, streamed] = both();
    const reader = streamed.body!.getReader();
    await reader.read();
    expect(streamed.bodyUsed).toBe(true);
    await expect(streamed.text()).rejects.toBeInstanceOf(TypeError);
    reader.releaseLock();
    await expect(streamed.text()).rejects.toBeInstanceOf(TypeError);
  });

  it("reads the bytes after `body` was only looked at (ofetch's check), and then ends that stream", async () => {
    const [, lean] = both();
    expect(lean.body).toBeTruthy();
    expect(await lean.json()).toEqual({ a: "é", n: 1 });
    expect(await lean.body!.getReader().read()).toEqual({ done: true, value: undefined });
  });

  it("clones an unread reply, and rejects a body that is not JSON with a SyntaxError", async () => {
    const [, lean] = both();
    const copy = lean.clone();
    expect(await copy.text()).toBe(await lean.text());
    expect(copy.headers.get("content-type")).toBe("application/json");
    await expect(responseOverBytes(Buffer.from("<html>"), init()).json()).rejects.toBeInstanceOf(SyntaxError);
    expect(await responseOverBytes(Buffer.alloc(0), init()).text()).toBe("");
  });
});
