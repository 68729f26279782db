/* SPDX-License-Identifier: BSD-3-Clause
 *
 * dpgram-echo: a UDP echo server on dpgram. Every datagram goes back to its
 * sender unchanged. The smallest complete dpgram program: open a stack, open
 * a socket with handlers, bind, poll until a signal.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define DEFAULT_PORT 7007 /* unprivileged; 7 (RFC 862) needs root */

static const char usage[] =
	"Usage: dpgram-echo [--backend kernel|dpdk] [--config FILE] [--bind ADDR]\n"
	"                   [--port N] [--stats SECS] [--count N] [--help]\n"
	"\n"
	"Echo every UDP datagram back to its sender.\n"
	"\n"
	"  --backend NAME  kernel (default: Linux UDP sockets) or dpdk\n"
	"  --config FILE   drivers-cfg INI file (dpdk backend)\n"
	"  --bind ADDR     local address (default 0.0.0.0; '::' serves IPv4 and IPv6)\n"
	"  --port N        local port (default 7007; 0 = any free port, see the\n"
	"                  'listening on' line)\n"
	"  --stats SECS    print rx/tx/drops and rates every SECS seconds\n"
	"  --count N       exit after echoing N datagrams\n"
	"  --help          this text\n"
	"\n"
	"Prints one 'listening on ADDR:PORT' line when ready; on SIGINT/SIGTERM\n"
	"prints totals and exits 0. Bad flags exit 2.\n";

enum {
	OPT_BIND = APP_OPT_PRIVATE,
	OPT_PORT,
	OPT_COUNT,
};

static const struct option longopts[] = {
	APP_LONGOPTS_COMMON,
	APP_LONGOPT_STATS,
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ NULL, 0, NULL, 0 },
};

struct echo {
	struct app app;
	struct sockaddr_storage bind;
	uint64_t count;          /* --count; 0 = until a signal */
	struct app_counters n;   /* rx received, tx echoed, drops not echoed */
	uint64_t send_errors;    /* the part of drops that was not -EAGAIN */
	bool blocked;            /* -EAGAIN seen, on.drain not yet */
};

static void parse_flags(struct echo *e, int argc, char **argv)
{
	const char *bind = "0.0.0.0";
	uint16_t port = DEFAULT_PORT;
	int opt;

	while ((opt = app_getopt(&e->app, argc, argv, longopts)) != -1) {
		switch (opt) {
		case OPT_BIND:
			bind = optarg;
			break;
		case OPT_PORT:
			port = app_parse_port(&e->app, "--port", optarg, true);
			break;
		case OPT_COUNT:
			e->count = app_parse_uint(&e->app, "--count", optarg, 1,
						  UINT64_MAX);
			break;
		}
	}
	app_no_positional(&e->app, argc, argv);
	app_parse_addr(&e->app, "--bind", bind, port, &e->bind);
}

/*
 * While blocked, replies are dropped without calling dpg_send(): it would
 * only fail again, and the stack has promised an on.drain. Dropping (rather
 * than queueing) is what an echo server over UDP is allowed to do, and
 * keeps memory bounded.
 */
static void on_data(struct dpg_socket *s, const void *buf, size_t len,
		    const struct dpg_rinfo *ri, void *user)
{
	struct echo *e = user;
	int err;

	e->n.rx++;
	/* --count N means exactly N echoes, also when more datagrams came in
	 * the same poll batch as the last one. */
	if (e->blocked || (e->count != 0 && e->n.tx >= e->count)) {
		e->n.drops++;
		return;
	}
	err = dpg_send(s, buf, len, (const struct sockaddr *)&ri->from);
	if (err == 0) {
		e->n.tx++;
		if (e->count != 0 && e->n.tx >= e->count)
			app_stop = -1;
		return;
	}
	e->n.drops++;
	if (err == -EAGAIN) {
		e->blocked = true;
		return;
	}
	/* One line per distinct cause would be nicer, but a flood of bad
	 * senders must not turn into a flood of log lines: report the first. */
	if (e->send_errors++ == 0)
		app_error(&e->app, "echo failed (dpg_send: %s); counting further failures as drops",
			  dpg_strerror(err));
}

static void on_drain(struct dpg_socket *s, void *user)
{
	struct echo *e = user;

	(void)s;
	e->blocked = false;
}

static void on_error(struct dpg_socket *s, int err, void *user)
{
	(void)s;
	(void)err;
	(void)user;
	/* Only connected sockets get asynchronous errors; ours never
	 * connects. Nothing to do: an echo server keeps serving. */
}

static int open_socket(struct echo *e, struct dpg_stack *st,
		       struct dpg_socket **out)
{
	struct dpg_socket_opts o = {
		.family = e->bind.ss_family,
		.on = { .data = on_data, .drain = on_drain, .error = on_error },
		.user = e,
	};
	int err;

	/* ipv6_only stays false: --bind :: is dual stack, as promised. */
	err = dpg_socket_open(st, &o, out);
	if (err < 0) {
		app_error(&e->app, "cannot open a socket (dpg_socket_open: %s)",
			  dpg_strerror(err));
		return err;
	}
	err = dpg_bind(*out, (const struct sockaddr *)&e->bind);
	if (err < 0) {
		char addr[DPG_ADDRSTRLEN];

		dpg_addr_format((const struct sockaddr *)&e->bind, addr,
				sizeof(addr));
		app_error(&e->app, "cannot bind %s (dpg_bind: %s)", addr,
			  dpg_strerror(err));
		dpg_close(*out);
	}
	return err;
}

static int serve(struct echo *e, struct dpg_stack *st)
{
	struct app_ticker ticker;
	int n;

	app_ticker_init(&ticker);
	while (!app_stop) {
		n = dpg_poll(st, 100);
		/* -EINTR: a signal arrived during the wait; the loop test
		 * sees it. */
		if (n < 0 && n != -EINTR) {
			app_error(&e->app, "dpg_poll: %s", dpg_strerror(n));
			return n;
		}
		app_ticker_tick(&e->app, &ticker, &e->n);
	}
	return 0;
}

static void print_totals(const struct echo *e, struct dpg_stack *st)
{
	printf("totals: received %" PRIu64 ", echoed %" PRIu64 ", dropped %"
	       PRIu64 "\n", e->n.rx, e->n.tx, e->n.drops);
	app_print_stack_stats(st, stdout);
}

int main(int argc, char **argv)
{
	struct dpg_stack *st;
	struct dpg_socket *s;
	struct echo e;
	char addr[DPG_ADDRSTRLEN];
	int err;

	memset(&e, 0, sizeof(e));
	app_init(&e.app, "dpgram-echo", usage);
	parse_flags(&e, argc, argv);

	if (app_open_stack(&e.app, &st) < 0)
		return APP_EXIT_FAIL;
	if (open_socket(&e, st, &s) < 0) {
		dpg_stack_close(st);
		return APP_EXIT_FAIL;
	}
	if (app_local_address(s, addr, sizeof(addr)) < 0)
		snprintf(addr, sizeof(addr), "?");
	printf("dpgram-echo: listening on %s (%s backend)\n", addr,
	       dpg_stack_backend(st));
	fflush(stdout);

	err = serve(&e, st);
	print_totals(&e, st);
	dpg_close(s);
	if (app_close_stack(&e.app, st) < 0)
		err = -1;
	return err < 0 ? APP_EXIT_FAIL : APP_EXIT_OK;
}
