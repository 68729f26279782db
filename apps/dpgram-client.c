/* SPDX-License-Identifier: BSD-3-Clause
 *
 * dpgram-client: sends numbered datagrams to a UDP echo server and checks
 * that each comes back byte for byte, timing the round trips. It runs on a
 * connected dpgram socket, so with dpgram-echo both ends of the quick start
 * run on dpgram.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char usage[] =
	"Usage: dpgram-client [--backend kernel|dpdk] [--config FILE] --to ADDR:PORT\n"
	"                     [--count N] [--size B] [--interval-ms MS]\n"
	"                     [--timeout-ms MS] [--help]\n"
	"\n"
	"Send N datagrams \"dpgram #i\" to an echo server and check the replies.\n"
	"\n"
	"  --backend NAME    kernel (default: Linux UDP sockets) or dpdk\n"
	"  --config FILE     drivers-cfg INI file (dpdk backend)\n"
	"  --to ADDR:PORT    the server: 127.0.0.1:7007 or [::1]:7007 (required)\n"
	"  --count N         datagrams to send (default 5, at most 1000000)\n"
	"  --size B          pad (or cut) each payload to B bytes, 0..65507 for\n"
	"                    IPv4, 0..65527 for IPv6 (default: the text's length)\n"
	"  --interval-ms MS  time between sends (default 100; 0 = back to back)\n"
	"  --timeout-ms MS   wait after the last send for replies (default 1000)\n"
	"  --help            this text\n"
	"\n"
	"Prints one 'reply from ADDR:PORT LEN bytes: TEXT' line per reply and a\n"
	"summary 'sent N, received M, lost L, rtt min/avg/max X/Y/Z us'.\n"
	"Exits 0 if every reply came back intact, 1 otherwise, 2 on bad flags.\n";

enum {
	OPT_TO = APP_OPT_PRIVATE,
	OPT_COUNT,
	OPT_SIZE,
	OPT_INTERVAL,
	OPT_TIMEOUT,
};

static const struct option longopts[] = {
	APP_LONGOPTS_COMMON,
	{ "to", required_argument, NULL, OPT_TO },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "interval-ms", required_argument, NULL, OPT_INTERVAL },
	{ "timeout-ms", required_argument, NULL, OPT_TIMEOUT },
	{ NULL, 0, NULL, 0 },
};

#define MAX_COUNT 1000000u
/* Datagrams in flight at most. Without a window, --interval-ms 0 would
 * queue hundreds of datagrams at once and overflow the receive buffers of
 * the server or of this client (the kernel's default is about 90 datagrams
 * of 1400 bytes): the loss would be ours, not the network's. */
#define WINDOW 32u
#define TEXT_SHOWN 64 /* payload bytes printed per reply line */

struct client {
	struct app app;
	struct sockaddr_storage to;
	unsigned count;
	long size;              /* -1: the text's own length */
	unsigned interval_ms, timeout_ms;

	uint64_t *sent_us;      /* [1..count]: when datagram #i was sent */
	bool *got;              /* [1..count]: its reply arrived */
	unsigned sent, received, oldest;
	unsigned expiry;        /* datagrams below it waited --timeout-ms */
	unsigned expired;       /* ... and of those, how many are unanswered */
	unsigned mismatched, duplicates, send_errors, async_errors;
	uint64_t rtt_min, rtt_max, rtt_sum;
	bool blocked;           /* -EAGAIN seen, on.drain not yet */
	char *tx, *expect;      /* payload scratch buffers */
};

