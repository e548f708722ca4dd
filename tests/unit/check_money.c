/*
 * check_money.c: amounts in Chinese capital numerals (大写).
 */
#include <check.h>

#include "fq/text.h"

Suite *fq_money_suite(void);

static const struct {
	const char *in, *want;
} rows[] = {
	{ "0", "零元整" },
	{ "0.5", "伍角" },
	{ "0.05", "伍分" },
	{ "1", "壹元整" },
	{ "10", "壹拾元整" },
	{ "15", "壹拾伍元整" },
	{ "100", "壹佰元整" },
	{ "101", "壹佰零壹元整" },
	{ "110", "壹佰壹拾元整" },
	{ "1005.07", "壹仟零伍元零柒分" },
	{ "5000", "伍仟元整" },
	{ "8000.00", "捌仟元整" },
	{ "8000.50", "捌仟元伍角" },
	{ "8000.55", "捌仟元伍角伍分" },
	{ "10000", "壹万元整" },
	{ "10001", "壹万零壹元整" },
	{ "10100", "壹万零壹佰元整" },
	{ "12000", "壹万贰仟元整" },
	{ "100000", "壹拾万元整" },
	{ "1000000", "壹佰万元整" },
	{ "1002000", "壹佰万零贰仟元整" },
	{ "12342000", "壹仟贰佰叁拾肆万贰仟元整" },
	{ "10002000", "壹仟万零贰仟元整" },
	{ "100000000", "壹亿元整" },
	{ "100000001", "壹亿零壹元整" },
	{ "100010000", "壹亿零壹万元整" },
	{ "123456789.12", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分" },
	{ "200000000000", "贰仟亿元整" },
};

START_TEST(test_money_capital)
{
	struct fq_buf b = FQ_BUF_INIT;

	ck_assert_int_eq(fq_money_capital(&b, rows[_i].in), FQ_OK);
	ck_assert_str_eq(b.buf, rows[_i].want);
	fq_buf_release(&b);
}
END_TEST

START_TEST(test_money_capital_bad)
{
	static const char *const bad[] = {
		"", "-1", "1.234", "abc", "1,000", "1e5", "9999999999999999"
	};
	struct fq_buf b = FQ_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(fq_money_capital(&b, bad[i]), FQ_EUSAGE);
		ck_assert_uint_eq(b.len, 0);
	}
	fq_buf_release(&b);
}
END_TEST

START_TEST(test_html_str)
{
	struct fq_buf b = FQ_BUF_INIT;

	fq_html_str(&b, "<a href=\"x\">王&李</a>");
	ck_assert_str_eq(b.buf,
		"&lt;a href=&quot;x&quot;&gt;王&amp;李&lt;/a&gt;");
	fq_buf_release(&b);
}
END_TEST

static const struct {
	const char *in, *want;
	size_t n;
} texts[] = {
	{ "电话13800000001联系", "电话138****0001联系", 1 },
	{ "13800000001、13900000002", "138****0001、139****0002", 2 },
	{ "座机0394-5550001", "座机0394-***0001", 1 },
	{ "身份证411623196801011234号", "身份证4116**********1234号", 1 },
	{ "41162319680101123X", "4116**********123X", 1 },
	{ "QSZ-2024-000001 于2024-03-05 受理，金额8000.00元", 
	  "QSZ-2024-000001 于2024-03-05 受理，金额8000.00元", 0 },
	{ "138000000012", "138000000012", 0 },	/* 12 digits: not a phone */
	{ "23800000001", "23800000001", 0 },	/* mobiles start with 1 */
	{ "", "", 0 },
};

START_TEST(test_mask_text)
{
	struct fq_buf b = FQ_BUF_INIT;

	ck_assert_uint_eq(fq_mask_text(&b, texts[_i].in), texts[_i].n);
	ck_assert_str_eq(b.buf, texts[_i].want);
	fq_buf_release(&b);
}
END_TEST

Suite *
fq_money_suite(void)
{
	Suite *s = suite_create("money");
	TCase *t = tcase_create("capital");

	tcase_add_loop_test(t, test_money_capital, 0,
		(int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(t, test_money_capital_bad);
	tcase_add_test(t, test_html_str);
	tcase_add_loop_test(t, test_mask_text, 0,
		(int)(sizeof(texts) / sizeof(texts[0])));
	suite_add_tcase(s, t);
	return s;
}
