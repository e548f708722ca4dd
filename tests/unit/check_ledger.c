/*
 * check_ledger.c: unit tests for the ledger cell parsers (fq/ledger.h).
 *
 * The tables hold every example of DOMAIN.md §4.1 (the cells of header
 * sets A to D), §4.3 (messy inputs) and every row of the §4.4 date table,
 * plus edge cases.  Each table is run with tcase_add_loop_test, one test
 * per row, and each row asserts the whole result, not just the return
 * code.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fq/ledger.h"

Suite *fq_ledger_suite(void);

#define N_(a) ((int)(sizeof(a) / sizeof((a)[0])))

/*
 * Normalisation
 */

static const struct {
	const char *in, *out;
} normalize_cases[] = {
	{ "２０２４年３月１８日", "2024年3月18日" },
	{ "　王某　", "王某" },
	{ "  a  b \t\r\n", "a  b" },
	{ "ＡＢＣ　１２３", "ABC 123" },
	{ "（法定代表人：王五）", "(法定代表人:王五)" },
	{ "１３８００００００01", "13800000001" },
	{ "～！＃＝", "~!#=" },
	{ "\xEF\xBB\xBF案件编号", "案件编号" },	/* BOM */
	{ "王\xE2\x80\x8B某", "王某" },		/* zero-width space */
	{ "a\xC2\xA0" "b", "a b" },			/* no-break space */
	{ "、，。", "、,。" },		/* only U+FF01-FF5E change */
	{ "", "" },
	{ "   ", "" },
	{ "\xFF\xFE" "a", "\xFF\xFE" "a" },	/* invalid bytes kept */
	{ "王\xE4\xB8", "王\xE4\xB8" },		/* truncated sequence */
};

START_TEST(test_ledger_normalize)
{
	struct fq_buf b = FQ_BUF_INIT;

	fq_ledger_normalize(&b, normalize_cases[_i].in);
	ck_assert_str_eq(b.buf, normalize_cases[_i].out);
	ck_assert_uint_eq(b.len, strlen(normalize_cases[_i].out));
	fq_buf_release(&b);
}
END_TEST

START_TEST(test_ledger_normalize_appends)
{
	struct fq_buf b = FQ_BUF_INIT;

	fq_ledger_normalize(&b, " ２０２４ ");
	fq_ledger_normalize(&b, "年");
	fq_ledger_normalize(&b, NULL);
	ck_assert_str_eq(b.buf, "2024年");
	fq_buf_release(&b);
}
END_TEST

/* Every header of §4.1 sets A to D and the §4.2 examples. */
static const struct {
	const char *in, *key;
} header_cases[] = {
	/* A */
	{ "序号", "序号" }, { "受理日期", "受理日期" }, { "当事人", "当事人" },
	{ "性别", "性别" }, { "年龄", "年龄" }, { "住址", "住址" },
	{ "联系电话", "联系电话" }, { "纠纷类型", "纠纷类型" },
	{ "纠纷简要情况", "纠纷简要情况" }, { "案件来源", "案件来源" },
	{ "调解员", "调解员" }, { "调解日期", "调解日期" },
	{ "调解结果", "调解结果" }, { "协议履行情况", "协议履行情况" },
	{ "回访情况", "回访情况" },
	/* B */
	{ "排查时间", "排查时间" }, { "所属村（社区）", "所属村" },
	{ "网格", "网格" }, { "矛盾纠纷类别", "矛盾纠纷类别" },
	{ "姓名", "姓名" }, { "联系方式", "联系方式" },
	{ "涉及人数", "涉及人数" }, { "基本情况", "基本情况" },
	{ "风险等级", "风险等级" }, { "包案领导", "包案领导" },
	{ "责任单位", "责任单位" }, { "化解措施（一案一策）", "化解措施" },
	{ "化解时限", "化解时限" }, { "化解情况", "化解情况" },
	{ "是否销号", "是否销号" }, { "销号时间", "销号时间" },
	{ "当事人/姓名", "当事人/姓名" },
	/* C */
	{ "\xEF\xBB\xBF案件编号", "案件编号" }, { "申请人", "申请人" },
	{ "申请人证件号码", "申请人证件号码" }, { "申请人电话", "申请人电话" },
	{ "被申请人", "被申请人" }, { "被申请人电话", "被申请人电话" },
	{ "调解组织", "调解组织" }, { "调解状态", "调解状态" },
	{ "协议金额(元)", "协议金额" }, { "是否司法确认", "是否司法确认" },
	{ "结案日期", "结案日期" },
	/* D */
	{ "申请人*", "申请人" }, { "被申请人*", "被申请人" },
	{ "案由*", "案由" },
	{ "受理时间*", "受理时间" }, { "承办人员*", "承办人员" },
	{ "适用程序*", "适用程序" }, { "结案时间*", "结案时间" },
	{ "结案方式*", "结案方式" }, { "案号*", "案号" },
	/* §4.2 and odd spellings */
	{ "No", "no" }, { "NO.", "no." }, { "ｎｏ", "no" },
	{ "受理\n时间", "受理时间" }, { " 受 理 时 间 ", "受理时间" },
	{ "＊受理时间", "受理时间" }, { "村（社区）", "村" },
	{ "金额【必填】(元)", "金额" }, { "金额(元", "金额(元" },
	{ "所属村（社区(居)）", "所属村" }, { "　序号\r\n", "序号" },
	{ "", "" },
};

START_TEST(test_ledger_header_key)
{
	struct fq_buf b = FQ_BUF_INIT;

	fq_ledger_header_key(&b, header_cases[_i].in);
	ck_assert_str_eq(b.buf, header_cases[_i].key);
	fq_buf_release(&b);
}
END_TEST

/*
 * Ditto marks and placeholders
 */

static const struct {
	const char *raw;
	bool ditto, placeholder;
} mark_cases[] = {
	{ "同上", true, false }, { "〃", true, false }, { "\"", true, false },
	{ "同左", true, false }, { "-", true, true }, { " 同上 ", true, false },
	{ "〃〃", true, false }, { "“", true, false }, { "仝上", true, false },
	{ "无", false, true }, { "不详", false, true }, { "/", false, true },
	{ "拒绝提供", false, true }, { "", false, true },
	{ "   ", false, true },
	{ "　", false, true }, { "－", true, true }, { "／", false, true },
	{ "暂无", false, true }, { "——", false, true },
	{ "王某", false, false }, { "同上午", false, false },
	{ "无锡", false, false }, { "--x", false, false },
};

START_TEST(test_ledger_marks)
{
	ck_assert(fq_ledger_is_ditto(mark_cases[_i].raw) ==
		mark_cases[_i].ditto);
	ck_assert(fq_ledger_is_placeholder(mark_cases[_i].raw) ==
		mark_cases[_i].placeholder);
}
END_TEST

/* Test: fq_ledger_may_be_ditto is true of every ditto mark, however
 * spaced (full-width, ideographic and zero-width spaces, NBSP) or
 * written (full-width "), and false of cells with any other character. */
static const struct {
	const char *raw;
	bool may;
} may_cases[] = {
	{ "\xE3\x80\x80同上\xE2\x80\x8B", true }, { "\xEF\xBB\xBF〃 〃", true },
	{ "\xC2\xA0“”〞", true }, { "＂", true }, { "同\t前", true },
	{ "－", true }, { "", true }, { "上同左", true },
	{ "王某", false }, { "同上午", false }, { "2024-03-09", false },
	{ "〃x", false }, { "/", false }, { "＂a", false }, { "——", false },
};

START_TEST(test_ledger_may_be_ditto)
{
	size_t i;

	for (i = 0; i < sizeof(mark_cases) / sizeof(mark_cases[0]); i++)
		if (mark_cases[i].ditto)
			ck_assert_msg(fq_ledger_may_be_ditto(mark_cases[i].raw),
				"'%s'", mark_cases[i].raw);
	for (i = 0; i < sizeof(may_cases) / sizeof(may_cases[0]); i++) {
		ck_assert_msg(fq_ledger_may_be_ditto(may_cases[i].raw) ==
			may_cases[i].may, "'%s'", may_cases[i].raw);
		if (!may_cases[i].may)
			ck_assert(!fq_ledger_is_ditto(may_cases[i].raw));
	}
	ck_assert(fq_ledger_is_ditto("\xE3\x80\x80同上\xE2\x80\x8B"));
	ck_assert(fq_ledger_is_ditto("\xEF\xBB\xBF〃〃"));
	ck_assert(fq_ledger_is_ditto("＂"));
	ck_assert(fq_ledger_may_be_ditto(NULL));
}
END_TEST

START_TEST(test_ledger_marks_null)
{
	ck_assert(!fq_ledger_is_ditto(NULL));
	ck_assert(fq_ledger_is_placeholder(NULL));
}
END_TEST

/*
 * Dates
 */

enum {
	DF_INFERRED = 1 << 0,
	DF_MONTH = 1 << 1,
	DF_TIME = 1 << 2,
	DF_DITTO = 1 << 3,
	DF_NULL = 1 << 4,
	DF_RANGE = 1 << 5,
	DF_END = 1 << 6
};

/* Contexts: default year 2024, this year 2024, date column unless NC. */
#define DC 2024, 2024, true
#define NC 2024, 2024, false
#define NOYEAR 0, 2024, true

