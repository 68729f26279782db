/* SPDX-License-Identifier: BSD-3-Clause
 *
 * dpgram-mcast: multicast (and broadcast) with dpgram. `recv` joins a group,
 * any-source or source-specific, and prints one line per datagram; `send`
 * sends numbered datagrams to a group, or to a broadcast address, at a
 * bounded rate. The flags are read and checked in mcast_flags.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mcast.h"

/* Sends in flight when the last is handed over: a few more poll passes
 * flush the port's tx buffer before the stack closes. */
#define FLUSH_PASSES 3

static void on_data(struct dpg_socket *s, const void *buf, size_t len,
		    const struct dpg_rinfo *ri, void *user)
{
	struct mcast *m = user;
	char from[DPG_ADDRSTRLEN];

	(void)s;
	(void)buf;
	/* --count N means exactly N lines, also when more datagrams came in
	 * the same poll batch as the last one. */
	if (m->count != 0 && m->n.rx >= m->count)
		return;
	if (dpg_addr_format((const struct sockaddr *)&ri->from, from,
			    sizeof(from)) < 0)
		snprintf(from, sizeof(from), "?");
	printf("from %s %zu bytes\n", from, len);
	m->n.rx++;
	m->rx_bytes += len;
	if (m->count != 0 && m->n.rx >= m->count)
		app_stop = -1;
}

static void on_drain(struct dpg_socket *s, void *user)
{
	struct mcast *m = user;

	(void)s;
	m->blocked = false;
}

/* dpgram's calls take the interface as text; NULL lets the stack choose. */
static const char *iface_text(const struct mcast *m)
{
	return m->iface.text[0] != '\0' ? m->iface.text : NULL;
}

/* Say what could not be done and which call said why; returns err. */
static int failed(const struct mcast *m, const char *what, const char *call,
		  int err)
{
	app_error(&m->app, "cannot %s (%s: %s)", what, call, dpg_strerror(err));
	return err;
}

/* recv: the wildcard address of the group's family on --port (where Node's
 * examples bind too: a group is not an address of the host), shared with
 * other receivers of the port, then the membership. */
static int recv_setup(struct mcast *m, struct dpg_socket *s)
{
	struct sockaddr_storage any;
	int err;

	memset(&any, 0, sizeof(any));
	any.ss_family = m->group.sa.ss_family;
	if (any.ss_family == AF_INET)
		((struct sockaddr_in *)&any)->sin_port = htons(m->port);
	else
		((struct sockaddr_in6 *)&any)->sin6_port = htons(m->port);
	err = dpg_bind(s, (const struct sockaddr *)&any);
	if (err < 0)
		return failed(m, "bind the group's port", "dpg_bind", err);
	if (m->source.text[0] != '\0') {
		err = dpg_add_source_membership(s, m->source.text,
						m->group.text, iface_text(m));
		if (err < 0)
			return failed(m, "join the source-specific group",
				      "dpg_add_source_membership", err);
		return 0;
	}
	err = dpg_add_membership(s, m->group.text, iface_text(m));
	if (err < 0)
		return failed(m, "join the group", "dpg_add_membership", err);
	return 0;
}

/* send: the options, then an ephemeral port on the wildcard address, so
 * that the program has a "listening on" line like every other. */
static int send_setup(struct mcast *m, struct dpg_socket *s)
{
	int err = 0;

	if (m->broadcast) {
		err = dpg_set_broadcast(s, true);
		if (err == 0 && m->ttl >= 0)
			err = dpg_set_ttl(s, m->ttl);
	} else {
		if (m->ttl >= 0)
			err = dpg_set_multicast_ttl(s, m->ttl);
		if (err == 0 && m->loop >= 0)
			err = dpg_set_multicast_loopback(s, m->loop != 0);
	}
	if (err < 0)
		return failed(m, "set the TTL, loopback or broadcast option",
			      "dpg_set_*", err);
	/* Linux sends 255.255.255.255 out of the interface of the socket's
	 * bound address (and so does dpgram): for a broadcast, --iface is the
	 * address to bind. For a group, it is the multicast interface. */
	if (m->broadcast && iface_text(m) != NULL) {
		err = dpg_bind(s, (const struct sockaddr *)&m->iface.sa);
		if (err < 0)
			return failed(m, "bind the --iface address", "dpg_bind", err);
		return 0;
	}
	if (iface_text(m) != NULL) {
		err = dpg_set_multicast_interface(s, iface_text(m));
		if (err < 0)
			return failed(m, "use that interface",
				      "dpg_set_multicast_interface", err);
	}
	err = dpg_bind(s, NULL);
	if (err < 0)
		return failed(m, "bind an ephemeral port", "dpg_bind", err);
	return 0;
}

static int open_socket(struct mcast *m, struct dpg_stack *st,
		       struct dpg_socket **out)
{
	struct dpg_socket_opts o = {
		.family = m->group.sa.ss_family,
		/* Several receivers of one group and port, as in Node's
		 * multicast examples (reuseAddr). */
		.reuse_addr = !m->sender,
		/* An IPv6 receiver takes IPv6 only: the group's family. */
		.ipv6_only = !m->sender && m->group.sa.ss_family == AF_INET6,
		.on = { .data = m->sender ? NULL : on_data, .drain = on_drain },
		.user = m,
	};
	int err;

