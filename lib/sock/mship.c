/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sock/mship.h"
#include "sock/socket.h"

static bool addr_eq(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return memcmp(a, b, sa_len(a->ss_family)) == 0;
}

static bool same_group_if(const struct mship *a, const struct mship *b, bool any_if)
{
	if (!addr_eq(&a->group, &b->group))
		return false;
	return a->ifindex == b->ifindex || (any_if && b->ifindex == 0);
}

int mship_find(const struct mship_set *set, const struct mship *key, bool any_if)
{
	int fallback = -1;

	for (unsigned i = 0; i < set->n; i++) {
		const struct mship *m = &set->v[i];

		if (m->has_source != key->has_source)
			continue;
		if (key->has_source && !addr_eq(&m->source, &key->source))
			continue;
		if (!same_group_if(m, key, any_if))
			continue;
		if (m->ifindex == key->ifindex)
			return (int)i;
		if (fallback < 0)
			fallback = (int)i;
	}
	return fallback;
}

static bool has_kind(const struct mship_set *set, const struct mship *key, bool ssm)
{
	for (unsigned i = 0; i < set->n; i++)
		if (set->v[i].has_source == ssm &&
		    same_group_if(&set->v[i], key, false))
			return true;
	return false;
}

bool mship_has_asm(const struct mship_set *set, const struct mship *key)
{
	return has_kind(set, key, false);
}

bool mship_has_ssm(const struct mship_set *set, const struct mship *key)
{
	return has_kind(set, key, true);
}

int mship_add(struct mship_set *set, const struct mship *m)
{
	struct mship *v;
	unsigned cap;

	if (set->n == set->cap) {
		cap = set->cap ? set->cap * 2 : 4;
		v = realloc(set->v, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		set->v = v;
		set->cap = cap;
	}
	set->v[set->n++] = *m;
	return 0;
}

void mship_remove(struct mship_set *set, unsigned idx)
{
	if (idx >= set->n)
		return;
	set->v[idx] = set->v[--set->n];
}

void mship_free(struct mship_set *set)
{
	free(set->v);
	memset(set, 0, sizeof(*set));
}