static const struct date_case {
	const char *raw;
	int default_year, current_year;
	bool date_column;
	int rc;
	const char *iso;	/* "" when there is no date */
	unsigned flags;
	int hour, minute;	/* with DF_TIME */
	const char *end_iso;	/* with DF_END */
	const char *end_note;	/* with DF_RANGE */
	const char *msg;	/* the error message starts with this */
} date_cases[] = {
	/* §4.4, row by row */
	{ "2024-03-05", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "2024-3-5", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "2024/3/5", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "2024/03/05", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "2024.3.5", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "2024.03.05", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "2024年3月5日", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "2024年03月05日", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "２０２４年３月５日", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL,
		NULL },
	{ "二〇二四年三月五日", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL,
		NULL },
	{ "2024年三月五日", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "24.3.5", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "24/3/5", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "20240305", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "3月5日", DC, 0, "2024-03-05", DF_INFERRED, 0, 0, NULL, NULL, NULL },
	{ "3.5", DC, 0, "2024-03-05", DF_INFERRED, 0, 0, NULL, NULL, NULL },
	{ "3-5", DC, 0, "2024-03-05", DF_INFERRED, 0, 0, NULL, NULL, NULL },
	{ "3/5", DC, 0, "2024-03-05", DF_INFERRED, 0, 0, NULL, NULL, NULL },
	{ "45356", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "2024-03-05 14:30", DC, 0, "2024-03-05", DF_TIME, 14, 30, NULL,
		NULL, NULL },
	{ "2024/3/5 下午2:30", DC, 0, "2024-03-05", DF_TIME, 14, 30, NULL,
		NULL, NULL },
	{ "2024年3月", DC, 0, "2024-03-01", DF_MONTH, 0, 0, NULL, NULL, NULL },
	{ "2024.3", DC, 0, "2024-03-01", DF_MONTH, 0, 0, NULL, NULL, NULL },
	{ "3月5日-3月8日", DC, 0, "2024-03-05",
		DF_INFERRED | DF_RANGE | DF_END, 0, 0, "2024-03-08", "3月8日",
		NULL },
	{ "3.5至3.8", DC, 0, "2024-03-05", DF_INFERRED | DF_RANGE | DF_END,
		0, 0, "2024-03-08", "3.8", NULL },
	{ "同上", DC, 0, "", DF_DITTO, 0, 0, NULL, NULL, NULL },
	{ "〃", DC, 0, "", DF_DITTO, 0, 0, NULL, NULL, NULL },
	{ "已结", DC, 0, "", DF_NULL, 0, 0, NULL, NULL, NULL },
	{ "未结", DC, 0, "", DF_NULL, 0, 0, NULL, NULL, NULL },
	{ "/", DC, 0, "", DF_NULL, 0, 0, NULL, NULL, NULL },
	{ "无", DC, 0, "", DF_NULL, 0, 0, NULL, NULL, NULL },
	{ "", DC, 0, "", DF_NULL, 0, 0, NULL, NULL, NULL },
	{ "2024.13.5", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "invalid date" },
	{ "2月30日", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "invalid date" },

	/* §4.4 rules: year absent, two-digit years, columns */
	{ "3月5日", NOYEAR, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"ambiguous: no year" },
	{ "3.5", NOYEAR, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"ambiguous: no year" },
	{ "3月5日-3月8日", NOYEAR, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"ambiguous: no year" },
	{ "2024年3月5日", NOYEAR, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "3.5", NC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "not a date" },
	{ "45356", NC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "not a date" },
	{ "3-5", NC, 0, "2024-03-05", DF_INFERRED, 0, 0, NULL, NULL, NULL },
	{ "2024.3.5", NC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "25.3.5", DC, 0, "2025-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "26.3.5", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"two-digit year" },
	{ "99.3.5", 2024, 0, true, 0, "2099-03-05", 0, 0, 0, NULL, NULL,
		NULL },
	{ "29999", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "not a date" },
	{ "60001", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "not a date" },
	{ "30000", DC, 0, "1982-02-18", 0, 0, 0, NULL, NULL, NULL },
	{ "60000", DC, 0, "2064-04-08", 0, 0, 0, NULL, NULL, NULL },
	{ "45351", DC, 0, "2024-02-29", 0, 0, 0, NULL, NULL, NULL },
	{ "45356.5", DC, 0, "2024-03-05", DF_TIME, 12, 0, NULL, NULL, NULL },
	{ "45356.0", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },

	/* the date cells of §4.1 (A, B, C) */
	{ "2024.3.8", DC, 0, "2024-03-08", 0, 0, 0, NULL, NULL, NULL },
	{ "2024.3.7", DC, 0, "2024-03-07", 0, 0, 0, NULL, NULL, NULL },
	{ "3.9", DC, 0, "2024-03-09", DF_INFERRED, 0, 0, NULL, NULL, NULL },
	{ "3月12日", DC, 0, "2024-03-12", DF_INFERRED, 0, 0, NULL, NULL, NULL },
	{ "２０２４年３月１８日", DC, 0, "2024-03-18", 0, 0, 0, NULL, NULL,
		NULL },
	{ "2024-03-19", DC, 0, "2024-03-19", 0, 0, 0, NULL, NULL, NULL },
	{ "2024年3月31日", DC, 0, "2024-03-31", 0, 0, 0, NULL, NULL, NULL },
	{ "2024/3/2", DC, 0, "2024-03-02", 0, 0, 0, NULL, NULL, NULL },
	{ "2024/3/10", DC, 0, "2024-03-10", 0, 0, 0, NULL, NULL, NULL },
	{ "45361", DC, 0, "2024-03-10", 0, 0, 0, NULL, NULL, NULL },
	{ "3.8", DC, 0, "2024-03-08", DF_INFERRED, 0, 0, NULL, NULL, NULL },
	{ "2024.4.10", DC, 0, "2024-04-10", 0, 0, 0, NULL, NULL, NULL },
	{ "2024-03-28", DC, 0, "2024-03-28", 0, 0, 0, NULL, NULL, NULL },
	{ "2024-03-07", DC, 0, "2024-03-07", 0, 0, 0, NULL, NULL, NULL },
	{ "2024-03-09", DC, 0, "2024-03-09", 0, 0, 0, NULL, NULL, NULL },

	/* calendar */
	{ "2024-02-29", DC, 0, "2024-02-29", 0, 0, 0, NULL, NULL, NULL },
	{ "2023-02-29", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"invalid date" },
	{ "2000-02-29", DC, 0, "2000-02-29", 0, 0, 0, NULL, NULL, NULL },
	{ "1900-02-29", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"invalid date" },
	{ "2月29日", 2023, 2024, true, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"invalid date" },
	{ "2月29日", DC, 0, "2024-02-29", DF_INFERRED, 0, 0, NULL, NULL, NULL },
	{ "2024-04-31", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"invalid date" },
	{ "2024-00-10", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"invalid date" },
	{ "2024-1-0", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "invalid date" },
	{ "2024-12-31", DC, 0, "2024-12-31", 0, 0, 0, NULL, NULL, NULL },
	{ "2100-01-01", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"invalid date" },
	{ "1899-12-31", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"invalid date" },
	{ "20240230", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "invalid date" },

	/* Chinese numerals */
	{ "二零二四年三月五日", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL,
		NULL },
	{ "2024年十二月廿五日", DC, 0, "2024-12-25", 0, 0, 0, NULL, NULL,
		NULL },
	{ "二〇二四年十一月卅日", DC, 0, "2024-11-30", 0, 0, 0, NULL, NULL,
		NULL },
	{ "2024年十月十日", DC, 0, "2024-10-10", 0, 0, 0, NULL, NULL, NULL },
	{ "2024年3月三十一日", DC, 0, "2024-03-31", 0, 0, 0, NULL, NULL,
		NULL },
	{ "三月二十日", DC, 0, "2024-03-20", DF_INFERRED, 0, 0, NULL, NULL,
		NULL },
	{ "元月5日", DC, 0, "2024-01-05", DF_INFERRED, 0, 0, NULL, NULL, NULL },
	{ "二〇二四年", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "not a date" },

	/* spelling and spacing */
	{ " 2024-03-05 ", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "2024 年 3 月 5 日", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "２０２４－０３－０５", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL,
		NULL },
	{ "3月5号", DC, 0, "2024-03-05", DF_INFERRED, 0, 0, NULL, NULL, NULL },
	{ "2024年3月5日（星期二）", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL,
		NULL },
	{ "2024.3.5 周二", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "3月5日。", DC, 0, "2024-03-05", DF_INFERRED, 0, 0, NULL, NULL, NULL },
	{ "2024.3.5.", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "2024.3.5..", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "not a date" },

	/* times */
	{ "2024年3月5日 14时30分", DC, 0, "2024-03-05", DF_TIME, 14, 30, NULL,
		NULL, NULL },
	{ "2024年3月5日下午3点半", DC, 0, "2024-03-05", DF_TIME, 15, 30, NULL,
		NULL, NULL },
	{ "2024-03-05T14:30:00", DC, 0, "2024-03-05", DF_TIME, 14, 30, NULL,
		NULL, NULL },
	{ "2024/3/5 0:00", DC, 0, "2024-03-05", DF_TIME, 0, 0, NULL, NULL,
		NULL },
	{ "2024/3/5 上午9:05", DC, 0, "2024-03-05", DF_TIME, 9, 5, NULL, NULL,
		NULL },
	{ "2024/3/5 晚上8点", DC, 0, "2024-03-05", DF_TIME, 20, 0, NULL, NULL,
		NULL },
	{ "2024/3/5 中午12:10", DC, 0, "2024-03-05", DF_TIME, 12, 10, NULL,
		NULL, NULL },
	{ "2024年3月5日上午", DC, 0, "2024-03-05", 0, 0, 0, NULL, NULL, NULL },
	{ "2024-03-05T14:30:00+08:00", DC, 0, "2024-03-05", DF_TIME, 14, 30,
		NULL, NULL, NULL },
	{ "2024-03-05 14:30:00.000", DC, 0, "2024-03-05", DF_TIME, 14, 30,
		NULL, NULL, NULL },
	{ "2024-03-05T06:30:00Z", DC, 0, "2024-03-05", DF_TIME, 6, 30, NULL,
		NULL, NULL },
	{ "2024-03-05 25:00", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"invalid date" },
	{ "2024-03-05 14:60", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"invalid date" },

	/* ranges */
	{ "3月5日至8日", DC, 0, "2024-03-05", DF_INFERRED | DF_RANGE | DF_END,
		0, 0, "2024-03-08", "8日", NULL },
	{ "2024.3.5-3.8", DC, 0, "2024-03-05", DF_RANGE | DF_END, 0, 0,
		"2024-03-08", "3.8", NULL },
	{ "2024-3-5-2024-3-8", DC, 0, "2024-03-05", DF_RANGE | DF_END, 0, 0,
		"2024-03-08", "2024-3-8", NULL },
	{ "12月30日-1月3日", DC, 0, "2024-12-30",
		DF_INFERRED | DF_RANGE | DF_END, 0, 0, "2025-01-03", "1月3日",
		NULL },
	{ "2024.3.5至今", DC, 0, "2024-03-05", DF_RANGE, 0, 0, NULL, "今",
		NULL },
	{ "3月5日～3月8日", DC, 0, "2024-03-05",
		DF_INFERRED | DF_RANGE | DF_END, 0, 0, "2024-03-08", "3月8日",
		NULL },
	{ "3月5日—3月8日", DC, 0, "2024-03-05",
		DF_INFERRED | DF_RANGE | DF_END, 0, 0, "2024-03-08", "3月8日",
		NULL },
	{ "2024年3月-5月", DC, 0, "2024-03-01",
		DF_MONTH | DF_RANGE | DF_END, 0, 0, "2024-05-31", "5月", NULL },
	{ "3月5日-下午", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "not a date" },

	/* the lone "-" is "nothing" here (see ledger.h) */
	{ "-", DC, 0, "", DF_NULL, 0, 0, NULL, NULL, NULL },
	{ "\"", DC, 0, "", DF_DITTO, 0, 0, NULL, NULL, NULL },

	/* garbage */
	{ "abc", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "not a date" },
	{ "2024", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "not a date" },
	{ "2024年", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "not a date" },
	{ "3.5.8", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "not a date" },
	{ "123.3.5", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "not a date" },
	{ "2024-03-05x", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"not a date" },
	{ "3月20日电话回访，双方满意", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"not a date" },
	{ "调解成功", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "not a date" },
	{ "1234567890123", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"not a date" },
	{ "\xFF\xFE", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL, "not a date" },
	{ "2024\xE5年3月5日", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"not a date" },
	{ "2024年3月5\xE6", DC, FQ_EPARSE, "", 0, 0, 0, NULL, NULL,
		"not a date" },
};

static void
check_date(const struct date_case *c, const struct fq_ledger_date *d,
	int rc, const struct fq_error *err)
{
	char iso[FQ_LEDGER_ISO_SIZE], end[FQ_LEDGER_ISO_SIZE];

	ck_assert_msg(rc == c->rc, "'%s': rc %d, want %d (%s)", c->raw, rc,
		c->rc, err->msg);
	ck_assert_str_eq(fq_ledger_date_iso(iso, d), c->iso);
	ck_assert(d->year_inferred == !!(c->flags & DF_INFERRED));
	ck_assert(d->month_only == !!(c->flags & DF_MONTH));
	ck_assert(d->has_time == !!(c->flags & DF_TIME));
	ck_assert(d->is_ditto == !!(c->flags & DF_DITTO));
	ck_assert(d->is_null == !!(c->flags & DF_NULL));
	ck_assert(d->is_range == !!(c->flags & DF_RANGE));
	ck_assert(d->has_end == !!(c->flags & DF_END));
	if (c->flags & DF_TIME) {
		ck_assert_int_eq(d->hour, c->hour);
		ck_assert_int_eq(d->minute, c->minute);
	}
	if (c->flags & DF_END) {
		snprintf(end, sizeof(end), "%04d-%02d-%02d", d->end_year,
			d->end_month, d->end_day);
		ck_assert_str_eq(end, c->end_iso);
	}
	ck_assert_str_eq(d->end_note, c->end_note ? c->end_note : "");
	if (c->rc) {
		ck_assert_int_eq(err->code, c->rc);
		ck_assert_msg(!strncmp(err->msg, c->msg, strlen(c->msg)),
			"'%s': message '%s', want '%s...'", c->raw, err->msg,
			c->msg);
		ck_assert_int_eq(d->year, 0);
	}
}

START_TEST(test_ledger_date)
{
	const struct date_case *c = &date_cases[_i];
	struct fq_ledger_date_ctx ctx = { c->default_year, c->current_year,
		c->date_column };
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_ledger_date d;
	int rc;

	rc = fq_ledger_parse_date(&d, c->raw, &ctx, &err);
	check_date(c, &d, rc, &err);
}
END_TEST

START_TEST(test_ledger_date_defaults)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_ledger_date d;
	char iso[FQ_LEDGER_ISO_SIZE];

	/* no ctx: no default year, no two-digit check, date column */
	ck_assert_int_eq(fq_ledger_parse_date(&d, "45356", NULL, NULL), 0);
	ck_assert_str_eq(fq_ledger_date_iso(iso, &d), "2024-03-05");
	ck_assert_int_eq(fq_ledger_parse_date(&d, "99.1.1", NULL, NULL), 0);
	ck_assert_str_eq(fq_ledger_date_iso(iso, &d), "2099-01-01");
	ck_assert_int_eq(fq_ledger_parse_date(&d, "3月5日", NULL, &err),
		FQ_EPARSE);
	ck_assert_str_eq(err.msg, "ambiguous: no year in '3月5日'");
	ck_assert_int_eq(fq_ledger_parse_date(&d, NULL, NULL, NULL), 0);
	ck_assert(d.is_null);
	ck_assert_int_eq(fq_ledger_parse_date(NULL, "2024-03-05", NULL, &err),
		FQ_EUSAGE);
	ck_assert_int_eq(err.code, FQ_EUSAGE);
}
END_TEST