	/* A scoped group (ff02::1%dpg0) names an interface that the dpdk
	 * backend has only now created: resolve the scope now. */
	if (m->sender && strchr(m->group.text, '%') != NULL &&
	    dpg_ip6_addr(m->group.text, m->port,
			 (struct sockaddr_in6 *)&m->group.sa) < 0)
		return failed(m, "send to that group", "dpg_ip6_addr", -EINVAL);
	err = dpg_socket_open(st, &o, out);
	if (err < 0)
		return failed(m, "open a socket", "dpg_socket_open", err);
	err = m->sender ? send_setup(m, *out) : recv_setup(m, *out);
	if (err < 0)
		dpg_close(*out);
	return err;
}

/* Send what is due by now: datagram i (from 0) is due at start + i/rate,
 * so the rate holds over the run whatever the poll latency; at most a poll
 * batch per pass, so the stack's timers keep running. */
static void send_due(struct mcast *m, struct dpg_socket *s, uint64_t start,
		     uint64_t now)
{
	char buf[48];
	uint64_t i;
	unsigned batch = 0;
	int len, err;

	while (!m->blocked && batch++ < DPG_POLL_BATCH) {
		i = m->n.tx + m->n.drops;
		if (i >= m->count || start + i * 1000000u / m->rate > now)
			return;
		len = snprintf(buf, sizeof(buf), "dpgram-mcast #%" PRIu64,
			       i + 1);
		err = dpg_send(s, buf, (size_t)len,
			       (const struct sockaddr *)&m->group.sa);
		if (err == -EAGAIN) {
			m->blocked = true; /* on.drain, then this one again */
			return;
		}
		if (err == 0) {
			m->n.tx++;
			continue;
		}
		if (m->n.drops++ == 0)
			app_error(&m->app, "dpg_send: %s; counting further failures",
				  dpg_strerror(err));
	}
}

/* How long the poll may wait: until the next datagram is due (at most
 * 100 ms, so the stats lines keep their pace). */
static int wait_ms(const struct mcast *m, uint64_t start, uint64_t now)
{
	uint64_t i = m->n.tx + m->n.drops, due;

	if (!m->sender || m->blocked || i >= m->count)
		return 100;
	due = start + i * 1000000u / m->rate;
	if (due <= now)
		return 0;
	return due - now >= 100000u ? 100 : (int)((due - now + 999) / 1000);
}

static int run(struct mcast *m, struct dpg_stack *st, struct dpg_socket *s)
{
	struct app_ticker ticker;
	uint64_t start = app_now_us();
	int n, i;

	app_ticker_init(&ticker);
	while (!app_stop) {
		if (m->sender) {
			send_due(m, s, start, app_now_us());
			if (m->n.tx + m->n.drops >= m->count)
				break;
		}
		n = dpg_poll(st, wait_ms(m, start, app_now_us()));
		/* -EINTR: a signal came during the wait; the loop sees it. */
		if (n < 0 && n != -EINTR)
			return failed(m, "poll", "dpg_poll", n);
		app_ticker_tick(&m->app, &ticker, &m->n);
	}
	for (i = 0; m->sender && i < FLUSH_PASSES; i++)
		dpg_poll(st, 0);
	return 0;
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* The ready line: "listening on" and what the program does. */
static void print_ready(const struct mcast *m, struct dpg_stack *st,
			struct dpg_socket *s)
{
	char local[DPG_ADDRSTRLEN];
	const char *iface = m->iface.text[0] ? m->iface.text :
			    strchr(m->group.text, '%') ? "of the group's zone" :
			    "default";

	if (app_local_address(s, local, sizeof(local)) < 0)
		snprintf(local, sizeof(local), "?");
	printf("dpgram-mcast: listening on %s (%s backend); ", local,
	       dpg_stack_backend(st));
	if (!m->sender)
		printf("joined %s%s%s on interface %s\n", m->group.text,
		       m->source.text[0] ? " source " : " any-source",
		       m->source.text, iface);
	else if (m->broadcast)
		printf("sending %" PRIu64 " datagram%s to broadcast %s port %u at %u/s\n",
		       m->count, plural(m->count), m->group.text, m->port, m->rate);
	else
		printf("sending %" PRIu64 " datagram%s to %s port %u at %u/s on interface %s\n",
		       m->count, plural(m->count), m->group.text, m->port, m->rate,
		       iface);
	fflush(stdout);
}

static void print_totals(const struct mcast *m, struct dpg_stack *st)
{
	if (m->sender)
		printf("totals: sent %" PRIu64 ", failed %" PRIu64 "\n",
		       m->n.tx, m->n.drops);
	else
		printf("totals: received %" PRIu64 " datagram%s, %" PRIu64
		       " bytes\n", m->n.rx, plural(m->n.rx), m->rx_bytes);
	app_print_stack_stats(st, stdout);
}

int main(int argc, char **argv)
{
	struct dpg_stack *st;
	struct dpg_socket *s;
	struct mcast m;
	int err;

	mcast_parse_flags(&m, argc, argv);
	if (app_open_stack(&m.app, &st) < 0)
		return APP_EXIT_FAIL;
	if (open_socket(&m, st, &s) < 0) {
		dpg_stack_close(st);
		dpg_shutdown();
		return APP_EXIT_FAIL;
	}
	print_ready(&m, st, s);
	err = run(&m, st, s);
	print_totals(&m, st);
	dpg_close(s);
	if (app_close_stack(&m.app, st) < 0)
		err = -1;
	/* A sender that could not send everything failed, unless stopped. */
	if (err < 0 || m.n.drops != 0)
		return APP_EXIT_FAIL;
	return APP_EXIT_OK;
}
