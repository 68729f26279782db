/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The IPv6 wire tests (test_wire6): what wire6.ini sets up, and the groups
 * of tests, one per file: address resolution and routing (test_wire6.c,
 * running those of wire_neigh.c too), Neighbour Unreachability Detection
 * (wire6_nud.c), Duplicate Address Detection (wire6_dad.c).
 */
#ifndef TESTS_WIRE_WIRE6_H
#define TESTS_WIRE_WIRE6_H

#include "wire_neigh.h"

/* Stack A ([port0]) and B ([port1]) on ring pair wire6, dual stack. */
#define A_IP "198.18.0.2"
#define B_IP "198.18.0.1"
#define A6 "fd00:6::2"
#define B6 "fd00:6::1"
#define A_LL "fe80::64:70ff:fe44:ea0a"
#define B_LL "fe80::64:70ff:fe44:ea0b"  /* also A's gateway6 */
#define NOBODY6 "fd00:6::77"    /* on the link, nobody answers for it */
#define FAR6 "fd00:ff::5"       /* off the link: A routes it to B */

/* Stacks C ([port2]) and D ([port3]) on ring pair dad6, one address. */
#define DUP6 "fd00:d::1"
#define C_LL "fe80::64:70ff:fe9b:800a"
#define D_LL "fe80::64:70ff:fe9b:800b"

/* Interface indexes: ring ports have no netdev, so 1000 + port id (port
 * ids follow the [portN] sections, lib/port/port.c). The tests check the
 * ones they rely on against dpg_rinfo.ifindex. */
#define IFINDEX_A 1000u
#define IFINDEX_B 1001u
#define IFINDEX_C 1002u
#define IFINDEX_D 1003u

/* wire6.ini's [neigh] section. */
#define W6_REACHABLE_MS 1000
#define W6_RETRANS_MS 100
#define W6_RETRIES 3
#define W6_HOLD 4
#define W6_DELAY_MS 500
#define W6_DAD_TRANSMITS 2

/* The stack's timer tick (lib/backend/dpdk.c TIMER_TICK_MS). */
#define W6_TICK_MS 10
/* Longest a stack may wait before its first DAD probe (RFC 4862 §5.4.2:
 * up to MAX_RTR_SOLICITATION_DELAY) plus the probes and the wait after
 * the last one, with room to spare. */
#define W6_DAD_WINDOW_MS (1000 + (W6_DAD_TRANSMITS + 2) * W6_RETRANS_MS)
/* Settling: the DAD window in retrans_ms steps (wire_conf). */
#define W6_SETTLE_STEPS (W6_DAD_WINDOW_MS / W6_RETRANS_MS + 1)

/* Each file's group; returns the number of failed tests. */
int wire6_run_nud(void);
int wire6_run_dad(void);

/* An AF_INET6 socket recording into r (NULL: no handlers), echoing if
 * echo, bound to ip:0 with scope (ip NULL: unbound). */
struct dpg_socket *wire6_socket(struct dpg_stack *st, struct rec *r,
				bool echo, const char *ip, uint32_t scope);

#endif /* TESTS_WIRE_WIRE6_H */
