// SPDX-License-Identifier: BSD-3-Clause
// Node's own dgram as the client of dpgram-echo.
//
// usage: node echo_node.js udp4|udp6 HOST PORT COUNT
//
// Sends COUNT datagrams of varied sizes (0 and the family's largest payload
// included) one at a time on a connected socket and requires each reply to
// equal what was sent. Exits 1 with a message on the first difference or
// timeout.
'use strict';
const dgram = require('node:dgram');
const crypto = require('node:crypto');

const [type, host, portArg, countArg] = process.argv.slice(2);
const port = Number(portArg);
const count = Number(countArg);
const largest = type === 'udp6' ? 65527 : 65507;
const REPLY_TIMEOUT_MS = 2000;
const TOTAL_TIMEOUT_MS = 60000;

function fail(msg) {
  console.error(`FAIL: node ${type} ${host}:${port}: ${msg}`);
  process.exit(1);
}

// Deterministic sizes: fixed edge cases, then a mix (mostly small).
function sizes() {
  const fixed = [0, 1, 2, 8, 100, 508, 1232, 1452, 1472, 1473, 8972, 9000,
                 16384, 32768, largest - 1, largest];
  const out = fixed.slice(0, count);
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  while (out.length < count) {
    const r = rand();
    if (r < 0.6) out.push(Math.floor(rand() * 1473));
    else if (r < 0.9) out.push(1473 + Math.floor(rand() * 7528));
    else out.push(9001 + Math.floor(rand() * (largest - 9000)));
  }
  return out;
}

const sock = dgram.createSocket({ type, recvBufferSize: 1 << 20 });
const list = sizes();
let i = 0;
let payload = null;
let timer = null;
let bytes = 0;

setTimeout(() => fail(`only ${i} of ${count} done in ${TOTAL_TIMEOUT_MS} ms`),
           TOTAL_TIMEOUT_MS).unref();

function sendNext() {
  if (i === count) {
    console.log(`ok: node ${type} ${host}:${port}: ${count} datagrams of ` +
                `${Math.min(...list)} to ${Math.max(...list)} bytes ` +
                `(${bytes} in all) came back byte-exact`);
    sock.close();
    return;
  }
  payload = crypto.randomBytes(list[i]);
  timer = setTimeout(() => fail(`no reply to datagram ${i} (${list[i]} bytes)`),
                     REPLY_TIMEOUT_MS);
  sock.send(payload, (err) => { if (err) fail(`send ${i}: ${err.message}`); });
}

sock.on('message', (msg) => {
  if (payload === null) fail('reply before any send');
  if (!msg.equals(payload))
    fail(`datagram ${i}: sent ${payload.length} bytes, got ${msg.length} that differ`);
  clearTimeout(timer);
  bytes += msg.length;
  i++;
  sendNext();
});
sock.on('error', (err) => fail(err.message));
sock.connect(port, host, sendNext);
