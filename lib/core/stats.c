/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include "core/stack.h"

static const char *const drop_names[DPG_DROP_MAX] = {
#define NAME_(name, text) #name,
	DPG_DROP_REASONS(NAME_)
#undef NAME_
};

static const char *const drop_texts[DPG_DROP_MAX] = {
#define TEXT_(name, text) text,
	DPG_DROP_REASONS(TEXT_)
#undef TEXT_
};

const char *dpg_drop_name(unsigned reason)
{
	return reason < DPG_DROP_MAX ? drop_names[reason] : NULL;
}

const char *dpg_drop_description(unsigned reason)
{
	return reason < DPG_DROP_MAX ? drop_texts[reason] : NULL;
}

int dpg_stack_stats(struct dpg_stack *st, struct dpg_stats *out)
{
	if (!stack_valid(st) || out == NULL)
		return -EINVAL;
	*out = st->stats;
	return 0;
}

/* Bumped by the DPDK backend when a closing stack finds its pool short. */
uint64_t core_mbuf_leaks;

uint64_t dpg_mbuf_leaks(void)
{
	return core_mbuf_leaks;
}
