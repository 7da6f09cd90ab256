// A fault-injecting HTTP proxy on loopback, for the outbox tests and benchmark: it forwards every
// request to the real server and, for ticket creates (POST …/tickets), answers some of them badly:
//   503      answered by the proxy; the server never sees the request
//   drop     forwarded, the server stores the ticket, then the connection is destroyed unanswered
//   reset    the connection is destroyed at once; the server never sees the request
//   hang     held at the proxy for `hangMs`, then destroyed; the server never sees the request
//            (unless `releaseHung()` lets it through first)
// Which fault a create meets depends only on the seed, the ticket's subject and how many times
// that ticket (its Idempotency-Key) came before, so a run is repeatable whatever the order in
// which concurrent requests arrive. `plan` can override the draw per request, and `stop()` ends
// everything still held, so nothing outlives a test.
import { createServer, request as httpRequest } from 'node:http';

export const FAULTS = ['503', 'drop', 'reset', 'hang'];

/** A 32-bit FNV-1a hash of a string, to seed one draw. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: one number in [0, 1) from a 32-bit seed. */
function unit(seed) {
  let t = (seed + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * Starts the proxy in front of `target` (an http://127.0.0.1:port URL).
 *
 * - `faultRate`: share of creates that meet a fault, drawn uniformly among `faults`.
 * - `hangMs`: how long a hung request is held (longer than the widget's 30 s fetch timeout).
 * - `plan(info)`: optional; return a fault name, 'ok', or undefined to draw. `info` is
 *   { subject, attempt } with attempt counting from 0 per idempotency key.
 *
 * Resolves to { url, stop, events, stored, counts, hung, releaseHung }: `events` lists every
 * create as { at, subject, key, attempt, fault, status }; `stored` maps a subject to the time
 * (ms, Date.now()) the server first answered 201 for it; `hung()` lists the subjects of the
 * requests being held; `releaseHung()` forwards them to the server now and drops the answers,
 * as if the hang had ended just after the server stored the ticket.
 */
export async function startFaultProxy({
  target, seed = 1, faultRate = 0.5, faults = FAULTS, hangMs = 35_000, plan,
} = {}) {
  const upstream = new URL(target);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(upstream.hostname)) {
    throw new Error(`the fault proxy forwards to loopback only, not ${upstream.hostname}`);
  }
  const sockets = new Set();
  const held = new Set();
  const attempts = new Map();
  const events = [];
  const stored = new Map();
  const counts = Object.fromEntries(['ok', ...FAULTS].map((f) => [f, 0]));

  const draw = (subject, attempt) => {
    const r = unit(hash(`${seed}|${subject}|${attempt}`));
    if (r >= faultRate) return 'ok';
    return faults[Math.min(faults.length - 1, Math.floor((r / faultRate) * faults.length))];
  };

  const forward = (req, body, onResponse) => {
    const headers = { ...req.headers, host: upstream.host };
    const out = httpRequest({
      host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => onResponse(res, Buffer.concat(chunks)));
      res.on('error', () => req.socket.destroy());
    });
    out.on('error', () => req.socket.destroy());
    out.end(body);
  };

  const reply = (res, upstreamRes, payload) => {
    if (res.destroyed || res.socket?.destroyed) return;
    res.writeHead(upstreamRes.statusCode, upstreamRes.headers);
    res.end(payload);
  };

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const isCreate = req.method === 'POST' && /\/tickets\/?(\?|$)/.test(req.url);
      if (!isCreate) {
        forward(req, body, (up, payload) => reply(res, up, payload));
        return;
      }
      let subject = '';
      try { subject = String(JSON.parse(body.toString('utf8')).subject ?? ''); } catch { /* multipart */ }
      const key = String(req.headers['idempotency-key'] ?? '');
      const attempt = attempts.get(key) ?? 0;
      attempts.set(key, attempt + 1);
      const fault = plan?.({ subject, attempt }) ?? draw(subject, attempt);
      const event = { at: Date.now(), subject, key, attempt, fault, status: null };
      events.push(event);
      counts[fault] = (counts[fault] ?? 0) + 1;
      const pass = (dropAnswer) => forward(req, body, (up, payload) => {
        event.status = up.statusCode;
        if (up.statusCode === 201 && !stored.has(subject)) stored.set(subject, Date.now());
        if (dropAnswer) req.socket.destroy();
        else reply(res, up, payload);
      });
      switch (fault) {
        case '503':
          event.status = 503;
          res.writeHead(503, { 'Content-Type': 'text/html' });
          res.end('<h1>503 Service Unavailable</h1>');
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'hang': {
          const hold = { subject, pass };
          hold.timer = setTimeout(() => { held.delete(hold); req.socket.destroy(); }, hangMs);
          held.add(hold);
          req.socket.once('close', () => { clearTimeout(hold.timer); held.delete(hold); });
          return;
        }
        default:
          pass(fault === 'drop');
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  const hung = () => [...held].map((h) => h.subject);
  const releaseHung = () => {
    for (const hold of held) {
      clearTimeout(hold.timer);
      held.delete(hold);
      hold.pass(true);
    }
  };
  const stop = () => new Promise((resolve) => {
    for (const hold of held) clearTimeout(hold.timer);
    held.clear();
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });
  return { url, stop, events, stored, counts, hung, releaseHung };
}
