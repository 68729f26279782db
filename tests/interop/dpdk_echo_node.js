// SPDX-License-Identifier: BSD-3-Clause
// Node's dgram (udp4, or udp6 for an IPv6 HOST) as the client of
// dpgram-echo on the DPDK backend.
//
// usage: node dpdk_echo_node.js HOST PORT COUNT [WINDOW]
//
// The same exchange as dpdk_echo_client.py: COUNT datagrams whose sizes
// cycle through 0..1472 (udp4) or 0..1452 (udp6: a 40-byte IPv6 header), at
// most WINDOW (default 32) awaiting a reply (one until the first reply,
// while ARP or Neighbour Discovery resolves the stack's MAC), every reply
// byte-for-byte what was sent and in order. Bounded: 2 s per reply, 120 s
// overall. Exits 1 with a message on the first difference or timeout.
'use strict';
const dgram = require('node:dgram');
const crypto = require('node:crypto');

const [host, portArg, countArg, windowArg] = process.argv.slice(2);
const port = Number(portArg);
const count = Number(countArg);
const windowSize = Number(windowArg || 32);
const type = host.includes(':') ? 'udp6' : 'udp4';
const MAX_PAYLOAD = type === 'udp6' ? 1452 : 1472;
const REPLY_TIMEOUT_MS = 2000;
const TOTAL_TIMEOUT_MS = 120000;

const sock = dgram.createSocket({ type, recvBufferSize: 1 << 21 });
const inflight = []; // [seq, payload], oldest first
let sent = 0;
let got = 0;
let bytes = 0;
let replyTimer = null;
const start = process.hrtime.bigint();

function fail(msg) {
  console.error(`FAIL: node ${type} ${host}:${port}: ${msg}`);
  process.exit(1);
}

setTimeout(() => fail(`only ${got} of ${count} replies in ${TOTAL_TIMEOUT_MS} ms`),
           TOTAL_TIMEOUT_MS).unref();

function armReplyTimer() {
  clearTimeout(replyTimer);
  if (inflight.length === 0) return;
  const [seq, payload] = inflight[0];
  replyTimer = setTimeout(() => fail(
    `no reply within ${REPLY_TIMEOUT_MS} ms to datagram ${seq} ` +
    `(${payload.length} bytes); ${got} of ${count} came back, ` +
    `${inflight.length} in flight`), REPLY_TIMEOUT_MS);
}

function fill() {
  const limit = got > 0 ? windowSize : 1;
  while (sent < count && inflight.length < limit) {
    const payload = crypto.randomBytes(sent % (MAX_PAYLOAD + 1));
    const seq = sent++;
    inflight.push([seq, payload]);
    sock.send(payload, (err) => { if (err) fail(`send ${seq}: ${err.message}`); });
  }
}

function describeMismatch(msg) {
  const k = inflight.findIndex(([, p]) => p.equals(msg));
  if (k > 0)
    return `it is datagram ${inflight[k][0]}'s reply: ${k} datagram(s) before it were lost or reordered`;
  return 'it matches no datagram in flight (altered)';
}

sock.on('message', (msg) => {
  if (inflight.length === 0) fail(`unexpected ${msg.length}-byte datagram`);
  const [seq, payload] = inflight[0];
  if (!msg.equals(payload))
    fail(`reply ${got}: want datagram ${seq} (${payload.length} bytes), ` +
         `got ${msg.length} bytes; ${describeMismatch(msg)}`);
  inflight.shift();
  got++;
  bytes += msg.length;
  if (got === count) {
    clearTimeout(replyTimer);
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(`ok: node ${type} ${host}:${port}: ${count} datagrams of 0 to ` +
                `${Math.min(count - 1, MAX_PAYLOAD)} bytes (${bytes} in all, ` +
                `window ${windowSize}) came back byte-exact and in order in ` +
                `${secs.toFixed(2)} s`);
    sock.close();
    return;
  }
  fill();
  armReplyTimer();
});
sock.on('error', (err) => fail(err.message));
sock.connect(port, host, () => {
  fill();
  armReplyTimer();
});
