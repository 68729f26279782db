/* SPDX-License-Identifier: BSD-3-Clause */
#include <time.h>

#include "core/clock.h"

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t (*clock_source)(void) = monotonic_ms;

uint64_t clock_now_ms(void)
{
	return clock_source();
}

void clock_set_source(uint64_t (*now_ms)(void))
{
	clock_source = now_ms != NULL ? now_ms : monotonic_ms;
}
