/**
 * The address a request came from, used only as an in-memory rate-limit key (never logged or
 * stored). On Node it is the socket's peer (behind a reverse proxy: the proxy); on Workers the
 * platform sets `cf-connecting-ip`, which clients cannot forge there. The Node socket is read first
 * so that a client cannot choose its key by sending that header to a Node server.
 */
import type { Context } from 'hono';

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

export function clientAddressOf(c: Context): string {
  const node = (c.env as NodeBindings | undefined)?.incoming;
  if (node) return node.socket?.remoteAddress ?? 'unknown';
  return c.req.header('cf-connecting-ip') ?? 'unknown';
}
