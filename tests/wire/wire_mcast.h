/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Shared by the multicast wire tests (test_wire_mcast.c for IGMP,
 * wire_mld.c for MLD): wire_mcast.ini's addresses and [mcast] section.
 */
#ifndef TESTS_WIRE_WIRE_MCAST_H
#define TESTS_WIRE_WIRE_MCAST_H

#include <stdbool.h>

#include <dpgram.h>

#include "wire_raw.h"

#define A_IP "198.18.0.2"
#define B_IP "198.18.0.1"
#define A_IP6 "fd00:6::2"
#define MC_ROBUSTNESS 2      /* [mcast] robustness */
#define MC_REPORT_MS 200     /* [mcast] report_ms */

/* a equals the address text (IPv4: v4-mapped). */
void assert_addr(const struct in6_addr *a, const char *text);
/* A socket of A bound to its IPv4 or IPv6 address. */
struct dpg_socket *mc_socket(struct wire *w, bool v6);
/* The MLD tests (wire_mld.c): how many failed. */
int mld_group(void);

#endif /* TESTS_WIRE_WIRE_MCAST_H */