static void parse_flags(struct client *c, int argc, char **argv)
{
	bool have_to = false;
	long max;
	int opt;

	while ((opt = app_getopt(&c->app, argc, argv, longopts)) != -1) {
		switch (opt) {
		case OPT_TO:
			app_parse_hostport(&c->app, "--to", optarg, &c->to);
			have_to = true;
			break;
		case OPT_COUNT:
			c->count = (unsigned)app_parse_uint(&c->app, "--count",
							    optarg, 1, MAX_COUNT);
			break;
		case OPT_SIZE:
			c->size = (long)app_parse_uint(&c->app, "--size", optarg,
						       0, DPG_MAX_PAYLOAD6);
			break;
		case OPT_INTERVAL:
			c->interval_ms = (unsigned)app_parse_uint(&c->app,
					"--interval-ms", optarg, 0, 3600000);
			break;
		case OPT_TIMEOUT:
			c->timeout_ms = (unsigned)app_parse_uint(&c->app,
					"--timeout-ms", optarg, 0, 3600000);
			break;
		}
	}
	app_no_positional(&c->app, argc, argv);
	if (!have_to)
		app_usage_error(&c->app, "--to ADDR:PORT is required");
	max = c->to.ss_family == AF_INET ? DPG_MAX_PAYLOAD4 : DPG_MAX_PAYLOAD6;
	if (c->size > max)
		app_usage_error(&c->app, "--size: expected 0 to %ld bytes for an IPv%c server, got %ld",
				max, c->to.ss_family == AF_INET ? '4' : '6',
				c->size);
}

/* Payload of datagram #seq into buf: "dpgram #seq", then padded with '.'
 * or cut to --size bytes. Returns its length. */
static size_t make_payload(const struct client *c, unsigned seq, char *buf)
{
	char text[32];
	size_t n = (size_t)snprintf(text, sizeof(text), "dpgram #%u", seq);
	size_t len = c->size < 0 ? n : (size_t)c->size;

	memcpy(buf, text, n < len ? n : len);
	if (len > n)
		memset(buf + n, '.', len - n);
	return len;
}

/* The sequence number a reply names, or 0 when it was cut too short to
 * name one (tiny --size): the caller then assumes the oldest outstanding. */
static unsigned reply_seq(const struct client *c, const char *buf, size_t len)
{
	static const char prefix[] = "dpgram #";
	size_t i = sizeof(prefix) - 1;
	unsigned long v = 0;

	if (len <= i || memcmp(buf, prefix, i) != 0)
		return 0;
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		v = v * 10 + (unsigned long)(buf[i] - '0');
		if (v > c->count)
			return 0;
	}
	return (unsigned)v;
}

static void print_reply(const struct dpg_rinfo *ri, const char *buf,
			size_t len, const char *note)
{
	char from[DPG_ADDRSTRLEN], text[TEXT_SHOWN + 1];
	size_t i, n = len < TEXT_SHOWN ? len : TEXT_SHOWN;

	if (dpg_addr_format((const struct sockaddr *)&ri->from, from,
			    sizeof(from)) < 0)
		snprintf(from, sizeof(from), "?");
	for (i = 0; i < n; i++)
		text[i] = buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '.';
	text[n] = '\0';
	printf("reply from %s %zu bytes: %s%s%s\n", from, len, text,
	       len > n ? "..." : "", note);
}

static void record_rtt(struct client *c, unsigned seq)
{
	uint64_t rtt = app_now_us() - c->sent_us[seq];

	if (c->received == 0 || rtt < c->rtt_min)
		c->rtt_min = rtt;
	if (rtt > c->rtt_max)
		c->rtt_max = rtt;
	c->rtt_sum += rtt;
	c->received++;
	c->got[seq] = true;
	if (seq < c->expiry)
		c->expired--; /* late, but not lost after all */
	while (c->oldest <= c->sent && c->got[c->oldest])
		c->oldest++;
}

