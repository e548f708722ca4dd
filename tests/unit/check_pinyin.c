/*
 * check_pinyin.c: pinyin initials (lib/pinyin.c and the table generated
 * from rime-data-luna-pinyin at build time).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fq/pinyin.h"

Suite *fq_pinyin_suite(void);

START_TEST(test_pinyin_table)
{
	if (!fq_pinyin_available()) {
		fprintf(stderr, "check_pinyin: no table (rime-data-luna-pinyin "
			"missing at build time): skipped\n");
		return;
	}
	ck_assert_str_eq(fq_pinyin_initials(0x738B), "w");	/* 王 */
	ck_assert_str_eq(fq_pinyin_initials(0x660E), "m");	/* 明 */
	ck_assert_str_eq(fq_pinyin_initials(0x519B), "j");	/* 军 */
	ck_assert_ptr_nonnull(strchr(fq_pinyin_initials(0x957F), 'c'));	/* 长 */
	ck_assert_ptr_nonnull(strchr(fq_pinyin_initials(0x957F), 'z'));
	ck_assert_ptr_nonnull(strchr(fq_pinyin_initials(0x90BB), 'l'));	/* 邻 */
	ck_assert_ptr_null(fq_pinyin_initials('a'));
	ck_assert_ptr_null(fq_pinyin_initials(0x1F600));
	ck_assert_ptr_null(fq_pinyin_initials(0x4DFF));	/* a hexagram */
}
END_TEST

static const struct {
	const char *s, *abbr;
	bool want;
} matches[] = {
	{ "王明军", "wmj", true },
	{ "王明军", "WMJ", true },		/* any case */
	{ "王明军与李四宅基地纠纷", "wmj", true },
	{ "王明军与李四宅基地纠纷", "ls", true },	/* in the middle */
	{ "王明军与李四宅基地纠纷", "zjdjf", true },	/* at the end */
	{ "王明军与李四宅基地纠纷", "jf", true },
	{ "王明军", "mj", true },
	{ "王明军", "wj", false },		/* a run, not a subsequence */
	{ "王明军", "wmjx", false },	/* longer than the text */
	{ "王明军", "xyz", false },
	{ "长江", "cj", true },		/* 长 chang */
	{ "长江", "zj", true },		/* 长 zhang */
	{ "A村王某", "acw", true },		/* an ASCII letter stands for itself */
	{ "'王明军'", "wmj", true },	/* quoted in the YAML */
	{ "王明军", "", false },
	{ "王明军", "w1", false },		/* letters only */
	{ "王明军", "王", false },
	{ "", "w", false },
	{ "\xff\xfe王", "w", true },	/* invalid bytes skipped */
	{ "\xe7\x8e", "w", false },		/* a cut character */
};

START_TEST(test_pinyin_match)
{
	if (!fq_pinyin_available())
		return;
	ck_assert_msg(fq_pinyin_match(matches[_i].s, matches[_i].abbr) ==
		matches[_i].want, "fq_pinyin_match(\"%s\", \"%s\") != %d",
		matches[_i].s, matches[_i].abbr, matches[_i].want);
}
END_TEST

START_TEST(test_pinyin_word)
{
	ck_assert(fq_pinyin_word("wmj"));
	ck_assert(fq_pinyin_word("LJJF"));
	ck_assert(!fq_pinyin_word(""));
	ck_assert(!fq_pinyin_word("w-m"));
	ck_assert(!fq_pinyin_word("王"));
	ck_assert(!fq_pinyin_word("abcdefghijklmnopqrstuvwxyzabcdefg"));	/* 33 */
	ck_assert(fq_pinyin_word("abcdefghijklmnopqrstuvwxyzabcdef"));	/* 32 */
}
END_TEST

Suite *
fq_pinyin_suite(void)
{
	Suite *s = suite_create("pinyin");
	TCase *tc = tcase_create("pinyin");

	tcase_add_test(tc, test_pinyin_table);
	tcase_add_loop_test(tc, test_pinyin_match, 0,
		(int)(sizeof(matches) / sizeof(matches[0])));
	tcase_add_test(tc, test_pinyin_word);
	suite_add_tcase(s, tc);
	return s;
}