START_TEST(test_ledger_date_iso)
{
	struct fq_ledger_date d;
	char iso[FQ_LEDGER_ISO_SIZE];

	memset(&d, 0, sizeof(d));
	ck_assert_str_eq(fq_ledger_date_iso(iso, &d), "");
	ck_assert_str_eq(fq_ledger_date_iso(iso, NULL), "");
	d.year = 2024;
	d.month = 2;
	d.day = 29;
	ck_assert_ptr_eq(fq_ledger_date_iso(iso, &d), iso);
	ck_assert_str_eq(iso, "2024-02-29");
	d.is_ditto = true;
	ck_assert_str_eq(fq_ledger_date_iso(iso, &d), "");
	d.is_ditto = false;
	d.month = 13;
	ck_assert_str_eq(fq_ledger_date_iso(iso, &d), "");
}
END_TEST

/* An over-long range end is cut at a character boundary. */
START_TEST(test_ledger_date_long_note)
{
	struct fq_ledger_date_ctx ctx = { 2024, 2024, true };
	struct fq_ledger_date d;
	char raw[256];
	size_t n;

	snprintf(raw, sizeof(raw), "2024.3.5至%s%s",
		"很久很久很久很久很久很久很久很久很久很久很久",
		"很久很久很久很久很久很久很久很久很久很久很久");
	ck_assert_int_eq(fq_ledger_parse_date(&d, raw, &ctx, NULL), 0);
	ck_assert(d.is_range);
	ck_assert(!d.has_end);
	n = strlen(d.end_note);
	ck_assert_uint_lt(n, FQ_LEDGER_NOTE_SIZE);
	ck_assert_uint_eq(n % 3, 0);	/* whole characters only */
	ck_assert(!strncmp(d.end_note, "很久很久", 12));
}
END_TEST

/*
 * Deadlines
 */

enum {
	DL_DATE = 1 << 0,
	DL_NULL = 1 << 1,
	DL_OPEN = 1 << 2,
	DL_RELATIVE = 1 << 3,
	DL_INFERRED = 1 << 4
};

