/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests: the per-socket membership set (lib/sock/mship.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "sock/mship.h"

static struct mship m4(const char *group, const char *source, unsigned ifindex)
{
	struct mship m;

	memset(&m, 0, sizeof(m));
	((struct sockaddr_in *)&m.group)->sin_family = AF_INET;
	inet_pton(AF_INET, group, &((struct sockaddr_in *)&m.group)->sin_addr);
	if (source != NULL) {
		((struct sockaddr_in *)&m.source)->sin_family = AF_INET;
		inet_pton(AF_INET, source, &((struct sockaddr_in *)&m.source)->sin_addr);
		m.has_source = true;
	}
	m.ifindex = ifindex;
	return m;
}

static void test_find_exact(void **state)
{
	struct mship_set set = { 0 };
	struct mship a = m4("239.1.1.1", NULL, 2), b = m4("239.1.1.1", NULL, 3);

	(void)state;
	assert_int_equal(mship_find(&set, &a, false), -1);
	assert_int_equal(mship_add(&set, &a), 0);
	assert_int_equal(mship_add(&set, &b), 0);
	assert_int_equal(mship_find(&set, &a, false), 0);
	assert_int_equal(mship_find(&set, &b, false), 1);
	mship_free(&set);
}

static void test_find_any_interface(void **state)
{
	struct mship_set set = { 0 };
	struct mship on3 = m4("239.1.1.1", NULL, 3), any = m4("239.1.1.1", NULL, 0);

	(void)state;
	mship_add(&set, &on3);
	assert_int_equal(mship_find(&set, &any, false), -1);
	assert_int_equal(mship_find(&set, &any, true), 0);
	mship_free(&set);
}

static void test_sources_are_distinct(void **state)
{
	struct mship_set set = { 0 };
	struct mship s1 = m4("232.1.1.1", "198.18.0.1", 2);
	struct mship s2 = m4("232.1.1.1", "198.18.0.2", 2);
	struct mship asm_ = m4("232.1.1.1", NULL, 2);

	(void)state;
	mship_add(&set, &s1);
	assert_int_equal(mship_find(&set, &s2, false), -1);
	assert_int_equal(mship_find(&set, &asm_, false), -1);
	assert_true(mship_has_ssm(&set, &asm_));
	assert_false(mship_has_asm(&set, &s2));
	mship_add(&set, &asm_);
	assert_true(mship_has_asm(&set, &s2));
	mship_free(&set);
}

static void test_remove_and_grow(void **state)
{
	struct mship_set set = { 0 };
	char group[32];

	(void)state;
	for (int i = 0; i < 100; i++) {
		struct mship m;

		snprintf(group, sizeof(group), "239.0.%d.%d", i / 250, i % 250);
		m = m4(group, NULL, 1);
		assert_int_equal(mship_add(&set, &m), 0);
	}
	assert_int_equal(set.n, 100);
	for (int i = 99; i >= 0; i -= 2)
		mship_remove(&set, (unsigned)i);
	assert_int_equal(set.n, 50);
	mship_remove(&set, 1000); /* out of range: ignored */
	assert_int_equal(set.n, 50);
	mship_free(&set);
	assert_int_equal(set.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_exact),
		cmocka_unit_test(test_find_any_interface),
		cmocka_unit_test(test_sources_are_distinct),
		cmocka_unit_test(test_remove_and_grow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
