// The instant sink: a node:http server on 127.0.0.1 that drains each request body and answers at once
// a correctly signed success for zhima.data.batch.feedback, so `zhima send` is measured without a
// gateway's work. RSA2 over the exact JSON text of the response node, signed with node:crypto by the
// Alipay private key the parent generated for the run (the CLI verifies with its public half).
// Usage (forked by run.mjs): node bench/instant-sink.mjs <alipay-private-key.pem>
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import { serveUntilStopped } from './serve-child.mjs';

const METHOD = 'zhima.data.batch.feedback';
const privateKey = readFileSync(process.argv[2], 'utf8');
const node = JSON.stringify({ code: '10000', msg: 'Success' });
const sign = createSign('RSA-SHA256').update(node, 'utf8').sign(privateKey, 'base64');
const answer = Buffer.from(`{"zhima_data_batch_feedback_response":${node},"sign":"${sign}"}`, 'utf8');

let requests = 0;
let bodyBytes = 0;
let otherMethods = 0;
const server = createServer((request, response) => {
  requests++;
  // Any other call is answered 404, so a CLI that starts asking something else fails loudly.
  const method = new URL(request.url ?? '/', 'http://sink').searchParams.get('method');
  request.on('data', (chunk) => (bodyBytes += chunk.length));
  request.on('end', () => {
    if (method !== METHOD) {
      otherMethods++;
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': answer.length }).end(answer);
  });
});
// A gateway is a long-running server; a sink started a moment before the send it serves would charge its
// own warm-up to that send (measured: its first 48 MB part took ≈ 2× as long as the next on a cold sink,
// and as long as the next once the sink had taken one upload on another connection). So the sink takes
// two uploads of its own before it is ready, and they are in none of its counters.
const WARM_UP_UPLOADS = 2;
const WARM_UP_CHUNKS = 32;
async function warmUp(url) {
  const chunk = new Uint8Array(1024 * 1024);
  for (let upload = 0; upload < WARM_UP_UPLOADS; upload++) {
    await new Promise((resolve, reject) => {
      const outgoing = request(url, { method: 'POST', agent: false, headers: { 'content-length': String(WARM_UP_CHUNKS * chunk.length) } }, (answer) => answer.resume().on('end', resolve));
      outgoing.on('error', reject);
      (async () => {
        for (let k = 0; k < WARM_UP_CHUNKS; k++) if (!outgoing.write(chunk)) await once(outgoing, 'drain');
        outgoing.end();
      })().catch(reject);
    });
  }
  requests = 0;
  bodyBytes = 0;
}

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const gatewayUrl = `http://127.0.0.1:${port}/gateway.do`;
  await warmUp(`${gatewayUrl}?method=${METHOD}`);
  serveUntilStopped({ server, ready: { gatewayUrl }, report: async () => ({ requests, bodyBytes, otherMethods }) });
});
