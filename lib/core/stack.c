/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Stack lifecycle and the poll entry point; the backend does the work.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "core/stack.h"
#include "sock/socket.h"

static const struct backend_ops *backend_find(const char *name)
{
	static const struct backend_ops *const all[] = {
		&kernel_backend_ops,
		&dpdk_backend_ops,
	};

	if (name == NULL)
		return &kernel_backend_ops;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

int dpg_stack_open(const struct dpg_stack_config *cfg, struct dpg_stack **out)
{
	static const struct dpg_stack_config defaults;
	const struct backend_ops *ops;
	struct dpg_stack *st;
	int rc;

	if (out == NULL)
		return -EINVAL;
	if (cfg == NULL)
		cfg = &defaults;
	if (cfg->eal_argc < 0 || (cfg->eal_argc > 0 && cfg->eal_argv == NULL))
		return -EINVAL;
	ops = backend_find(cfg->backend);
	if (ops == NULL)
		return -EINVAL;

	st = calloc(1, ops->stack_size);
	if (st == NULL)
		return -ENOMEM;
	st->magic = STACK_MAGIC;
	st->ops = ops;
	TAILQ_INIT(&st->sockets);
	TAILQ_INIT(&st->graveyard);
	rc = ops->stack_open(st, cfg);
	if (rc < 0) {
		free(st);
		return rc;
	}
	*out = st;
	return 0;
}

void dpg_stack_close(struct dpg_stack *st)
{
	struct dpg_socket *s;

	if (!stack_valid(st) || st->in_poll)
		return;
	while ((s = TAILQ_FIRST(&st->sockets)) != NULL)
		dpg_close(s);
	stack_reap(st);
	st->ops->stack_close(st);
	st->magic = 0;
	free(st);
}

const char *dpg_stack_backend(const struct dpg_stack *st)
{
	return stack_valid(st) ? st->ops->name : NULL;
}

void stack_reap(struct dpg_stack *st)
{
	struct dpg_socket *s;

	while ((s = TAILQ_FIRST(&st->graveyard)) != NULL) {
		TAILQ_REMOVE(&st->graveyard, s, link);
		s->magic = 0;
		free(s);
	}
}

int dpg_poll(struct dpg_stack *st, int timeout_ms)
{
	int rc;

	if (!stack_valid(st))
		return -EINVAL;
	if (st->in_poll)
		return -EBUSY;
	st->in_poll = true;
	rc = st->ops->poll(st, timeout_ms);
	st->in_poll = false;
	stack_reap(st);
	return rc;
}

void dpg_shutdown(void)
{
	/* Only the DPDK backend holds process-wide state (EAL, ports). */
	dpdk_backend_shutdown();
}
