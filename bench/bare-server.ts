/**
 * The bare node:http yardstick in a process of its own, as the real server runs in its own: it answers
 * every request with the status and body it is given as JSON on stdin, and prints its URL. In the
 * bench's process its p99 followed whatever that process held (twice as high after a 1,000,000-event
 * fill as after a 10,000-event one).
 */
import http from 'node:http';
import { jobFromStdin } from './stdin-job.js';

const { status, body } = await jobFromStdin<{ status: number; body: string }>();

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
