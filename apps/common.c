/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Shared code of the dpgram programs; see common.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"

volatile sig_atomic_t app_stop;

static void on_signal(int signo)
{
	app_stop = signo;
}

/* No SA_RESTART: a poll waiting in epoll_wait() returns at once, so the
 * program stops without waiting out its poll timeout. */
static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A reader that went away (`| head`) must not kill a server before
	 * it can close its stack. */
	signal(SIGPIPE, SIG_IGN);
}

void app_init(struct app *app, const char *prog, const char *usage)
{
	memset(app, 0, sizeof(*app));
	app->prog = prog;
	app->usage = usage;
	app->cfg.backend = "kernel";
	/* Scripts wait for "listening on" and per-datagram lines through a
	 * pipe, where stdio would otherwise hold them back. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	install_signals();
}

static void vmessage(const struct app *app, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", app->prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void app_error(const struct app *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(app, fmt, ap);
	va_end(ap);
}

void app_usage_error(const struct app *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(app, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for usage.\n", app->prog);
	exit(APP_EXIT_USAGE);
}

/* The text of the flag getopt just rejected: argv holds the long form
 * ("--frobnicate" or "--port=x"); a short one is only known by optopt. */
static const char *bad_flag(char **argv, char *shortbuf)
{
	const char *word = argv[optind - 1];

	if (strncmp(word, "--", 2) == 0 || optopt == 0 || optopt >= 0x100)
		return word;
	shortbuf[0] = '-';
	shortbuf[1] = (char)optopt;
	shortbuf[2] = '\0';
	return shortbuf;
}

static void set_backend(struct app *app, const char *arg)
{
	if (strcmp(arg, "kernel") != 0 && strcmp(arg, "dpdk") != 0)
		app_usage_error(app, "--backend: expected kernel or dpdk, got '%s'",
				arg);
	app->cfg.backend = arg;
}

/* Checked here rather than left to dpg_stack_open() so a typo is a usage
 * error (exit 2) that names the flag, like every other bad flag. */
static void set_config(struct app *app, const char *arg)
{
	FILE *f = fopen(arg, "r");

	if (f == NULL)
		app_usage_error(app, "--config: cannot read '%s' (%s)", arg,
				strerror(errno));
	fclose(f);
	app->cfg.config_file = arg;
}

/* Returns true when opt was one of the shared flags (and handles it). */
static bool common_opt(struct app *app, int opt, const char *arg)
{
	switch (opt) {
	case APP_OPT_HELP:
		fputs(app->usage, stdout);
		exit(APP_EXIT_OK);
	case APP_OPT_BACKEND:
		set_backend(app, arg);
		return true;
	case APP_OPT_CONFIG:
		set_config(app, arg);
		return true;
	case APP_OPT_STATS:
		app->stats_secs = (unsigned)app_parse_uint(app, "--stats", arg,
							   1, 86400);
		return true;
	default:
		return false;
	}
}

int app_getopt(struct app *app, int argc, char **argv,
	       const struct option *longopts)
{
	char shortbuf[3];
	int opt;

	opterr = 0; /* our messages, not getopt's */
	for (;;) {
		opt = getopt_long(argc, argv, ":h", longopts, NULL);
		/* getopt also says '?' for a value given to a flag that takes
		 * none ("--help=x"); it then knows the flag (optopt). */
		if (opt == '?' && optopt != 0 && strchr(argv[optind - 1], '='))
			app_usage_error(app, "'%s': this flag takes no value",
					argv[optind - 1]);
		if (opt == '?')
			app_usage_error(app, "unknown or ambiguous flag '%s'",
					bad_flag(argv, shortbuf));
		if (opt == ':')
			app_usage_error(app, "%s: missing value",
					bad_flag(argv, shortbuf));
		if (!common_opt(app, opt, optarg))
			return opt;
	}
}

void app_no_positional(struct app *app, int argc, char **argv)
{
	if (optind < argc)
		app_usage_error(app, "unexpected argument '%s'", argv[optind]);
}

/* Decimal digits only, within [min, max]: strtoull() alone would accept
 * " 5", "-1" (as a huge number) and "5x". */
static bool parse_u64(const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (arg[0] < '0' || arg[0] > '9')
		return false;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

uint64_t app_parse_uint(const struct app *app, const char *flag,
			const char *arg, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (!parse_u64(arg, min, max, &v))
		app_usage_error(app, "%s: expected an integer from %" PRIu64
				" to %" PRIu64 ", got '%s'", flag, min, max, arg);
	return v;
}

uint16_t app_parse_port(const struct app *app, const char *flag,
			const char *arg, bool allow_zero)
{
	uint64_t v;

	if (parse_u64(arg, allow_zero ? 0 : 1, 65535, &v))
		return (uint16_t)v;
	if (allow_zero)
		app_usage_error(app, "%s: expected a port number from 0 (any free port) to 65535, got '%s'",
				flag, arg);
	app_usage_error(app, "%s: expected a port number from 1 to 65535, got '%s'",
			flag, arg);
}

/* Parse host (already without brackets) as IPv4, then IPv6. */
static bool parse_host(const char *host, uint16_t port,
		       struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	/* Both parsers read "" as the wildcard; on a command line it is a
	 * mistake (an unset shell variable), not a request for 0.0.0.0. */
	if (host[0] == '\0')
		return false;
	if (dpg_ip4_addr(host, port, (struct sockaddr_in *)out) == 0)
		return true;
	return dpg_ip6_addr(host, port, (struct sockaddr_in6 *)out) == 0;
}

/* Copy "[inner]" or "inner" into buf without the brackets. */
static bool strip_brackets(const char *arg, char *buf, size_t len)
{
	size_t n = strlen(arg);

	if (n >= 2 && arg[0] == '[' && arg[n - 1] == ']') {
		arg++;
		n -= 2;
	}
	if (n >= len)
		return false;
	memcpy(buf, arg, n);
	buf[n] = '\0';
	return true;
}

void app_parse_addr(const struct app *app, const char *flag, const char *arg,
		    uint16_t port, struct sockaddr_storage *out)
{
	char host[DPG_ADDRSTRLEN];

	if (!strip_brackets(arg, host, sizeof(host)) ||
	    !parse_host(host, port, out))
		app_usage_error(app, "%s: expected an IPv4 or IPv6 address (such as 127.0.0.1, 0.0.0.0, ::1 or ::), got '%s'",
				flag, arg);
}

void app_parse_hostport(const struct app *app, const char *flag,
			const char *arg, struct sockaddr_storage *out)
{
	char host[DPG_ADDRSTRLEN];
	const char *colon, *portstr;
	size_t hlen;

	if (arg[0] == '[') {
		colon = strstr(arg, "]:");
		if (colon == NULL)
			goto bad;
		arg++;
		hlen = (size_t)(colon - arg);
		portstr = colon + 2;
	} else {
		colon = strrchr(arg, ':');
		/* More than one colon is an IPv6 address without brackets:
		 * which colon starts the port would be a guess. */
		if (colon == NULL || memchr(arg, ':', (size_t)(colon - arg)))
			goto bad;
		hlen = (size_t)(colon - arg);
		portstr = colon + 1;
	}
	if (hlen >= sizeof(host))
		goto bad;
	memcpy(host, arg, hlen);
	host[hlen] = '\0';
	if (!parse_host(host, app_parse_port(app, flag, portstr, false), out))
		goto bad;
	return;
bad:
	app_usage_error(app, "%s: expected ADDR:PORT such as 127.0.0.1:7007 or [::1]:7007, got '%s'",
			flag, arg);
}

int app_open_stack(const struct app *app, struct dpg_stack **out)
{
	int err = dpg_stack_open(&app->cfg, out);

	if (err == -ENOTSUP)
		app_error(app, "the %s backend is not built yet (dpg_stack_open: %s)",
			  app->cfg.backend, dpg_strerror(err));
	else if (err < 0)
		app_error(app, "cannot open the %s backend (dpg_stack_open: %s)",
			  app->cfg.backend, dpg_strerror(err));
	return err;
}

int app_local_address(struct dpg_socket *s, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	int err = dpg_address(s, &ss);

	if (err < 0)
		return err;
	return dpg_addr_format((struct sockaddr *)&ss, buf, len);
}

uint64_t app_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void app_ticker_init(struct app_ticker *t)
{
	memset(t, 0, sizeof(*t));
	t->start_us = t->last_us = app_now_us();
}

void app_ticker_tick(const struct app *app, struct app_ticker *t,
		     const struct app_counters *now)
{
	uint64_t us = app_now_us();
	double secs;

	if (app->stats_secs == 0 ||
	    us - t->last_us < (uint64_t)app->stats_secs * 1000000u)
		return;
	secs = (double)(us - t->last_us) / 1e6;
	printf("stats: t=%.1fs rx %" PRIu64 " tx %" PRIu64 " drops %" PRIu64
	       " rate %.0f rx/s %.0f tx/s\n",
	       (double)(us - t->start_us) / 1e6, now->rx - t->last.rx,
	       now->tx - t->last.tx, now->drops - t->last.drops,
	       (double)(now->rx - t->last.rx) / secs,
	       (double)(now->tx - t->last.tx) / secs);
	t->last_us = us;
	t->last = *now;
}

void app_print_stack_stats(struct dpg_stack *st, FILE *out)
{
	struct dpg_stats s;
	unsigned i;

	if (dpg_stack_stats(st, &s) < 0)
		return;
	fprintf(out, "stack: rx %" PRIu64 " datagrams %" PRIu64 " bytes, tx %"
		PRIu64 " datagrams %" PRIu64 " bytes, tx_eagain %" PRIu64
		", drain %" PRIu64 ", icmp_errors %" PRIu64 "\n",
		s.rx_packets, s.rx_bytes, s.tx_packets, s.tx_bytes,
		s.tx_eagain, s.drain_events, s.icmp_errors);
	fprintf(out, "stack: arp requests %" PRIu64 ", arp replies %" PRIu64
		", icmp echo replies %" PRIu64 "\n",
		s.arp_requests, s.arp_replies, s.icmp_echo_replies);
	fprintf(out, "stack: nd solicits %" PRIu64 ", nd adverts %" PRIu64
		", dad conflicts %" PRIu64 "\n",
		s.nd_solicits, s.nd_adverts, s.dad_conflicts);
	fprintf(out, "stack: igmp reports %" PRIu64 ", igmp queries %" PRIu64
		", mld reports %" PRIu64 ", mld queries %" PRIu64 "\n",
		s.igmp_reports, s.igmp_queries, s.mld_reports, s.mld_queries);
	for (i = 0; i < DPG_DROP_MAX; i++)
		if (s.drops[i] != 0)
			fprintf(out, "stack drop %s: %" PRIu64 " (%s)\n",
				dpg_drop_name(i), s.drops[i],
				dpg_drop_description(i));
}

int app_close_stack(const struct app *app, struct dpg_stack *st)
{
	const char *backend = dpg_stack_backend(st);
	bool pools = backend != NULL && strcmp(backend, "dpdk") == 0;
	uint64_t leaks;

	dpg_stack_close(st);
	dpg_shutdown();
	leaks = dpg_mbuf_leaks();
	if (pools) /* only the dpdk backend has packet-buffer pools */
		printf("%s: mbuf leaks %" PRIu64 "\n", app->prog, leaks);
	if (leaks == 0)
		return 0;
	app_error(app, "%" PRIu64 " packet buffers were not back in their pool", leaks);
	return -1;
}