static void on_data(struct dpg_socket *s, const void *buf, size_t len,
		    const struct dpg_rinfo *ri, void *user)
{
	struct client *c = user;
	unsigned seq = reply_seq(c, buf, len);

	(void)s;
	if (seq == 0 || seq > c->sent)
		seq = c->oldest <= c->sent ? c->oldest : 0;
	if (seq == 0) {
		c->mismatched++;
		print_reply(ri, buf, len, " (unexpected)");
		return;
	}
	if (len != make_payload(c, seq, c->expect) ||
	    memcmp(buf, c->expect, len) != 0) {
		c->mismatched++;
		print_reply(ri, buf, len, " (does not match what was sent)");
		return;
	}
	if (c->got[seq]) {
		c->duplicates++;
		print_reply(ri, buf, len, " (duplicate)");
		return;
	}
	record_rtt(c, seq);
	print_reply(ri, buf, len, "");
}

static void on_drain(struct dpg_socket *s, void *user)
{
	struct client *c = user;

	(void)s;
	c->blocked = false;
}

/* -ECONNREFUSED here means nothing listens on the server's port (ICMP
 * port unreachable); say so once instead of once per datagram. */
static void on_error(struct dpg_socket *s, int err, void *user)
{
	struct client *c = user;

	(void)s;
	if (c->async_errors++ == 0)
		app_error(&c->app, "error from the server's address: %s",
			  dpg_strerror(err));
}

/* Send datagram #(sent + 1). Returns false when sending must pause. */
static bool send_next(struct client *c, struct dpg_socket *s)
{
	unsigned seq = c->sent + 1;
	size_t len = make_payload(c, seq, c->tx);
	int err;

	c->sent_us[seq] = app_now_us();
	err = dpg_send(s, c->tx, len, NULL);
	if (err == -EAGAIN) {
		c->blocked = true;
		return false;
	}
	c->sent = seq;
	if (err < 0) {
		/* Counted as sent and so as lost: the summary then shows
		 * the failure, and the exit status is 1. */
		if (c->send_errors++ == 0)
			app_error(&c->app, "dpg_send: %s", dpg_strerror(err));
	}
	return true;
}

/* Outstanding replies fill the window; one unanswered for --timeout-ms
 * is taken for lost and frees its slot, so a loss delays, never stalls. */
static bool window_full(struct client *c, uint64_t now)
{
	uint64_t timeout = (uint64_t)c->timeout_ms * 1000u;

	while (c->expiry <= c->sent && c->sent_us[c->expiry] + timeout <= now) {
		if (!c->got[c->expiry])
			c->expired++;
		c->expiry++;
	}
	return c->sent - c->received - c->expired >= WINDOW;
}

/* Send what is due by now: one datagram per interval, or with
 * --interval-ms 0 as many as the window allows, a batch per poll pass so
 * replies are read meanwhile. Returns when the next send is due (or
 * UINT64_MAX when all are sent). */
static uint64_t send_due(struct client *c, struct dpg_socket *s,
			 uint64_t next, uint64_t now)
{
	unsigned batch = 0;

	while (c->sent < c->count && !c->blocked && !window_full(c, now) &&
	       next <= now && batch < DPG_POLL_BATCH) {
		if (!send_next(c, s))
			break;
		batch++;
		next += (uint64_t)c->interval_ms * 1000u;
		/* Late by more than an interval (a slow poll): don't burst
		 * to catch up, keep the spacing from now. */
		if (c->interval_ms != 0 && next < now)
			next = now;
	}
	return c->sent < c->count ? next : UINT64_MAX;
}

static int poll_ms(uint64_t until, uint64_t now)
{
	uint64_t ms;

	if (until <= now)
		return 0;
	ms = (until - now + 999) / 1000;
	return ms > 100 ? 100 : (int)ms;
}

static int run(struct client *c, struct dpg_stack *st, struct dpg_socket *s)
{
	uint64_t now, next = app_now_us(), deadline = 0;
	int n;

	while (!app_stop) {
		now = app_now_us();
		next = send_due(c, s, next, now);
		if (c->sent == c->count) {
			if (c->received == c->count)
				break;
			if (deadline == 0)
				deadline = now + (uint64_t)c->timeout_ms * 1000u;
			if (now >= deadline)
				break;
		}
		/* Blocked or window full: wake up for on.drain or replies,
		 * not for the clock. */
		n = dpg_poll(st, poll_ms(c->blocked || window_full(c, now) ?
					 now + 100000u :
					 deadline ? deadline : next, now));
		if (n < 0 && n != -EINTR) {
			app_error(&c->app, "dpg_poll: %s", dpg_strerror(n));
			return n;
		}
	}
	return 0;
}