static const struct deadline_case {
	const char *raw;
	const char *row;	/* row date (parsed with year 2024), or NULL */
	int rc;
	const char *due;	/* "" when there is no date */
	unsigned flags;
	const char *note;
	const char *msg;
} deadline_cases[] = {
	/* §4.1 B and §4.3 */
	{ "3月底前", "2024/3/2", 0, "2024-03-31", DL_DATE | DL_INFERRED, "",
		NULL },
	{ "2024.4.10", "2024/3/10", 0, "2024-04-10", DL_DATE, "", NULL },
	{ "15天", "45361", 0, "2024-03-25", DL_DATE | DL_RELATIVE, "", NULL },
	{ "月底", "2024-02-10", 0, "2024-02-29", DL_DATE | DL_RELATIVE, "",
		NULL },
	{ "长期", "2024-02-10", 0, "", DL_OPEN, "长期", NULL },
	{ "持续", NULL, 0, "", DL_OPEN, "持续", NULL },
	{ "持续跟进", NULL, 0, "", DL_OPEN, "持续跟进", NULL },
	/* more spellings */
	{ "3月底", "2024-03-02", 0, "2024-03-31", DL_DATE | DL_INFERRED, "",
		NULL },
	{ "2月底前", "2023-01-05", 0, "2023-02-28", DL_DATE | DL_INFERRED, "",
		NULL },
	{ "3月底前化解", "2024-03-02", 0, "2024-03-31",
		DL_DATE | DL_INFERRED, "", NULL },
	{ "3月中旬", "2024-03-02", 0, "2024-03-20", DL_DATE | DL_INFERRED, "",
		NULL },
	{ "3月上旬", "2024-03-02", 0, "2024-03-10", DL_DATE | DL_INFERRED, "",
		NULL },
	{ "3月下旬", "2024-03-02", 0, "2024-03-31", DL_DATE | DL_INFERRED, "",
		NULL },
	{ "3月底", "2024-12-01", 0, "2025-03-31", DL_DATE | DL_INFERRED, "",
		NULL },
	{ "2月底", "2023-12-01", 0, "2024-02-29", DL_DATE | DL_INFERRED, "",
		NULL },
	{ "2024年4月", "2024-03-02", 0, "2024-04-30", DL_DATE, "", NULL },
	{ "4月10日前", "2024-03-10", 0, "2024-04-10", DL_DATE | DL_INFERRED,
		"", NULL },
	{ "1月10日", "2024-12-10", 0, "2025-01-10", DL_DATE | DL_INFERRED, "",
		NULL },
	{ "2025年1月10日前", "2024-12-10", 0, "2025-01-10", DL_DATE, "",
		NULL },
	{ "15天内", "2024-03-10", 0, "2024-03-25", DL_DATE | DL_RELATIVE, "",
		NULL },
	{ "十五日内", "2024-03-10", 0, "2024-03-25", DL_DATE | DL_RELATIVE,
		"", NULL },
	{ "15天内办结", "2024-03-10", 0, "2024-03-25", DL_DATE | DL_RELATIVE,
		"", NULL },
	{ "30天", "2024-12-15", 0, "2025-01-14", DL_DATE | DL_RELATIVE, "",
		NULL },
	{ "2周", "2024-02-20", 0, "2024-03-05", DL_DATE | DL_RELATIVE, "",
		NULL },
	{ "1个月", "2024-01-31", 0, "2024-02-29", DL_DATE | DL_RELATIVE, "",
		NULL },
	{ "月底前", "2023-02-10", 0, "2023-02-28", DL_DATE | DL_RELATIVE, "",
		NULL },
	{ "下月底", "2024-12-05", 0, "2025-01-31", DL_DATE | DL_RELATIVE, "",
		NULL },
	{ "年底", "2024-06-05", 0, "2024-12-31", DL_DATE | DL_RELATIVE, "",
		NULL },
	{ "当天", "2024-06-05", 0, "2024-06-05", DL_DATE | DL_RELATIVE, "",
		NULL },
	{ "长期稳控", NULL, 0, "", DL_OPEN, "长期稳控", NULL },
	{ "", "2024-06-05", 0, "", DL_NULL, "", NULL },
	{ "无", "2024-06-05", 0, "", DL_NULL, "", NULL },
	/* refusals keep the text */
	{ "15天", NULL, FQ_EPARSE, "", 0, "15天", "no row date" },
	{ "15天", "已结", FQ_EPARSE, "", 0, "15天", "no row date" },
	{ "5个工作日", "2024-06-05", FQ_EPARSE, "", 0, "5个工作日",
		"working days" },
	{ "尽快", "2024-06-05", FQ_EPARSE, "", 0, "尽快", "not a deadline" },
	{ "前", "2024-06-05", FQ_EPARSE, "", 0, "前", "not a deadline" },
	{ "13月底", "2024-06-05", FQ_EPARSE, "", 0, "13月底",
		"not a deadline" },
};

START_TEST(test_ledger_deadline)
{
	const struct deadline_case *c = &deadline_cases[_i];
	struct fq_ledger_date_ctx ctx = { 2024, 2024, true };
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_ledger_deadline dl;
	struct fq_ledger_date row;
	char due[FQ_LEDGER_ISO_SIZE] = "";
	int rc;

	if (c->row)
		ck_assert_int_eq(fq_ledger_parse_date(&row, c->row, &ctx, NULL),
			0);
	rc = fq_ledger_parse_deadline(&dl, c->raw, c->row ? &row : NULL, NULL,
		&err);
	ck_assert_msg(rc == c->rc, "'%s': rc %d, want %d (%s)", c->raw, rc,
		c->rc, err.msg);
	if (dl.has_date)
		snprintf(due, sizeof(due), "%04d-%02d-%02d", dl.year, dl.month,
			dl.day);
	ck_assert_str_eq(due, c->due);
	ck_assert(dl.has_date == !!(c->flags & DL_DATE));
	ck_assert(dl.is_null == !!(c->flags & DL_NULL));
	ck_assert(dl.open_ended == !!(c->flags & DL_OPEN));
	ck_assert(dl.relative == !!(c->flags & DL_RELATIVE));
	ck_assert(dl.year_inferred == !!(c->flags & DL_INFERRED));
	ck_assert_str_eq(dl.note, c->note);
	if (c->rc)
		ck_assert_msg(strstr(err.msg, c->msg), "'%s': message '%s'",
			c->raw, err.msg);
}
END_TEST

START_TEST(test_ledger_deadline_ctx_year)
{
	struct fq_ledger_date_ctx ctx = { 2023, 2024, false };
	struct fq_ledger_deadline dl;

	/* no row: a month end takes the ledger year */
	ck_assert_int_eq(fq_ledger_parse_deadline(&dl, "3月底前", NULL, &ctx,
		NULL), 0);
	ck_assert(dl.has_date);
	ck_assert_int_eq(dl.year, 2023);
	ck_assert_int_eq(dl.month, 3);
	ck_assert_int_eq(dl.day, 31);
	/* a deadline column reads "3.5" as a date even if ctx says not */
	ck_assert_int_eq(fq_ledger_parse_deadline(&dl, "4.5", NULL, &ctx,
		NULL), 0);
	ck_assert_int_eq(dl.month, 4);
	ck_assert_int_eq(dl.day, 5);
	ck_assert_int_eq(fq_ledger_parse_deadline(NULL, "4.5", NULL, &ctx,
		NULL), FQ_EUSAGE);
}
END_TEST

/*
 * Phones
 */

enum {
	PH_NULL = 1 << 0,
	PH_LOST = 1 << 1,
	PH_MASKED = 1 << 2,
	PH_TRUNC = 1 << 3,
	PH_BAD = 1 << 4
};

#define MOB FQ_LEDGER_PHONE_MOBILE
#define LAND FQ_LEDGER_PHONE_LANDLINE
#define LOC FQ_LEDGER_PHONE_LOCAL
#define MASK FQ_LEDGER_PHONE_MASKED

static const struct phone_case {
	const char *raw;
	int rc;
	size_t n;
	struct {
		enum fq_ledger_phone_kind kind;
		const char *number;
	} v[FQ_LEDGER_PHONES_MAX];
	unsigned flags;
} phone_cases[] = {
	/* §4.1 */
	{ "13800000001", 0, 1, { { MOB, "13800000001" } }, 0 },
	{ "1.38E+10", 0, 0, { { MOB, NULL } }, PH_LOST },
	{ "139-0000-0002/0394-5550001", 0, 2,
		{ { MOB, "13900000002" }, { LAND, "0394-5550001" } }, 0 },
	{ "13800000004.0", 0, 1, { { MOB, "13800000004" } }, 0 },
	{ "13800000001、13800000003", 0, 2,
		{ { MOB, "13800000001" }, { MOB, "13800000003" } }, 0 },
	{ "", 0, 0, { { MOB, NULL } }, PH_NULL },
	/* §4.3 */
	{ "138****0001", 0, 1, { { MASK, "138****0001" } }, PH_MASKED },
	{ "无", 0, 0, { { MOB, NULL } }, PH_NULL },
	{ "不详", 0, 0, { { MOB, NULL } }, PH_NULL },
	{ "/", 0, 0, { { MOB, NULL } }, PH_NULL },
	{ "-", 0, 0, { { MOB, NULL } }, PH_NULL },
	{ "拒绝提供", 0, 0, { { MOB, NULL } }, PH_NULL },
	{ "'13800000001", 0, 1, { { MOB, "13800000001" } }, 0 },
	{ "138 0000 0001", 0, 1, { { MOB, "13800000001" } }, 0 },
	/* more */
	{ "13800000001 13800000003", 0, 2,
		{ { MOB, "13800000001" }, { MOB, "13800000003" } }, 0 },
	{ "13800000001,13800000003;13800000005", 0, 3,
		{ { MOB, "13800000001" }, { MOB, "13800000003" },
		  { MOB, "13800000005" } }, 0 },
	{ "13800000001\n0394-5550001", 0, 2,
		{ { MOB, "13800000001" }, { LAND, "0394-5550001" } }, 0 },
	{ "03945550001", 0, 1, { { LAND, "0394-5550001" } }, 0 },
	{ "01012345678", 0, 1, { { LAND, "010-12345678" } }, 0 },
	{ "021-1234567", 0, 1, { { LAND, "021-1234567" } }, 0 },
	{ "(0394)5550001", 0, 1, { { LAND, "0394-5550001" } }, 0 },
	{ "5550001", 0, 1, { { LOC, "5550001" } }, 0 },
	{ "+86 138 0000 0001", 0, 1, { { MOB, "13800000001" } }, 0 },
	{ "8613800000001", 0, 1, { { MOB, "13800000001" } }, 0 },
	{ "电话：13800000001", 0, 1, { { MOB, "13800000001" } }, 0 },
	{ "手机13800000001", 0, 1, { { MOB, "13800000001" } }, 0 },
	{ "13800000001（本人）", 0, 1, { { MOB, "13800000001" } }, 0 },
	{ "１３８００００００01", 0, 1, { { MOB, "13800000001" } }, 0 },
	{ "13800000001/13800000001", 0, 1, { { MOB, "13800000001" } }, 0 },
	{ "13800000001/无", 0, 1, { { MOB, "13800000001" } }, 0 },
	{ "138xxxx0001", 0, 1, { { MASK, "138xxxx0001" } }, PH_MASKED },
	{ "1.38E+10/0394-5550001", 0, 1, { { LAND, "0394-5550001" } },
		PH_LOST },
	{ "13800000001/13800000002/13800000003/13800000004/13800000005", 0, 4,
		{ { MOB, "13800000001" }, { MOB, "13800000002" },
		  { MOB, "13800000003" }, { MOB, "13800000004" } }, PH_TRUNC },
	{ "张三", FQ_EPARSE, 0, { { MOB, NULL } }, PH_BAD },
	{ "12345", FQ_EPARSE, 0, { { MOB, NULL } }, PH_BAD },
	{ "12345678901", FQ_EPARSE, 0, { { MOB, NULL } }, PH_BAD },
	{ "13800000001/张三", FQ_EPARSE, 1, { { MOB, "13800000001" } },
		PH_BAD },
	{ "1380000000.5", FQ_EPARSE, 0, { { MOB, NULL } }, PH_BAD },
	{ "\xFF\xFE", FQ_EPARSE, 0, { { MOB, NULL } }, PH_BAD },
	/* found by fuzz_ledger: a bracket longer than the digit buffer was
	 * copied into it as an area code (stack overflow) */
	{ "(666666666666666666666666666666690103506666666666666666)4",
		FQ_EPARSE, 0, { { MOB, NULL } }, PH_BAD },
};

