/* SPDX-License-Identifier: BSD-3-Clause
 *
 * mcast_steps: a test program that changes multicast memberships on
 * command, for the interop tests that watch the IGMP/MLD reports those
 * changes cause (dpdk_mcast_querier.sh). It opens a stack, binds one IPv4
 * and one IPv6-only socket to --port, prints "listening on", then reads one
 * command per line on stdin while it keeps polling:
 *
 *   join G [IFACE]       dpg_add_membership
 *   leave G [IFACE]      dpg_drop_membership
 *   ssm S G [IFACE]      dpg_add_source_membership
 *   unssm S G [IFACE]    dpg_drop_source_membership
 *   stats                print the IGMP/MLD counters on one line
 *   quit                 (or end of input, SIGINT, SIGTERM) totals and exit
 *
 * The socket is the group's family. Each command prints "ok CMD..." or
 * "error CMD...: MESSAGE"; each datagram "from ADDR:PORT LEN bytes". At the
 * end "totals: commands N, failed M", the counters and the mbuf check; exit
 * 0 unless a packet buffer leaked (1), 2 on bad flags.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char usage[] =
	"Usage: mcast_steps [--backend kernel|dpdk] [--config FILE] [--port N]\n"
	"Commands on stdin: join G [IFACE], leave G [IFACE], ssm S G [IFACE],\n"
	"unssm S G [IFACE], stats, quit.\n";

enum { OPT_PORT = APP_OPT_PRIVATE };

static const struct option longopts[] = {
	APP_LONGOPTS_COMMON,
	{ "port", required_argument, NULL, OPT_PORT },
	{ NULL, 0, NULL, 0 },
};

#define LINE_MAX_LEN 512

struct steps {
	struct app app;
	struct dpg_stack *st;
	struct dpg_socket *s4, *s6;
	uint16_t port;
	unsigned commands, failed; /* membership commands, and those refused */
	char line[LINE_MAX_LEN];
	size_t len;
	bool eof;
};

static void on_data(struct dpg_socket *s, const void *buf, size_t len,
		    const struct dpg_rinfo *ri, void *user)
{
	char from[DPG_ADDRSTRLEN];

	(void)s;
	(void)buf;
	(void)user;
	if (dpg_addr_format((const struct sockaddr *)&ri->from, from,
			    sizeof(from)) < 0)
		snprintf(from, sizeof(from), "?");
	printf("from %s %zu bytes\n", from, len);
}

static int open_socket(struct steps *t, int family, struct dpg_socket **out)
{
	struct dpg_socket_opts o = {
		.family = family,
		.ipv6_only = family == AF_INET6,
		.on.data = on_data,
	};
	struct sockaddr_storage any;
	int err;

	memset(&any, 0, sizeof(any));
	any.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		((struct sockaddr_in *)&any)->sin_port = htons(t->port);
	else
		((struct sockaddr_in6 *)&any)->sin6_port = htons(t->port);
	err = dpg_socket_open(t->st, &o, out);
	if (err == 0)
		err = dpg_bind(*out, (const struct sockaddr *)&any);
	if (err < 0)
		app_error(&t->app, "cannot open and bind an %s socket: %s",
			  family == AF_INET ? "IPv4" : "IPv6", dpg_strerror(err));
	return err;
}

static void print_stats(struct steps *t)
{
	struct dpg_stats s;

	if (dpg_stack_stats(t->st, &s) < 0)
		return;
	printf("stats igmp_reports %" PRIu64 " igmp_queries %" PRIu64
	       " mld_reports %" PRIu64 " mld_queries %" PRIu64 " rx %" PRIu64
	       "\n", s.igmp_reports, s.igmp_queries, s.mld_reports,
	       s.mld_queries, s.rx_packets);
}

/* The socket of the group's family: a colon means IPv6. */
static struct dpg_socket *sock_for(struct steps *t, const char *group)
{
	return strchr(group, ':') != NULL ? t->s6 : t->s4;
}