static void print_summary(const struct client *c)
{
	printf("sent %u, received %u, lost %u, ", c->sent, c->received,
	       c->sent - c->received);
	if (c->received == 0)
		printf("rtt min/avg/max -/-/- us\n");
	else
		printf("rtt min/avg/max %" PRIu64 "/%" PRIu64 "/%" PRIu64
		       " us\n", c->rtt_min, c->rtt_sum / c->received,
		       c->rtt_max);
	if (c->mismatched || c->duplicates)
		printf("mismatched %u, duplicates %u\n", c->mismatched,
		       c->duplicates);
}

static int open_socket(struct client *c, struct dpg_stack *st,
		       struct dpg_socket **out)
{
	struct dpg_socket_opts o = {
		.family = c->to.ss_family,
		.on = { .data = on_data, .drain = on_drain, .error = on_error },
		.user = c,
	};
	int err = dpg_socket_open(st, &o, out);

	if (err < 0) {
		app_error(&c->app, "cannot open a socket (dpg_socket_open: %s)",
			  dpg_strerror(err));
		return err;
	}
	/* Connected: replies from anyone but the server are not ours, and
	 * ICMP errors come back through on.error. */
	err = dpg_connect(*out, (const struct sockaddr *)&c->to);
	if (err < 0) {
		app_error(&c->app, "cannot connect (dpg_connect: %s)",
			  dpg_strerror(err));
		dpg_close(*out);
	}
	return err;
}

static bool alloc_state(struct client *c)
{
	c->sent_us = calloc(c->count + 1, sizeof(*c->sent_us));
	c->got = calloc(c->count + 1, sizeof(*c->got));
	c->tx = malloc(DPG_MAX_PAYLOAD6 + 1);
	c->expect = malloc(DPG_MAX_PAYLOAD6 + 1);
	if (c->sent_us && c->got && c->tx && c->expect)
		return true;
	app_error(&c->app, "out of memory");
	return false;
}

static void free_state(struct client *c)
{
	free(c->sent_us);
	free(c->got);
	free(c->tx);
	free(c->expect);
}

static int client_main(struct client *c)
{
	struct dpg_stack *st;
	struct dpg_socket *s;
	char to[DPG_ADDRSTRLEN];
	int err;

	if (app_open_stack(&c->app, &st) < 0)
		return APP_EXIT_FAIL;
	if (open_socket(c, st, &s) < 0) {
		dpg_stack_close(st);
		return APP_EXIT_FAIL;
	}
	dpg_addr_format((const struct sockaddr *)&c->to, to, sizeof(to));
	printf("dpgram-client: sending %u datagrams to %s (%s backend)\n",
	       c->count, to, dpg_stack_backend(st));
	err = run(c, st, s);
	print_summary(c);
	dpg_close(s);
	if (app_close_stack(&c->app, st) < 0)
		err = -1;
	if (err < 0)
		return APP_EXIT_FAIL;
	return c->received == c->count && c->mismatched == 0 ? APP_EXIT_OK :
							       APP_EXIT_FAIL;
}

int main(int argc, char **argv)
{
	struct client c;
	int rc;

	memset(&c, 0, sizeof(c));
	app_init(&c.app, "dpgram-client", usage);
	c.count = 5;
	c.size = -1;
	c.interval_ms = 100;
	c.timeout_ms = 1000;
	parse_flags(&c, argc, argv);

	c.oldest = 1;
	c.expiry = 1;
	if (!alloc_state(&c)) {
		free_state(&c);
		return APP_EXIT_FAIL;
	}
	rc = client_main(&c);
	free_state(&c);
	return rc;
}