START_TEST(test_ledger_phones)
{
	const struct phone_case *c = &phone_cases[_i];
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_ledger_phones ph;
	struct fq_buf raw = FQ_BUF_INIT;
	size_t i;
	int rc;

	rc = fq_ledger_parse_phones(&ph, c->raw, &err);
	ck_assert_msg(rc == c->rc, "'%s': rc %d (%s)", c->raw, rc, err.msg);
	ck_assert_uint_eq(ph.n, c->n);
	for (i = 0; i < c->n; i++) {
		ck_assert_int_eq(ph.v[i].kind, c->v[i].kind);
		ck_assert_str_eq(ph.v[i].number, c->v[i].number);
	}
	ck_assert(ph.is_null == !!(c->flags & PH_NULL));
	ck_assert(ph.lost_excel == !!(c->flags & PH_LOST));
	ck_assert(ph.masked == !!(c->flags & PH_MASKED));
	ck_assert(ph.truncated == !!(c->flags & PH_TRUNC));
	ck_assert(ph.bad == !!(c->flags & PH_BAD));
	/* the raw cell is kept, normalised */
	fq_ledger_normalize(&raw, c->raw);
	ck_assert_str_eq(ph.raw, raw.buf);
	if (rc)
		ck_assert(!strncmp(err.msg, "not a phone number", 18));
	fq_buf_release(&raw);
}
END_TEST

/*
 * Identity card numbers
 */

enum {
	ID_NULL = 1 << 0,
	ID_LOST = 1 << 1,
	ID_BADSUM = 1 << 2,
	ID_OLD = 1 << 3,
	ID_MASKED = 1 << 4
};

static const struct {
	const char *raw;
	int rc;
	const char *number;
	unsigned flags;
} id_cases[] = {
	{ "11010519491231002X", 0, "11010519491231002X", 0 },
	{ "11010519491231002x", 0, "11010519491231002X", 0 },
	{ "'11010519491231002X", 0, "11010519491231002X", 0 },
	{ "110105 19491231 002X", 0, "11010519491231002X", 0 },
	{ "身份证号：11010519491231002X", 0, "11010519491231002X", 0 },
	{ "１１０１０５１９４９１２３１００２Ｘ", 0, "11010519491231002X", 0 },
	{ "440524188001010014", 0, "440524188001010014", 0 },
	{ "110105194912310021", 0, "110105194912310021", ID_BADSUM },
	{ "411623196803051234", 0, "411623196803051234", 0 },
	{ "411623196803051235", 0, "411623196803051235", ID_BADSUM },
	{ "4.11623E+17", 0, "", ID_LOST },
	{ "411623680305123", 0, "411623680305123", ID_OLD },
	{ "4116231968********", 0, "4116231968********", ID_MASKED },
	{ "无", 0, "", ID_NULL },
	{ "", 0, "", ID_NULL },
	{ "/", 0, "", ID_NULL },
	{ "12345", FQ_EPARSE, "", 0 },
	{ "11010519491231002Y", FQ_EPARSE, "", 0 },
	{ "1101051949123100X2", FQ_EPARSE, "", 0 },
	{ "41162368030512X", FQ_EPARSE, "", 0 },
	{ "1101051949123100211", FQ_EPARSE, "", 0 },
	{ "张三", FQ_EPARSE, "", 0 },
	{ "\xFF", FQ_EPARSE, "", 0 },
};

START_TEST(test_ledger_id_number)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_ledger_id id;
	unsigned f = id_cases[_i].flags;
	int rc;

	rc = fq_ledger_parse_id_number(&id, id_cases[_i].raw, &err);
	ck_assert_msg(rc == id_cases[_i].rc, "'%s': rc %d (%s)",
		id_cases[_i].raw, rc, err.msg);
	ck_assert_str_eq(id.number, id_cases[_i].number);
	ck_assert(id.is_null == !!(f & ID_NULL));
	ck_assert(id.lost_excel == !!(f & ID_LOST));
	ck_assert(id.checksum_bad == !!(f & ID_BADSUM));
	ck_assert(id.old15 == !!(f & ID_OLD));
	ck_assert(id.masked == !!(f & ID_MASKED));
	if (rc)
		ck_assert(!strncmp(err.msg, "not an identity card number", 27));
	if (f & ID_LOST)
		ck_assert_str_eq(id.raw, id_cases[_i].raw);
}
END_TEST

/*
 * Parties
 */

/* An expected party.  age, households and people: 0 means "absent" (-1). */
struct party_exp {
	const char *name, *role;
	bool org;
	const char *note, *gender;
	int age;
	const char *ethnicity, *address, *phone, *representative;
	int households, people;
	bool group, bio, masked;
};