/* Run one command line; returns false on quit. */
static bool run_command(struct steps *t, char *line)
{
	char *w[5];
	int n = 0, err;

	for (char *tok = strtok(line, " \t\r"); tok != NULL && n < 5;
	     tok = strtok(NULL, " \t\r"))
		w[n++] = tok;
	if (n == 0)
		return true;
	if (strcmp(w[0], "quit") == 0)
		return false;
	if (strcmp(w[0], "stats") == 0 && n == 1) {
		print_stats(t);
		return true;
	}
	if (strcmp(w[0], "join") == 0 && (n == 2 || n == 3))
		err = dpg_add_membership(sock_for(t, w[1]), w[1], n == 3 ? w[2] : NULL);
	else if (strcmp(w[0], "leave") == 0 && (n == 2 || n == 3))
		err = dpg_drop_membership(sock_for(t, w[1]), w[1], n == 3 ? w[2] : NULL);
	else if (strcmp(w[0], "ssm") == 0 && (n == 3 || n == 4))
		err = dpg_add_source_membership(sock_for(t, w[2]), w[1], w[2],
						n == 4 ? w[3] : NULL);
	else if (strcmp(w[0], "unssm") == 0 && (n == 3 || n == 4))
		err = dpg_drop_source_membership(sock_for(t, w[2]), w[1], w[2],
						 n == 4 ? w[3] : NULL);
	else
		err = 1;
	t->commands++;
	t->failed += err != 0;
	printf("%s", err == 0 ? "ok" : "error");
	for (int i = 0; i < n; i++)
		printf(" %s", w[i]);
	if (err != 0)
		printf(": %s", err > 0 ? "unknown command or wrong arguments" :
		       dpg_strerror(err));
	printf("\n");
	return true;
}

/* Read what stdin has (never blocking: the stack must keep polling) and
 * run each complete line. Returns false on quit or end of input. */
static bool read_commands(struct steps *t)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	char *nl;
	ssize_t k;

	if (poll(&p, 1, 0) <= 0)
		return true;
	k = read(STDIN_FILENO, t->line + t->len, sizeof(t->line) - 1 - t->len);
	if (k <= 0)
		return k < 0 && errno == EINTR;
	t->len += (size_t)k;
	t->line[t->len] = '\0';
	while ((nl = strchr(t->line, '\n')) != NULL) {
		*nl = '\0';
		if (!run_command(t, t->line))
			return false;
		t->len -= (size_t)(nl + 1 - t->line);
		memmove(t->line, nl + 1, t->len + 1);
	}
	if (t->len == sizeof(t->line) - 1) {
		printf("error: line too long\n");
		t->len = 0;
	}
	return true;
}

int main(int argc, char **argv)
{
	struct steps t;
	char a4[DPG_ADDRSTRLEN], a6[DPG_ADDRSTRLEN];
	int opt, rc = APP_EXIT_OK;

	memset(&t, 0, sizeof(t));
	app_init(&t.app, "mcast_steps", usage);
	while ((opt = app_getopt(&t.app, argc, argv, longopts)) != -1)
		if (opt == OPT_PORT)
			t.port = app_parse_port(&t.app, "--port", optarg, true);
	app_no_positional(&t.app, argc, argv);
	if (app_open_stack(&t.app, &t.st) < 0)
		return APP_EXIT_FAIL;
	if (open_socket(&t, AF_INET, &t.s4) < 0 ||
	    open_socket(&t, AF_INET6, &t.s6) < 0) {
		dpg_stack_close(t.st);
		return APP_EXIT_FAIL;
	}
	app_local_address(t.s4, a4, sizeof(a4));
	app_local_address(t.s6, a6, sizeof(a6));
	printf("mcast_steps: listening on %s and %s (%s backend)\n", a4, a6,
	       dpg_stack_backend(t.st));
	while (!app_stop && read_commands(&t)) {
		int n = dpg_poll(t.st, 10);

		if (n < 0 && n != -EINTR) {
			app_error(&t.app, "dpg_poll: %s", dpg_strerror(n));
			rc = APP_EXIT_FAIL;
			break;
		}
	}
	printf("totals: commands %u, failed %u\n", t.commands, t.failed);
	print_stats(&t);
	app_print_stack_stats(t.st, stdout);
	dpg_close(t.s4);
	dpg_close(t.s6);
	if (app_close_stack(&t.app, t.st) < 0)
		rc = APP_EXIT_FAIL;
	return rc;
}
