/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Code the dpgram programs share: flag parsing with one set of error
 * messages, signal handling, the monotonic clock, and the stats lines.
 *
 * The contract for every program (DESIGN.md §5): --backend, --config and
 * --help everywhere, --stats SECS on servers; bad flags print a message
 * naming the flag and what was expected and exit 2; runtime failures exit 1;
 * SIGINT/SIGTERM end the main loop so totals can be printed and exit is 0.
 */
#ifndef APPS_COMMON_H
#define APPS_COMMON_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <dpgram.h>

enum {
	APP_EXIT_OK = 0,
	APP_EXIT_FAIL = 1,   /* runtime failure, or a client that lost replies */
	APP_EXIT_USAGE = 2,  /* bad flags */
};

/* getopt_long codes of the shared flags; programs number theirs from
 * APP_OPT_PRIVATE so the two sets never collide. */
enum {
	APP_OPT_HELP = 'h',
	APP_OPT_BACKEND = 0x100,
	APP_OPT_CONFIG,
	APP_OPT_STATS,
	APP_OPT_PRIVATE = 0x200,
};

/* Put these in every program's long option table. */
#define APP_LONGOPTS_COMMON                                             \
	{ "backend", required_argument, NULL, APP_OPT_BACKEND },        \
	{ "config", required_argument, NULL, APP_OPT_CONFIG },          \
	{ "help", no_argument, NULL, APP_OPT_HELP }
/* And this in the table of programs that print interval stats. */
#define APP_LONGOPT_STATS \
	{ "stats", required_argument, NULL, APP_OPT_STATS }

/* What the shared flags set, plus the program's identity for messages. */
struct app {
	const char *prog;            /* "dpgram-echo": prefix of every message */
	const char *usage;           /* printed by --help */
	struct dpg_stack_config cfg; /* --backend, --config */
	unsigned stats_secs;         /* --stats; 0 = no interval lines */
};

/* Set by SIGINT/SIGTERM to the signal number; main loops stop on it. */
extern volatile sig_atomic_t app_stop;

/* Fill *app with defaults (kernel backend, no stats), make stdout line
 * buffered (scripts wait for lines through pipes) and install the handlers
 * for SIGINT/SIGTERM (without SA_RESTART, so a waiting poll returns). */
void app_init(struct app *app, const char *prog, const char *usage);

/*
 * getopt_long() that handles the shared flags itself and turns getopt's
 * complaints into our messages. Returns the next program-specific option
 * code (optarg set as usual), or -1 when the flags are done; positional
 * arguments are then argv[optind..argc). Never returns on a bad flag
 * (exit 2) or --help (exit 0).
 */
int app_getopt(struct app *app, int argc, char **argv,
	       const struct option *longopts);

/* Exit 2 unless every argument was a flag. */
void app_no_positional(struct app *app, int argc, char **argv);

/* Print "prog: <message>" and the --help hint to stderr, exit 2. */
void app_usage_error(const struct app *app, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Print "prog: <message>" to stderr (a runtime failure; caller exits 1). */
void app_error(const struct app *app, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Value parsers for flags: on a bad value they name the flag and the
 * expected form, then exit 2. */
uint64_t app_parse_uint(const struct app *app, const char *flag,
			const char *arg, uint64_t min, uint64_t max);
uint16_t app_parse_port(const struct app *app, const char *flag,
			const char *arg, bool allow_zero);
/* An IPv4 or IPv6 address without port ("127.0.0.1", "::", "[::1]",
 * "fe80::1%eth0"), with port set to port. */
void app_parse_addr(const struct app *app, const char *flag, const char *arg,
		    uint16_t port, struct sockaddr_storage *out);
/* "a.b.c.d:port" or "[v6addr]:port"; port 0 is refused. */
void app_parse_hostport(const struct app *app, const char *flag,
			const char *arg, struct sockaddr_storage *out);

/* Open the stack app->cfg describes. On failure prints one line saying
 * why (e.g. the dpdk backend not built yet) and returns the negative errno;
 * the caller exits 1. */
int app_open_stack(const struct app *app, struct dpg_stack **out);

/* "addr:port" of a socket's local address into buf (DPG_ADDRSTRLEN). */
int app_local_address(struct dpg_socket *s, char *buf, size_t len);

/* Monotonic time in microseconds. */
uint64_t app_now_us(void);

/* Counters a program reports per interval and in its totals. */
struct app_counters {
	uint64_t rx, tx, drops;
};

/* Interval stats: call app_ticker_tick() after every poll; it prints one
 * line when --stats SECS have passed. Does nothing if stats_secs is 0. */
struct app_ticker {
	uint64_t start_us, last_us;
	struct app_counters last;
};
void app_ticker_init(struct app_ticker *t);
void app_ticker_tick(const struct app *app, struct app_ticker *t,
		     const struct app_counters *now);

/* Print the stack's counters and every non-zero drop counter, by name. */
void app_print_stack_stats(struct dpg_stack *st, FILE *out);
/* Close the stack and release the backend; prints "PROG: mbuf leaks N" and
 * returns -1 (after an error message) if any packet buffer was missing. */
int app_close_stack(const struct app *app, struct dpg_stack *st);

#endif /* APPS_COMMON_H */