static const struct party_case {
	const char *raw;
	size_t n;
	struct party_exp p[3];
} party_cases[] = {
	/* §4.1 A */
	{ "申请人：王某甲", 1, { { .name = "王某甲", .role = "applicant",
		.masked = true } } },
	{ "被申请人：王某乙", 1, { { .name = "王某乙", .role = "respondent",
		.masked = true } } },
	{ "张某、刘某（夫妻）", 2, {
		{ .name = "张某", .note = "夫妻", .masked = true },
		{ .name = "刘某", .note = "夫妻", .masked = true } } },
	{ "村民赵某等5户", 1, { { .name = "赵某", .note = "村民赵某等5户",
		.households = 5, .group = true, .masked = true } } },
	{ "孙某", 1, { { .name = "孙某", .masked = true } } },
	/* §4.1 B */
	{ "王某甲与王某乙", 2, {
		{ .name = "王某甲", .masked = true },
		{ .name = "王某乙", .masked = true } } },
	{ "后张村民8户 诉 某公司", 2, {
		{ .name = "后张村民8户", .role = "applicant",
		  .note = "后张村民8户", .households = 8, .group = true },
		{ .name = "某公司", .role = "respondent", .org = true,
		  .masked = true } } },
	{ "赵某等", 1, { { .name = "赵某", .note = "赵某等", .group = true,
		.masked = true } } },
	/* §4.1 C */
	{ "王某甲", 1, { { .name = "王某甲", .masked = true } } },
	{ "张某;刘某", 2, {
		{ .name = "张某", .masked = true },
		{ .name = "刘某", .masked = true } } },
	{ "张某某(长子)\n张某某(次子)", 2, {
		{ .name = "张某某", .note = "长子", .masked = true },
		{ .name = "张某某", .note = "次子", .masked = true } } },
	{ "姚集镇人民调解委员会", 1, { { .name = "姚集镇人民调解委员会",
		.org = true } } },
	/* mediators of §4.1 split the same way */
	{ "李某,陈某", 2, {
		{ .name = "李某", .masked = true },
		{ .name = "陈某", .masked = true } } },
	{ "李某/陈某", 2, {
		{ .name = "李某", .masked = true },
		{ .name = "陈某", .masked = true } } },
	/* §4.3 party cells */
	{ "王某（申请人）", 1, { { .name = "王某", .role = "applicant",
		.masked = true } } },
	{ "甲方：王某", 1, { { .name = "王某", .role = "applicant",
		.masked = true } } },
	{ "乙方：李某", 1, { { .name = "李某", .role = "respondent",
		.masked = true } } },
	{ "原告：张三；被告：李四", 2, {
		{ .name = "张三", .role = "applicant" },
		{ .name = "李四", .role = "respondent" } } },
	{ "赵某等5户", 1, { { .name = "赵某", .note = "赵某等5户",
		.households = 5, .group = true, .masked = true } } },
	{ "村民8户", 1, { { .name = "村民8户", .note = "村民8户",
		.households = 8, .group = true } } },
	{ "王氏兄弟三人", 1, { { .name = "王氏兄弟三人",
		.note = "王氏兄弟三人", .people = 3, .group = true } } },
	{ "某公司（法定代表人：王五）", 1, { { .name = "某公司", .org = true,
		.representative = "法定代表人：王五", .masked = true } } },
	{ "XX村委会", 1, { { .name = "XX村委会", .org = true,
		.masked = true } } },
	{ "XX物业", 1, { { .name = "XX物业", .org = true, .masked = true } } },
	{ "张三，男，45岁，汉族，住XX村3组，电话13800000001", 1, { {
		.name = "张三", .gender = "M", .age = 45, .ethnicity = "汉族",
		.address = "XX村3组", .phone = "13800000001", .bio = true } } },
	{ "张某某（长子）", 1, { { .name = "张某某", .note = "长子",
		.masked = true } } },
	{ "王某", 1, { { .name = "王某", .masked = true } } },
	{ "王某某", 1, { { .name = "王某某", .masked = true } } },
	{ "王**", 1, { { .name = "王**", .masked = true } } },
	/* every separator of §4.3 */
	{ "王某甲,王某乙", 2, { { .name = "王某甲", .masked = true },
		{ .name = "王某乙", .masked = true } } },
	{ "王某甲，王某乙", 2, { { .name = "王某甲", .masked = true },
		{ .name = "王某乙", .masked = true } } },
	{ "王某甲；王某乙", 2, { { .name = "王某甲", .masked = true },
		{ .name = "王某乙", .masked = true } } },
	{ "王某甲/王某乙", 2, { { .name = "王某甲", .masked = true },
		{ .name = "王某乙", .masked = true } } },
	{ "王某甲和王某乙", 2, { { .name = "王某甲", .masked = true },
		{ .name = "王某乙", .masked = true } } },
	{ "王某甲及王某乙", 2, { { .name = "王某甲", .masked = true },
		{ .name = "王某乙", .masked = true } } },
	{ "王某甲诉王某乙", 2, {
		{ .name = "王某甲", .role = "applicant", .masked = true },
		{ .name = "王某乙", .role = "respondent", .masked = true } } },
	{ "王某甲 vs 王某乙", 2, {
		{ .name = "王某甲", .role = "applicant", .masked = true },
		{ .name = "王某乙", .role = "respondent", .masked = true } } },
	{ "王某甲VS王某乙", 2, {
		{ .name = "王某甲", .role = "applicant", .masked = true },
		{ .name = "王某乙", .role = "respondent", .masked = true } } },
	{ "王某甲—王某乙", 2, { { .name = "王某甲", .masked = true },
		{ .name = "王某乙", .masked = true } } },
	{ "王某甲\r\n王某乙", 2, { { .name = "王某甲", .masked = true },
		{ .name = "王某乙", .masked = true } } },
	/* 与/和/及 only between names */
	{ "王和平", 1, { { .name = "王和平" } } },
	{ "张三和李四", 2, { { .name = "张三" }, { .name = "李四" } } },
	{ "李和平与张三", 2, { { .name = "李和平" }, { .name = "张三" } } },
	{ "欧阳和平", 1, { { .name = "欧阳和平" } } },
	{ "和谐物业公司", 1, { { .name = "和谐物业公司", .org = true } } },
	/* no split inside brackets */
	{ "某公司（法定代表人：王五、李六）", 1, { { .name = "某公司",
		.org = true, .representative = "法定代表人：王五、李六",
		.masked = true } } },
	{ "某公司(负责人:王五)与李某", 2, {
		{ .name = "某公司", .org = true,
		  .representative = "负责人:王五", .masked = true },
		{ .name = "李某", .masked = true } } },
	{ "某公司（法定代表人：王五（董事长））", 1, { { .name = "某公司",
		.org = true, .representative = "法定代表人：王五（董事长）",
		.masked = true } } },
	/* roles carry over after a prefix, not across lines */
	{ "申请人：张某、李某；被申请人：王某", 3, {
		{ .name = "张某", .role = "applicant", .masked = true },
		{ .name = "李某", .role = "applicant", .masked = true },
		{ .name = "王某", .role = "respondent", .masked = true } } },
	{ "甲方:王某 乙方:李某", 2, {
		{ .name = "王某", .role = "applicant", .masked = true },
		{ .name = "李某", .role = "respondent", .masked = true } } },
	{ "原告张三诉被告李四", 2, {
		{ .name = "张三", .role = "applicant" },
		{ .name = "李四", .role = "respondent" } } },
	{ "当事人：王某", 1, { { .name = "王某", .role = "party",
		.masked = true } } },
	{ "第三人：王某", 1, { { .name = "王某", .role = "third_party",
		.masked = true } } },
	{ "王某（被申请人）（长子）", 1, { { .name = "王某",
		.role = "respondent", .note = "长子", .masked = true } } },
	/* biographies */
	{ "申请人：张三，男，45岁", 1, { { .name = "张三",
		.role = "applicant", .gender = "M", .age = 45,
		.bio = true } } },
	{ "李四、女、三十岁、回族、家住前王村、手机：13800000002", 1, { {
		.name = "李四", .gender = "F", .age = 30, .ethnicity = "回族",
		.address = "前王村", .phone = "13800000002", .bio = true } } },
	{ "王五,性别:男,年龄:60,住址:后张村,身份证号11010519491231002X", 1,
		{ { .name = "王五", .gender = "M", .age = 60,
		    .address = "后张村", .bio = true } } },
	{ "张三，男，45岁\n李四，女，40岁", 2, {
		{ .name = "张三", .gender = "M", .age = 45, .bio = true },
		{ .name = "李四", .gender = "F", .age = 40, .bio = true } } },
	{ "王某、李某、住建局", 3, {
		{ .name = "王某", .masked = true },
		{ .name = "李某", .masked = true },
		{ .name = "住建局", .org = true } } },
	/* spacing, phones, organisations, width */
	{ "王  五", 1, { { .name = "王五" } } },
	{ "　王某　", 1, { { .name = "王某", .masked = true } } },
	{ "王某 13800000001", 1, { { .name = "王某", .phone = "13800000001",
		.masked = true } } },
	{ "ＸＸ物业", 1, { { .name = "ＸＸ物业", .org = true,
		.masked = true } } },
	{ "前王村调委会", 1, { { .name = "前王村调委会", .org = true } } },
	{ "某某合作社", 1, { { .name = "某某合作社", .org = true,
		.masked = true } } },
	{ "某厂", 1, { { .name = "某厂", .org = true, .masked = true } } },
	{ "李厂", 1, { { .name = "李厂" } } },
	{ "镇综治中心、自然资源所", 2, {
		{ .name = "镇综治中心", .org = true },
		{ .name = "自然资源所", .org = true } } },
	{ "某小学", 1, { { .name = "某小学", .org = true, .masked = true } } },
	{ "8户约20人", 1, { { .name = "8户约20人", .note = "8户约20人",
		.households = 8, .people = 20, .group = true } } },
	{ "王某（5人）", 1, { { .name = "王某", .note = "5人", .people = 5,
		.group = true, .masked = true } } },
	/* nothing */
	{ "", 0, { { .name = NULL } } },
	{ "无", 0, { { .name = NULL } } },
	{ "  ", 0, { { .name = NULL } } },
	{ "申请人：", 0, { { .name = NULL } } },
	{ "、、", 0, { { .name = NULL } } },
	{ "（长子）", 0, { { .name = NULL } } },
};

static void
check_str(const char *got, const char *want, const char *what,
	const char *raw)
{
	if (!want)
		ck_assert_msg(!got, "'%s': %s is '%s', want NULL", raw, what,
			got);
	else
		ck_assert_msg(got && !strcmp(got, want),
			"'%s': %s is '%s', want '%s'", raw, what,
			got ? got : "(null)", want);
}

START_TEST(test_ledger_parties)
{
	const struct party_case *c = &party_cases[_i];
	struct fq_ledger_parties ps = FQ_LEDGER_PARTIES_INIT;
	size_t i;

	ck_assert_int_eq(fq_ledger_parse_parties(&ps, c->raw, NULL), 0);
	ck_assert_msg(ps.n == c->n, "'%s': %zu parties, want %zu", c->raw,
		ps.n, c->n);
	for (i = 0; i < c->n; i++) {
		const struct fq_ledger_party *p = &ps.v[i];
		const struct party_exp *x = &c->p[i];

		check_str(p->name, x->name, "name", c->raw);
		check_str(p->role, x->role, "role", c->raw);
		ck_assert_int_eq(p->kind, x->org ? FQ_LEDGER_ORGANIZATION :
			FQ_LEDGER_PERSON);
		check_str(p->note, x->note, "note", c->raw);
		check_str(p->gender, x->gender, "gender", c->raw);
		ck_assert_int_eq(p->age, x->age ? x->age : -1);
		check_str(p->ethnicity, x->ethnicity, "ethnicity", c->raw);
		check_str(p->address, x->address, "address", c->raw);
		check_str(p->phone, x->phone, "phone", c->raw);
		check_str(p->representative, x->representative,
			"representative", c->raw);
		ck_assert_int_eq(p->households, x->households ? x->households :
			-1);
		ck_assert_int_eq(p->people, x->people ? x->people : -1);
		ck_assert_msg(p->is_group == x->group, "'%s': is_group %d",
			c->raw, p->is_group);
		ck_assert_msg(p->biography == x->bio, "'%s': biography %d",
			c->raw, p->biography);
		ck_assert_msg(p->name_masked == x->masked,
			"'%s': name_masked %d", c->raw, p->name_masked);
		ck_assert_ptr_nonnull(p->raw);
	}
	fq_ledger_parties_release(&ps);
	ck_assert_ptr_null(ps.v);
	ck_assert_uint_eq(ps.n, 0);
}
END_TEST

/* The biography keeps its raw text and its ID; notes collect the rest. */
START_TEST(test_ledger_parties_biography_fields)
{
	struct fq_ledger_parties ps = FQ_LEDGER_PARTIES_INIT;
	const char *raw = "王五,男,1964年生,住址:后张村,"
		"身份证号11010519491231002X";

	ck_assert_int_eq(fq_ledger_parse_parties(&ps, raw, NULL), 0);
	ck_assert_uint_eq(ps.n, 1);
	ck_assert_str_eq(ps.v[0].name, "王五");
	ck_assert_str_eq(ps.v[0].id_number, "11010519491231002X");
	ck_assert_str_eq(ps.v[0].note, "1964年生");
	ck_assert_str_eq(ps.v[0].raw, raw);
	fq_ledger_parties_release(&ps);
}
END_TEST

