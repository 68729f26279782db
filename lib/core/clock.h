/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The one clock of the protocol layers (ARP/ND ageing, retransmissions,
 * report timers, reassembly timeouts): monotonic milliseconds. Tests replace
 * the source to step time without sleeping.
 */
#ifndef CORE_CLOCK_H
#define CORE_CLOCK_H

#include <stdint.h>

/* Monotonic milliseconds since an arbitrary start. */
uint64_t clock_now_ms(void);

/* Replace the time source (process-wide); NULL restores CLOCK_MONOTONIC. */
void clock_set_source(uint64_t (*now_ms)(void));

#endif /* CORE_CLOCK_H */
