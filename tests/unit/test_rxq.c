/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests: the pull-mode receive ring (lib/sock/rxq.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "sock/rxq.h"

static struct dpg_rinfo ri_port(uint16_t port)
{
	struct dpg_rinfo ri = { .ifindex = port };

	((struct sockaddr_in *)&ri.from)->sin_family = AF_INET;
	((struct sockaddr_in *)&ri.from)->sin_port = htons(port);
	return ri;
}

static void push_n(struct rxq *q, unsigned first, unsigned n, size_t len)
{
	unsigned char buf[2048];

	for (unsigned i = first; i < first + n; i++) {
		struct dpg_rinfo ri = ri_port((uint16_t)i);

		memset(buf, (int)(i & 0xff), len);
		assert_int_equal(rxq_push(q, buf, len, &ri), 0);
	}
}

static void pop_expect(struct rxq *q, unsigned first, unsigned n, size_t len)
{
	unsigned char buf[2048];

	for (unsigned i = first; i < first + n; i++) {
		struct dpg_rmsg m = { .buf = buf, .cap = sizeof(buf) };

		assert_int_equal(rxq_pop(q, &m, 1), 1);
		assert_int_equal(m.len, len);
		assert_int_equal(m.flags, 0);
		assert_int_equal(ntohs(((struct sockaddr_in *)&m.from)->sin_port), i);
		if (len > 0) {
			assert_int_equal(buf[0], i & 0xff);
			assert_int_equal(buf[len - 1], i & 0xff);
		}
	}
}

static void test_fifo(void **state)
{
	struct rxq q = { 0 };

	(void)state;
	rxq_set_limit(&q, 8192);
	push_n(&q, 1, 5, 100);
	assert_int_equal(q.count, 5);
	pop_expect(&q, 1, 5, 100);
	assert_int_equal(q.count, 0);
	assert_int_equal(q.used, 0);
	rxq_free(&q);
}

static void test_bound(void **state)
{
	struct rxq q = { 0 };
	unsigned char buf[1000] = { 0 };
	struct dpg_rinfo ri = ri_port(1);
	unsigned ok = 0;

	(void)state;
	rxq_set_limit(&q, 4096);
	for (int i = 0; i < 10; i++)
		if (rxq_push(&q, buf, sizeof(buf), &ri) == 0)
			ok++;
	assert_int_equal(ok, 4096 / rxq_record_size(sizeof(buf)));
	assert_true(q.used <= q.limit);
	rxq_free(&q);
}

static void test_wraps_many_times(void **state)
{
	struct rxq q = { 0 };
	unsigned next_in = 0, next_out = 0;

	(void)state;
	rxq_set_limit(&q, 3000);
	/* Sizes not dividing the ring force gaps and wraps at varied offsets. */
	for (int round = 0; round < 500; round++) {
		size_t len = (size_t)(round * 37) % 700;

		push_n(&q, next_in, 2, len);
		next_in += 2;
		pop_expect(&q, next_out, 2, len);
		next_out += 2;
	}
	assert_int_equal(q.count, 0);
	rxq_free(&q);
}

static void test_interleaved_full(void **state)
{
	struct rxq q = { 0 };
	unsigned char buf[512] = { 0 };
	struct dpg_rinfo ri = ri_port(9);
	unsigned char out[512];
	unsigned pushed = 0, popped = 0;

	(void)state;
	rxq_set_limit(&q, 5000);
	for (int i = 0; i < 2000; i++) {
		if (rxq_push(&q, buf, (size_t)(i % 500), &ri) == 0)
			pushed++;
		if (i % 3 == 0) {
			struct dpg_rmsg m = { .buf = out, .cap = sizeof(out) };

			popped += rxq_pop(&q, &m, 1);
		}
		assert_true(q.used <= q.limit);
	}
	while (q.count > 0) {
		struct dpg_rmsg m = { .buf = out, .cap = sizeof(out) };

		popped += rxq_pop(&q, &m, 1);
	}
	assert_int_equal(pushed, popped);
	rxq_free(&q);
}

static void test_truncation(void **state)
{
	struct rxq q = { 0 };
	unsigned char out[10];
	struct dpg_rmsg m = { .buf = out, .cap = sizeof(out) };

	(void)state;
	rxq_set_limit(&q, 8192);
	push_n(&q, 7, 1, 100);
	assert_int_equal(rxq_pop(&q, &m, 1), 1);
	assert_int_equal(m.len, 10);
	assert_int_equal(m.flags, DPG_RMSG_TRUNC);
	assert_int_equal(out[9], 7);
	rxq_free(&q);
}

static void test_grow_keeps_order(void **state)
{
	struct rxq q = { 0 };

	(void)state;
	rxq_set_limit(&q, 2048);
	push_n(&q, 1, 2, 300);
	rxq_set_limit(&q, 65536);
	push_n(&q, 3, 20, 300);
	pop_expect(&q, 1, 22, 300);
	rxq_free(&q);
}

static void test_too_big_for_limit(void **state)
{
	struct rxq q = { 0 };
	unsigned char buf[2000] = { 0 };
	struct dpg_rinfo ri = ri_port(1);

	(void)state;
	rxq_set_limit(&q, 1024);
	assert_int_equal(rxq_push(&q, buf, sizeof(buf), &ri), -ENOBUFS);
	assert_int_equal(q.count, 0);
	rxq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_wraps_many_times),
		cmocka_unit_test(test_interleaved_full),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_grow_keeps_order),
		cmocka_unit_test(test_too_big_for_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