/* Parties of a continuation row join the list of the row above. */
START_TEST(test_ledger_parties_append)
{
	struct fq_ledger_parties ps = FQ_LEDGER_PARTIES_INIT;
	struct fq_error err = FQ_ERROR_INIT;

	ck_assert_int_eq(fq_ledger_parse_parties(&ps, "申请人：王某甲", NULL),
		0);
	ck_assert_int_eq(fq_ledger_parse_parties(&ps, "被申请人：王某乙",
		NULL), 0);
	ck_assert_int_eq(fq_ledger_parse_parties(&ps, NULL, NULL), 0);
	ck_assert_uint_eq(ps.n, 2);
	ck_assert_str_eq(ps.v[0].name, "王某甲");
	ck_assert_str_eq(ps.v[0].role, "applicant");
	ck_assert_str_eq(ps.v[1].name, "王某乙");
	ck_assert_str_eq(ps.v[1].role, "respondent");
	ck_assert_str_eq(ps.v[1].raw, "被申请人：王某乙");
	fq_ledger_parties_release(&ps);
	fq_ledger_parties_release(&ps);
	fq_ledger_parties_release(NULL);
	ck_assert_int_eq(fq_ledger_parse_parties(NULL, "王某", &err),
		FQ_EUSAGE);
	ck_assert_int_eq(err.code, FQ_EUSAGE);
}
END_TEST

/* Many parties in one cell: the list grows. */
START_TEST(test_ledger_parties_many)
{
	struct fq_ledger_parties ps = FQ_LEDGER_PARTIES_INIT;
	struct fq_buf b = FQ_BUF_INIT;
	int i;

	for (i = 0; i < 300; i++)
		fq_buf_addf(&b, "%s王某%d", i ? "、" : "", i);
	ck_assert_int_eq(fq_ledger_parse_parties(&ps, b.buf, NULL), 0);
	ck_assert_uint_eq(ps.n, 300);
	ck_assert_str_eq(ps.v[299].name, "王某299");
	fq_ledger_parties_release(&ps);
	fq_buf_release(&b);
}
END_TEST

/*
 * Amounts
 */

#define A_NONE FQ_LEDGER_NONE
#define A_APPROX FQ_LEDGER_APPROX
#define A_RANGE FQ_LEDGER_RANGE
#define A_INST FQ_LEDGER_INSTALLMENTS
#define A_EXTRA FQ_LEDGER_EXTRA

static const struct {
	const char *raw;
	int rc;
	long long fen;
	unsigned flags;
} amount_cases[] = {
	/* §4.1 C and §4.3 */
	{ "8,000", 0, 800000, 0 },
	{ "5000元", 0, 500000, 0 },
	{ "5千", 0, 500000, 0 },
	{ "0.5万", 0, 500000, 0 },
	{ "1,200", 0, 120000, 0 },
	{ "1.2万元", 0, 1200000, 0 },
	{ "伍仟元", 0, 500000, 0 },
	{ "8000（分3期）", 0, 800000, A_INST },
	{ "无", 0, -1, A_NONE },
	{ "约5000", 0, 500000, A_APPROX },
	{ "3000-5000", 0, 300000, A_RANGE },
	/* more */
	{ "", 0, -1, A_NONE },
	{ "/", 0, -1, A_NONE },
	{ "0", 0, 0, 0 },
	{ "5000.50元", 0, 500050, 0 },
	{ "￥5,000.50", 0, 500050, 0 },
	{ "人民币5000元整", 0, 500000, 0 },
	{ "1,234,567", 0, 123456700, 0 },
	{ "1.234元", 0, 123, 0 },
	{ "1.235元", 0, 124, 0 },
	{ "十万", 0, 10000000, 0 },
	{ "两千", 0, 200000, 0 },
	{ "三千五", 0, 350000, 0 },
	{ "一万五", 0, 1500000, 0 },
	{ "1万5000", 0, 1500000, 0 },
	{ "一千零五", 0, 100500, 0 },
	{ "二十五元", 0, 2500, 0 },
	{ "壹万贰仟叁佰元整", 0, 1230000, 0 },
	{ "伍佰元伍角", 0, 50050, 0 },
	{ "5元5角3分", 0, 553, 0 },
	{ "1.5亿", 0, 15000000000LL, 0 },
	{ "3-5万", 0, 3000000, A_RANGE },
	{ "3000~5000元", 0, 300000, A_RANGE },
	{ "3000至1万", 0, 300000, A_RANGE },
	{ "5000余元", 0, 500000, A_APPROX },
	{ "5000元左右", 0, 500000, A_APPROX },
	{ "大约1万", 0, 1000000, A_APPROX },
	{ "8000(约)", 0, 800000, A_APPROX },
	{ "8000元分3期付清", 0, 800000, A_INST },
	{ "8000(已付3000)", 0, 800000, A_EXTRA },
	{ "赔偿5000元", 0, 500000, A_EXTRA },
	{ "１２００元", 0, 120000, 0 },
	{ "abc", FQ_EPARSE, -1, 0 },
	{ "元", FQ_EPARSE, -1, 0 },
	{ "1.38E+10", FQ_EPARSE, -1, 0 },
	{ "999999999999999", FQ_EPARSE, -1, 0 },
	{ "9999亿", FQ_EPARSE, -1, 0 },
	/* the digit after 亿 scaled to 10^7 overflowed (fuzz_ledger) */
	{ "1亿300000001〇", FQ_EPARSE, -1, 0 },
	{ "1亿五", 0, 15000000000LL, 0 },
	{ "\xFF", FQ_EPARSE, -1, 0 },
};

START_TEST(test_ledger_amount)
{
	struct fq_error err = FQ_ERROR_INIT;
	long long fen = 42;
	unsigned flags = 42;
	int rc;

	rc = fq_ledger_parse_amount(&fen, &flags, amount_cases[_i].raw, &err);
	ck_assert_msg(rc == amount_cases[_i].rc, "'%s': rc %d (%s)",
		amount_cases[_i].raw, rc, err.msg);
	ck_assert_msg(fen == amount_cases[_i].fen, "'%s': %lld fen, want %lld",
		amount_cases[_i].raw, fen, amount_cases[_i].fen);
	if (!rc)
		ck_assert_msg(flags == amount_cases[_i].flags,
			"'%s': flags %#x, want %#x", amount_cases[_i].raw,
			flags, amount_cases[_i].flags);
	else
		ck_assert_int_eq(err.code, FQ_EPARSE);
}
END_TEST

START_TEST(test_ledger_amount_args)
{
	long long fen;

	ck_assert_int_eq(fq_ledger_parse_amount(&fen, NULL, "5千", NULL), 0);
	ck_assert_int_eq(fen, 500000);
	ck_assert_int_eq(fq_ledger_parse_amount(NULL, NULL, "5千", NULL),
		FQ_EUSAGE);
}
END_TEST

/*
 * People counts
 */

static const struct {
	const char *raw;
	int rc, households, people;
	unsigned flags;
} people_cases[] = {
	/* §4.1 B and §4.3 */
	{ "2户", 0, 2, -1, 0 },
	{ "8户约20人", 0, 8, 20, FQ_LEDGER_APPROX },
	{ "5户", 0, 5, -1, 0 },
	{ "3户", 0, 3, -1, 0 },
	{ "5人", 0, -1, 5, 0 },
	{ "约20人", 0, -1, 20, FQ_LEDGER_APPROX },
	/* more */
	{ "20余人", 0, -1, 20, FQ_LEDGER_APPROX },
	{ "20人左右", 0, -1, 20, FQ_LEDGER_APPROX },
	{ "三户", 0, 3, -1, 0 },
	{ "十二人", 0, -1, 12, 0 },
	{ "5家", 0, 5, -1, 0 },
	{ "10名", 0, -1, 10, 0 },
	{ "3户/10人", 0, 3, 10, 0 },
	{ "3户、10人", 0, 3, 10, 0 },
	{ "涉及8户", 0, 8, -1, 0 },
	{ "5", 0, -1, 5, FQ_LEDGER_NO_UNIT },
	{ "2人（夫妻）", 0, -1, 2, FQ_LEDGER_EXTRA },
	{ "", 0, -1, -1, FQ_LEDGER_NONE },
	{ "无", 0, -1, -1, FQ_LEDGER_NONE },
	{ "abc", FQ_EPARSE, -1, -1, 0 },
	{ "5户abc", FQ_EPARSE, -1, -1, 0 },
	{ "1.5人", FQ_EPARSE, -1, -1, 0 },
	{ "\xFF", FQ_EPARSE, -1, -1, 0 },
};

START_TEST(test_ledger_people)
{
	struct fq_error err = FQ_ERROR_INIT;
	int h = 42, p = 42, rc;
	unsigned flags = 42;

	rc = fq_ledger_parse_people(&h, &p, &flags, people_cases[_i].raw,
		&err);
	ck_assert_msg(rc == people_cases[_i].rc, "'%s': rc %d (%s)",
		people_cases[_i].raw, rc, err.msg);
	ck_assert_int_eq(h, people_cases[_i].households);
	ck_assert_int_eq(p, people_cases[_i].people);
	if (!rc)
		ck_assert_uint_eq(flags, people_cases[_i].flags);
	else
		ck_assert(!strncmp(err.msg, "not a count", 11));
}
END_TEST

START_TEST(test_ledger_people_args)
{
	int h, p;

	ck_assert_int_eq(fq_ledger_parse_people(&h, &p, NULL, "8户", NULL), 0);
	ck_assert_int_eq(h, 8);
	ck_assert_int_eq(p, -1);
	ck_assert_int_eq(fq_ledger_parse_people(NULL, &p, NULL, "8户", NULL),
		FQ_EUSAGE);
}
END_TEST

/*
 * Colours
 */

