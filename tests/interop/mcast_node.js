// SPDX-License-Identifier: BSD-3-Clause
// Node's dgram as the multicast peer of dpgram-mcast on the DPDK backend.
//
// usage: node mcast_node.js recv GROUP PORT COUNT IFACE EXPECT_FROM [SOURCE]
//        node mcast_node.js send GROUP PORT COUNT IFACE BIND
//
// recv: a udp4 or udp6 socket (the group's family) with reuseAddr binds
// PORT, joins GROUP on IFACE (198.18.0.1, or ::%dpg0 for IPv6) with
// addMembership, or with addSourceSpecificMembership(SOURCE, ...), prints
// "ready", then needs COUNT datagrams "dpgram-mcast #i", i increasing,
// every one from EXPECT_FROM.
// send: binds BIND (the kernel's address), setMulticastInterface(IFACE),
// and sends COUNT datagrams "node #i" to GROUP:PORT, 2 ms apart.
// Bounded: 10 s. Exits 1 with a FAIL line on a difference or timeout.
'use strict';
const dgram = require('node:dgram');

const [cmd, group, portArg, countArg, iface, arg5, source] = process.argv.slice(2);
const port = Number(portArg);
const count = Number(countArg);
const type = group.includes(':') ? 'udp6' : 'udp4';
const TIMEOUT_MS = 10000;

function fail(msg) {
  console.error(`FAIL: node ${type} ${cmd} ${group}:${port}: ${msg}`);
  process.exit(1);
}

function recv(expectFrom) {
  const sock = dgram.createSocket({ type, reuseAddr: true, ipv6Only: type === 'udp6' });
  let got = 0;
  let last = 0;
  setTimeout(() => fail(`${got} of ${count} datagrams in ${TIMEOUT_MS} ms`), TIMEOUT_MS).unref();
  sock.on('error', (err) => fail(err.message));
  sock.on('message', (msg, rinfo) => {
    const text = msg.toString();
    console.log(`from ${rinfo.address}:${rinfo.port} ${rinfo.size} bytes: ${text}`);
    if (rinfo.address !== expectFrom)
      fail(`datagram from ${rinfo.address}, want ${expectFrom}`);
    const m = /^dpgram-mcast #(\d+)$/.exec(text);
    if (!m || Number(m[1]) <= last)
      fail(`payload '${text}': want 'dpgram-mcast #i' with i above ${last}`);
    last = Number(m[1]);
    if (++got === count) {
      console.log(`node: ${count} datagrams from ${expectFrom} to ${group}`);
      sock.close();
    }
  });
  sock.bind(port, () => {
    if (source)
      sock.addSourceSpecificMembership(source, group, iface);
    else
      sock.addMembership(group, iface);
    console.log(`ready: node ${type} joined ${group}${source ? ' source ' + source : ''} on ${iface}`);
  });
}

function send(bind) {
  const sock = dgram.createSocket({ type });
  let sent = 0;
  setTimeout(() => fail(`${sent} of ${count} sent in ${TIMEOUT_MS} ms`), TIMEOUT_MS).unref();
  sock.on('error', (err) => fail(err.message));
  const next = () => {
    if (sent === count) {
      console.log(`node: sent ${count} datagrams to ${group}:${port}`);
      sock.close();
      return;
    }
    sent++;
    sock.send(`node #${sent}`, port, group, (err) => {
      if (err)
        fail(err.message);
      setTimeout(next, 2);
    });
  };
  sock.bind(0, bind, () => {
    sock.setMulticastInterface(iface);
    next();
  });
}

if (cmd === 'recv')
  recv(arg5);
else if (cmd === 'send')
  send(arg5);
else
  fail('usage: mcast_node.js recv|send ...');
