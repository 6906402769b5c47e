import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A local stand-in for a Slack incoming webhook: records JSON bodies, answers `status`. */
export interface WebhookReceiver {
  url: string;
  messages: { path: string; body: { text: string; event: string; alert: { key: string; rule: string } } }[];
  status: number;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1, port 0, under `path`. */
export async function startWebhookReceiver(path = "/hooks/T000/B000/secret-token-in-path"): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = { url: "", messages: [], status: 200, close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      receiver.messages.push({ path: req.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as WebhookReceiver["messages"][number]["body"] });
      res.writeHead(receiver.status, { "content-type": "text/plain" }).end(receiver.status === 200 ? "ok" : "error");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}