static const struct {
	const char *raw, *code;
} color_cases[] = {
	/* §4.1 B */
	{ "蓝", "blue" }, { "红", "red" }, { "黄色", "yellow" },
	/* §4.3 */
	{ "红色", "red" }, { "🔴", "red" }, { "高", "red" }, { "重大", "red" },
	{ "一级", "red" },
	{ "黄", "yellow" }, { "橙", "yellow" }, { "中", "yellow" },
	{ "较大", "yellow" }, { "二级", "yellow" },
	{ "蓝色", "blue" }, { "绿", "blue" }, { "低", "blue" },
	{ "一般", "blue" }, { "三级", "blue" },
	/* more */
	{ "红色预警", "red" }, { "高风险", "red" }, { "1级", "red" },
	{ "Ⅰ级", "red" }, { "　红　", "red" }, { "橙色", "yellow" },
	{ "🟡", "yellow" }, { "中风险", "yellow" }, { "🟢", "blue" },
	{ "低风险", "blue" }, { "３级", "blue" },
	{ "", NULL }, { "紫", NULL }, { "红黄", NULL }, { "风险", NULL },
	{ "\xFF", NULL },
};

START_TEST(test_ledger_color)
{
	const char *code = fq_ledger_parse_color(color_cases[_i].raw);

	if (color_cases[_i].code)
		ck_assert_pstr_eq(code, color_cases[_i].code);
	else
		ck_assert_ptr_null(code);
}
END_TEST

/*
 * Robustness: broken UTF-8, odd bytes and long cells through every
 * parser.  Each must return 0 or FQ_EPARSE, never crash, read past the
 * NUL or leak (ASan and valgrind watch this test).
 */

static const char *const junk[] = {
	"\xFF", "\xFE\xFF", "\xE4\xB8", "\xE4", "\xC0\xAF", "\xED\xA0\x80",
	"\xF4\x90\x80\x80", "\x80\x80\x80", "2024\xE5", "王\xFF某",
	"申请人\xEF\xBC", "（（（（", "))))", "】】【【", "等等等", "诉", "vs",
	"、、、", "，，，", "::::", "\t\r\n", "0", "00000000", "99999999999",
	"1e", "1.e5", "E+10", "+", "++86", "'", "'''", "(", "(0394",
	"3月", "月", "年月日", "至至至", "-至-", "---", "~", "下午",
	"2024/3/5 下午", "十十十", "廿卅", "一二三四五六七八九十一二三",
	"𠀀𠀁", "🔴🔴", "X", "XXXXXXXXXXXXXXXXXXXX",
	"某公司（法定代表人：", "张三，男，", "，男，45岁", "等5户", "8户等",
	"诉诉诉", "vs vs", "和和和", "与", "张三与", "与李四",
};

START_TEST(test_ledger_junk)
{
	const char *s = junk[_i];
	struct fq_ledger_date_ctx ctx = { 2024, 2024, true };
	struct fq_ledger_parties ps = FQ_LEDGER_PARTIES_INIT;
	struct fq_ledger_deadline dl;
	struct fq_ledger_phones ph;
	struct fq_ledger_date d;
	struct fq_ledger_id id;
	struct fq_buf b = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	long long fen;
	unsigned fl;
	int h, p, rc;
	size_t i;

	fq_ledger_normalize(&b, s);
	fq_buf_reset(&b);
	fq_ledger_header_key(&b, s);
	fq_buf_release(&b);
	(void)fq_ledger_is_ditto(s);
	(void)fq_ledger_is_placeholder(s);
	(void)fq_ledger_parse_color(s);

	rc = fq_ledger_parse_date(&d, s, &ctx, &err);
	ck_assert(rc == 0 || rc == FQ_EPARSE);
	ck_assert(rc == 0 || d.year == 0);
	rc = fq_ledger_parse_deadline(&dl, s, &d, &ctx, &err);
	ck_assert(rc == 0 || rc == FQ_EPARSE);
	rc = fq_ledger_parse_phones(&ph, s, &err);
	ck_assert(rc == 0 || rc == FQ_EPARSE);
	ck_assert_uint_le(ph.n, FQ_LEDGER_PHONES_MAX);
	rc = fq_ledger_parse_id_number(&id, s, &err);
	ck_assert(rc == 0 || rc == FQ_EPARSE);
	rc = fq_ledger_parse_amount(&fen, &fl, s, &err);
	ck_assert(rc == 0 || rc == FQ_EPARSE);
	rc = fq_ledger_parse_people(&h, &p, &fl, s, &err);
	ck_assert(rc == 0 || rc == FQ_EPARSE);
	ck_assert_int_eq(fq_ledger_parse_parties(&ps, s, &err), 0);
	for (i = 0; i < ps.n; i++)
		ck_assert_ptr_nonnull(ps.v[i].name);
	fq_ledger_parties_release(&ps);
}
END_TEST

START_TEST(test_ledger_long_cells)
{
	struct fq_ledger_date_ctx ctx = { 2024, 2024, true };
	struct fq_ledger_parties ps = FQ_LEDGER_PARTIES_INIT;
	struct fq_ledger_phones ph;
	struct fq_ledger_date d;
	struct fq_ledger_id id;
	struct fq_buf b = FQ_BUF_INIT;
	long long fen;
	unsigned fl;
	int i, h, p;

	for (i = 0; i < 2000; i++)
		fq_buf_adds(&b, "9");
	ck_assert_int_eq(fq_ledger_parse_date(&d, b.buf, &ctx, NULL),
		FQ_EPARSE);
	ck_assert_int_eq(fq_ledger_parse_phones(&ph, b.buf, NULL), FQ_EPARSE);
	ck_assert_uint_lt(strlen(ph.raw), FQ_LEDGER_TEXT_SIZE);
	ck_assert_int_eq(fq_ledger_parse_id_number(&id, b.buf, NULL),
		FQ_EPARSE);
	ck_assert_int_eq(fq_ledger_parse_amount(&fen, &fl, b.buf, NULL),
		FQ_EPARSE);
	ck_assert_int_eq(fq_ledger_parse_people(&h, &p, &fl, b.buf, NULL),
		FQ_EPARSE);
	fq_buf_reset(&b);
	for (i = 0; i < 1000; i++)
		fq_buf_adds(&b, "王");
	ck_assert_int_eq(fq_ledger_parse_parties(&ps, b.buf, NULL), 0);
	ck_assert_uint_eq(ps.n, 1);
	ck_assert_uint_eq(strlen(ps.v[0].name), 3000);
	fq_ledger_parties_release(&ps);
	ck_assert_int_eq(fq_ledger_parse_phones(&ph, b.buf, NULL), FQ_EPARSE);
	ck_assert_uint_lt(strlen(ph.raw), FQ_LEDGER_TEXT_SIZE);
	ck_assert_uint_eq(strlen(ph.raw) % 3, 0);
	fq_buf_release(&b);
}
END_TEST

/* err may be NULL, and a failure fills err with the code. */
START_TEST(test_ledger_errors)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_ledger_date d;
	struct fq_ledger_id id;

	ck_assert_int_eq(fq_ledger_parse_date(&d, "2024.13.5", NULL, NULL),
		FQ_EPARSE);
	ck_assert_int_eq(fq_ledger_parse_id_number(&id, "123", &err),
		FQ_EPARSE);
	ck_assert_int_eq(err.code, FQ_EPARSE);
	ck_assert_str_eq(err.msg, "not an identity card number: '123'");
	ck_assert_int_eq(fq_ledger_parse_date(&d, "2024.13.5", NULL, &err),
		FQ_EPARSE);
	ck_assert_str_eq(err.msg, "invalid date '2024.13.5'");
}
END_TEST

Suite *
fq_ledger_suite(void)
{
	Suite *s = suite_create("ledger");
	TCase *tc;

	tc = tcase_create("normalize");
	tcase_add_loop_test(tc, test_ledger_normalize, 0,
		N_(normalize_cases));
	tcase_add_test(tc, test_ledger_normalize_appends);
	tcase_add_loop_test(tc, test_ledger_header_key, 0, N_(header_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("marks");
	tcase_add_loop_test(tc, test_ledger_marks, 0, N_(mark_cases));
	tcase_add_test(tc, test_ledger_marks_null);
	tcase_add_test(tc, test_ledger_may_be_ditto);
	suite_add_tcase(s, tc);

	tc = tcase_create("date");
	tcase_add_loop_test(tc, test_ledger_date, 0, N_(date_cases));
	tcase_add_test(tc, test_ledger_date_defaults);
	tcase_add_test(tc, test_ledger_date_iso);
	tcase_add_test(tc, test_ledger_date_long_note);
	suite_add_tcase(s, tc);

	tc = tcase_create("deadline");
	tcase_add_loop_test(tc, test_ledger_deadline, 0, N_(deadline_cases));
	tcase_add_test(tc, test_ledger_deadline_ctx_year);
	suite_add_tcase(s, tc);

	tc = tcase_create("phones");
	tcase_add_loop_test(tc, test_ledger_phones, 0, N_(phone_cases));
	tcase_add_loop_test(tc, test_ledger_id_number, 0, N_(id_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("parties");
	tcase_add_loop_test(tc, test_ledger_parties, 0, N_(party_cases));
	tcase_add_test(tc, test_ledger_parties_biography_fields);
	tcase_add_test(tc, test_ledger_parties_append);
	tcase_add_test(tc, test_ledger_parties_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("amounts");
	tcase_add_loop_test(tc, test_ledger_amount, 0, N_(amount_cases));
	tcase_add_test(tc, test_ledger_amount_args);
	tcase_add_loop_test(tc, test_ledger_people, 0, N_(people_cases));
	tcase_add_test(tc, test_ledger_people_args);
	suite_add_tcase(s, tc);

	tc = tcase_create("color");
	tcase_add_loop_test(tc, test_ledger_color, 0, N_(color_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("robustness");
	tcase_add_loop_test(tc, test_ledger_junk, 0, N_(junk));
	tcase_add_test(tc, test_ledger_long_cells);
	tcase_add_test(tc, test_ledger_errors);
	suite_add_tcase(s, tc);

	return s;
}
