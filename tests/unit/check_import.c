/*
 * check_import.c: unit tests for the ledger importer (fq/import.h).
 *
 * The fixtures are the CSV files of tests/data/import/ (DOMAIN.md §4.1
 * header sets A to D and the §4.3 items); encodings other than UTF-8 are
 * made here with iconv(3) from the UTF-8 fixtures.
 */
#include <check.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fq/import.h"
#include "fq/lifecycle.h"
#include "fq/node.h"
#include "fq/schema.h"
#include "fixture.h"

Suite *fq_import_suite(void);

static fq_schema *sc;
static char *tmp;

static void
setup(void)
{
	struct fq_error err = FQ_ERROR_INIT;

	ck_assert_msg(fq_schema_load(&sc, FQ_TEST_SCHEMA_DIR, &err) == 0,
		"%s", err.msg);
	tmp = fq_test_tmpdir();
}

static void
teardown(void)
{
	fq_schema_free(sc);
	fq_test_rmtree(tmp);
	free(tmp);
}

/* What the callback saw. */
struct seen {
	size_t n, bad;
	struct fq_node *cases;		/* SEQ of the cases, in order */
	struct fq_buf problems;
	struct fq_buf warnings;
	unsigned first[64], last[64];
};

static int
collect(struct fq_import_record *rec, void *data)
{
	struct seen *s = data;

	if (s->n < 64) {
		s->first[s->n] = rec->row_first;
		s->last[s->n] = rec->row_last;
	}
	s->n++;
	fq_buf_add(&s->warnings, rec->warnings.buf, rec->warnings.len);
	if (!rec->c) {
		s->bad++;
		fq_buf_add(&s->problems, rec->problems.buf, rec->problems.len);
		return 0;
	}
	fq_seq_push(s->cases, rec->c);
	rec->c = NULL;
	return 0;
}

static void
seen_init(struct seen *s)
{
	memset(s, 0, sizeof(*s));
	s->cases = fq_node_new(FQ_NODE_SEQ);
	fq_buf_init(&s->problems);
	fq_buf_init(&s->warnings);
}

static void
seen_release(struct seen *s)
{
	fq_node_free(s->cases);
	fq_buf_release(&s->problems);
	fq_buf_release(&s->warnings);
}

/* Import path with the given encoding option and year. */
static int
run(const char *path, const char *encoding, int year, struct seen *s,
	struct fq_import_info *info, struct fq_error *err)
{
	struct fq_import_opts o;
	fq_importer *im = NULL;
	int ret;

	memset(&o, 0, sizeof(o));
	o.schema = sc;
	o.encoding = encoding;
	o.year = year;
	o.today = "2024-04-20";
	o.now = "2024-04-20T10:00:00+08:00";
	o.actor = "测试";
	ck_assert_int_eq(fq_importer_new(&im, &o, err), 0);
	ret = fq_import_file(im, path, collect, s, info, err);
	fq_importer_free(im);
	return ret;
}

static char *
fixture(const char *name)
{
	size_t n = strlen(FQ_TEST_DATA_DIR) + strlen(name) + 16;
	char *p = malloc(n);

	snprintf(p, n, "%s/import/%s", FQ_TEST_DATA_DIR, name);
	return p;
}

/* Convert a fixture to another encoding into tmp/name. */
static char *
convert(const char *src, const char *to, const char *name, bool bom,
	char delim_tab)
{
	char *in = fq_test_read_file(src), *path = fq_test_path(tmp, name);
	char *ip = in, *out, *op;
	size_t il, ol, cap;
	iconv_t cd = iconv_open(to, "UTF-8");
	FILE *f;

	ck_assert_ptr_nonnull(in);
	ck_assert(cd != (iconv_t)-1);
	if (!strncmp(ip, "\xEF\xBB\xBF", 3))
		ip += 3;
	if (delim_tab) {
		char *p;

		for (p = ip; *p; p++)
			if (*p == ',')
				*p = '\t';
	}
	il = strlen(ip);
	cap = il * 4 + 16;
	out = malloc(cap);
	op = out;
	ol = cap;
	ck_assert(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	iconv_close(cd);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	if (bom)
		fwrite("\xFF\xFE", 1, 2, f);
	fwrite(out, 1, (size_t)(op - out), f);
	fclose(f);
	free(out);
	free(in);
	return path;
}

static const struct fq_node *
party(const struct fq_node *c, size_t i)
{
	const struct fq_node *ps = fq_map_get(c, "parties");

	ck_assert_ptr_nonnull(ps);
	ck_assert_uint_gt(ps->len, i);
	return ps->vals[i];
}

static bool
has_flag(const struct fq_node *c, const char *flag)
{
	const struct fq_node *fl = fq_map_get(c, "flags");
	size_t i;

	for (i = 0; fl && i < fl->len; i++)
		if (!strcmp(fl->vals[i]->str, flag))
			return true;
	return false;
}

/* Ledger A in every encoding gives the same four cases. */
static void
check_register(const struct seen *s, const struct fq_import_info *info)
{
	const struct fq_node *c;

	ck_assert_uint_eq(s->n, 4);
	ck_assert_uint_eq(s->bad, 0);
	ck_assert_uint_eq(info->header_row, 2);
	ck_assert_int_eq(info->year, 2024);
	ck_assert_str_eq(info->year_from, "title");
	ck_assert_uint_eq(info->continuation, 1);
	ck_assert_uint_eq(info->footers, 2);
	ck_assert_uint_eq(info->blank, 1);
	ck_assert_uint_eq(s->first[0], 3);
	ck_assert_uint_eq(s->last[0], 4);
	c = s->cases->vals[0];
	ck_assert_str_eq(fq_map_str(c, "accepted_on"), "2024-03-05");
	ck_assert_str_eq(fq_map_str(c, "category"), "housing_homestead");
	ck_assert_str_eq(fq_map_str(c, "status"), "closed");
	ck_assert_str_eq(fq_map_str(c, "outcome"), "mediated_written");
	ck_assert_str_eq(fq_map_str(party(c, 1), "name"), "王某乙");
	ck_assert_str_eq(fq_map_str(party(c, 1), "role"), "respondent");
	ck_assert_str_eq(fq_map_str(party(c, 1), "age"), "49");
	ck_assert_ptr_null(fq_map_get(party(c, 1), "phones"));
	ck_assert(has_flag(c, "phone_lost_excel"));
	ck_assert_str_eq(fq_map_str(c, "imported_from"),
		"a-register.csv#row3-4");
	c = s->cases->vals[2];
	ck_assert_str_eq(fq_map_str(c, "accepted_on"), "2024-03-12");
	ck_assert(has_flag(c, "date_inferred"));
	ck_assert(has_flag(c, "ditto_copied"));
	ck_assert_uint_eq(fq_map_get(c, "mediators")->len, 2);
	c = s->cases->vals[3];
	ck_assert_str_eq(fq_map_str(c, "accepted_on"), "2024-03-18");
	ck_assert_str_eq(fq_map_str(c, "outcome"), "mediated_oral");
}

START_TEST(test_import_register_utf8)
{
	struct seen s;
	struct fq_import_info info;
	struct fq_error err = FQ_ERROR_INIT;
	char *p = fixture("a-register.csv");

	seen_init(&s);
	ck_assert_msg(run(p, NULL, 0, &s, &info, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(info.encoding, "UTF-8");
	ck_assert_str_eq(info.encoding_why, "valid UTF-8");
	ck_assert_int_eq(info.delimiter, ',');
	check_register(&s, &info);
	ck_assert_ptr_nonnull(strstr(info.mapping.buf, "当事人→parties"));
	fq_import_info_release(&info);
	seen_release(&s);
	free(p);
}
END_TEST

START_TEST(test_import_register_gb18030)
{
	struct seen s;
	struct fq_import_info info;
	struct fq_error err = FQ_ERROR_INIT;
	char *src = fixture("a-register.csv");
	char *p = convert(src, "GB18030", "a-register.csv", false, 0);

	seen_init(&s);
	ck_assert_msg(run(p, "auto", 0, &s, &info, &err) == 0, "%s",
		err.msg);
	ck_assert_str_eq(info.encoding, "GB18030");
	ck_assert_ptr_nonnull(strstr(info.encoding_why, "not valid UTF-8"));
	check_register(&s, &info);
	fq_import_info_release(&info);
	seen_release(&s);
	free(p);
	free(src);
}
END_TEST

START_TEST(test_import_register_utf16)
{
	struct seen s;
	struct fq_import_info info;
	struct fq_error err = FQ_ERROR_INIT;
	char *src = fixture("a-register.csv");
	char *p = convert(src, "UTF-16LE", "a-register.csv", true, 1);

	seen_init(&s);
	ck_assert_msg(run(p, NULL, 0, &s, &info, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(info.encoding, "UTF-16LE");
	ck_assert_int_eq(info.delimiter, '\t');
	/* the quoted "李某,陈某" became 李某\t陈某 inside quotes: one cell */
	check_register(&s, &info);
	fq_import_info_release(&info);
	seen_release(&s);
	free(p);
	free(src);
}
END_TEST

START_TEST(test_import_forced_utf8_on_gb18030)
{
	struct seen s;
	struct fq_import_info info;
	struct fq_error err = FQ_ERROR_INIT;
	char *src = fixture("d-archive.csv");
	char *p = convert(src, "GB18030", "d.csv", false, 0);

	/* --encoding utf-8: the bytes are taken as they are; no header
	 * can be found in them, and that is an error, not a guess */
	seen_init(&s);
	ck_assert_int_eq(run(p, "utf-8", 0, &s, &info, &err), FQ_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "no header row"));
	fq_import_info_release(&info);
	seen_release(&s);
	free(p);
	free(src);
}
END_TEST

START_TEST(test_import_undecodable)
{
	struct seen s;
	struct fq_import_info info;
	struct fq_error err = FQ_ERROR_INIT;
	char *p = fq_test_path(tmp, "bad.csv");
	FILE *f = fopen(p, "wb");

	/* GB18030 with a 0xFF byte: neither UTF-8 nor GB18030 */
	fputs("\xD0\xF2\xBA\xC5,\xCA\xDC\xC0\xED\xC8\xD5\xC6\xDA,"
		"\xB5\xB1\xCA\xC2\xC8\xCB,\xBC\xC0\xB7\xD7\xC0\xE0\xD0\xCD,"
		"\xBC\xF2\xD2\xAA\xC7\xE9\xBF\xF6\n"
		"1,2024-03-01,\xCD\xF5\xFF,x,y\n", f);
	fclose(f);
	seen_init(&s);
	ck_assert_int_eq(run(p, NULL, 0, &s, &info, &err), FQ_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot tell the encoding"));
	fq_import_info_release(&info);
	seen_release(&s);
	seen_init(&s);
	ck_assert_msg(run(p, "gb18030", 0, &s, &info, &err) == 0, "%s",
		err.msg);
	ck_assert_uint_eq(info.undecodable, 1);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(fq_map_str(party(s.cases->vals[0], 0), "name"),
		"王\\xFF");
	fq_import_info_release(&info);
	seen_release(&s);
	free(p);
}
END_TEST

START_TEST(test_import_two_row_header)
{
	struct seen s;
	struct fq_import_info info;
	struct fq_error err = FQ_ERROR_INIT;
	char *p = fixture("b-zongzhi.csv");
	const struct fq_node *c;

	seen_init(&s);
	ck_assert_msg(run(p, NULL, 0, &s, &info, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(info.header_rows, 2);
	ck_assert_ptr_nonnull(strstr(info.mapping.buf,
		"当事人/联系方式→phone"));
	ck_assert_uint_eq(s.n, 3);
	c = s.cases->vals[0];
	ck_assert_str_eq(fq_map_str(c, "reported_on"), "2024-03-02");
	ck_assert_str_eq(fq_map_str(c, "status"), "closed");
	ck_assert_str_eq(fq_map_str(c, "closed_on"), "2024-03-08");
	/* two names, two numbers: one each */
	ck_assert_str_eq(fq_map_get(party(c, 1), "phones")->vals[0]->str,
		"13800000003");
	c = s.cases->vals[1];
	ck_assert_str_eq(fq_map_str(c, "risk_color"), "red");
	ck_assert_str_eq(fq_map_str(c, "status"), "mediating");
	ck_assert_str_eq(fq_map_str(party(c, 1), "kind"), "organization");
	fq_import_info_release(&info);
	seen_release(&s);
	free(p);
}
END_TEST

START_TEST(test_import_bad_rows_all_named)
{
	struct seen s;
	struct fq_import_info info;
	struct fq_error err = FQ_ERROR_INIT;
	char *p = fixture("dates-bad.csv");

	seen_init(&s);
	ck_assert_msg(run(p, NULL, 0, &s, &info, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(s.n, 5);
	ck_assert_uint_eq(s.bad, 4);
	ck_assert_ptr_nonnull(strstr(s.problems.buf,
		"accepted_on: invalid date '2024.13.5'"));
	ck_assert_ptr_nonnull(strstr(s.problems.buf, "2月30日"));
	ck_assert_ptr_nonnull(strstr(s.problems.buf,
		"ambiguous: no year in '3月5日'"));
	ck_assert_ptr_nonnull(strstr(s.problems.buf, "accepted_on: no date"));
	fq_import_info_release(&info);
	seen_release(&s);
	free(p);
}
END_TEST

START_TEST(test_import_year_option)
{
	struct seen s;
	struct fq_import_info info;
	struct fq_error err = FQ_ERROR_INIT;
	char *p = fixture("dates-bad.csv");

	seen_init(&s);
	ck_assert_int_eq(run(p, NULL, 2022, &s, &info, &err), 0);
	ck_assert_str_eq(info.year_from, "--year");
	ck_assert_uint_eq(s.bad, 3);
	ck_assert_str_eq(fq_map_str(s.cases->vals[0], "accepted_on"),
		"2022-03-05");
	fq_import_info_release(&info);
	seen_release(&s);
	free(p);
}
END_TEST

/* A file much larger than a block is read in blocks, record by record. */
START_TEST(test_import_streaming)
{
	struct seen s;
	struct fq_import_info info;
	struct fq_error err = FQ_ERROR_INIT;
	char *p = fq_test_path(tmp, "big.csv");
	FILE *f = fopen(p, "wb");
	int i;

	fputs("序号,受理日期,当事人,纠纷类型,纠纷简要情况\r\n", f);
	for (i = 1; i <= 3000; i++)
		fprintf(f, "%d,2024-03-%02d,\"王某%d\n李某%d\",邻里纠纷,"
			"第%d号：噪音扰民，多次协调未果\r\n", i, i % 28 + 1, i, i, i);
	fclose(f);
	seen_init(&s);
	ck_assert_msg(run(p, NULL, 0, &s, &info, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(s.n, 3000);
	ck_assert_uint_eq(s.bad, 0);
	ck_assert_uint_eq(s.first[63], 65);
	ck_assert_uint_eq(fq_map_get(s.cases->vals[2999], "parties")->len, 2);
	ck_assert_str_eq(fq_map_str(party(s.cases->vals[2999], 1), "name"),
		"李某3000");
	fq_import_info_release(&info);
	seen_release(&s);
	free(p);
}
END_TEST

START_TEST(test_import_key)
{
	struct fq_node *c = fq_node_new(FQ_NODE_MAP), *ps, *p;
	struct fq_buf k = FQ_BUF_INIT;

	fq_map_set_str(c, "accepted_on", "2024-03-05");
	fq_map_set_str(c, "category", "neighbor");
	ps = fq_node_new(FQ_NODE_SEQ);
	p = fq_node_new(FQ_NODE_MAP);
	fq_map_set_str(p, "name", "王某乙");
	fq_seq_push(ps, p);
	p = fq_node_new(FQ_NODE_MAP);
	fq_map_set_str(p, "name", "王 某甲");
	fq_seq_push(ps, p);
	fq_map_set(c, "parties", ps);
	fq_import_key(&k, c, false);
	ck_assert_str_eq(k.buf, "2024-03-05|王某乙、王某甲|neighbor");
	fq_buf_reset(&k);
	fq_import_key(&k, c, true);
	ck_assert_str_eq(k.buf, "2024-03-05|王某乙|neighbor");
	fq_map_del(c, "accepted_on");
	fq_map_set_str(c, "reported_on", "2024-03-01");
	fq_buf_reset(&k);
	fq_import_key(&k, c, true);
	ck_assert_str_eq(k.buf, "2024-03-01|王某乙|neighbor");
	fq_buf_release(&k);
	fq_node_free(c);
}
END_TEST

START_TEST(test_import_merge)
{
	struct seen s1, s2;
	struct fq_import_info info;
	struct fq_error err = FQ_ERROR_INIT;
	char *m1 = fixture("month1.csv"), *m2 = fixture("month2.csv");
	struct fq_node *c, *same;

	seen_init(&s1);
	seen_init(&s2);
	ck_assert_int_eq(run(m1, NULL, 0, &s1, &info, &err), 0);
	fq_import_info_release(&info);
	ck_assert_int_eq(run(m2, NULL, 0, &s2, &info, &err), 0);
	fq_import_info_release(&info);
	c = s1.cases->vals[0];
	ck_assert_str_eq(fq_map_str(c, "status"), "mediating");
	/* the same record again: nothing changes */
	same = fq_node_dup(c);
	ck_assert(!fq_import_merge(same, s1.cases->vals[0], "now", "x"));
	fq_node_free(same);
	/* April closes it: later status wins, on the ledger's date */
	ck_assert(fq_import_merge(c, s2.cases->vals[0],
		"2024-04-20T10:00:00+08:00", "x"));
	ck_assert_str_eq(fq_map_str(c, "status"), "closed");
	ck_assert_str_eq(fq_map_str(c, "closed_on"), "2024-04-02");
	ck_assert_ptr_nonnull(fq_map_get(c, "agreement"));
	/* the history is on the ledger's dates */
	{
		const char *st, *oc;

		fq_case_state_at(c, "2024-03-04", &st, &oc);
		ck_assert_ptr_null(st);
		fq_case_state_at(c, "2024-03-31", &st, &oc);
		ck_assert_str_eq(st, "mediating");
		fq_case_state_at(c, "2024-04-02", &st, &oc);
		ck_assert_str_eq(st, "closed");
		ck_assert_str_eq(oc, "mediated_written");
	}
	/* an older ledger does not reopen it */
	ck_assert(!fq_import_merge(c, s1.cases->vals[0], "now", "x"));
	ck_assert_str_eq(fq_map_str(c, "status"), "closed");
	seen_release(&s1);
	seen_release(&s2);
	free(m1);
	free(m2);
}
END_TEST

START_TEST(test_import_csv_row)
{
	struct fq_buf b = FQ_BUF_INIT;
	const char *cells[] = { "a", "b,c", "say \"hi\"", "two\nlines", "",
		NULL };

	fq_csv_row(&b, cells, 6, ',');
	ck_assert_str_eq(b.buf,
		"a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",,\r\n");
	fq_buf_reset(&b);
	fq_csv_row(&b, cells, 2, '\t');
	ck_assert_str_eq(b.buf, "a\t\"b,c\"\r\n");
	fq_buf_release(&b);
}
END_TEST

START_TEST(test_import_encode)
{
	struct fq_buf b = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;

	ck_assert_int_eq(fq_import_encode(&b, "王某", 6, "GB18030", false,
		&err), 0);
	ck_assert_uint_eq(b.len, 4);
	ck_assert_int_eq(memcmp(b.buf, "\xCD\xF5\xC4\xB3", 4), 0);
	fq_buf_reset(&b);
	ck_assert_int_eq(fq_import_encode(&b, "a", 1, "UTF-16LE", true,
		&err), 0);
	ck_assert_uint_eq(b.len, 4);
	ck_assert_int_eq(memcmp(b.buf, "\xFF\xFE" "a\0", 4), 0);
	fq_buf_reset(&b);
	ck_assert_int_eq(fq_import_encode(&b, "a", 1, "UTF-8 (BOM)", true,
		&err), 0);
	ck_assert_int_eq(memcmp(b.buf, "\xEF\xBB\xBF" "a", 4), 0);
	fq_buf_release(&b);
}
END_TEST

START_TEST(test_import_rules)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_import_rules *r = NULL;
	char *p = fq_test_path(tmp, "rules.yaml");

	fq_test_write_file(p, "headers:\n  原告: applicant\n"
		"defaults:\n  year: 2023\n  category: 邻里纠纷\n");
	ck_assert_msg(fq_import_rules_load(&r, p, sc, &err) == 0, "%s",
		err.msg);
	fq_import_rules_free(r);
	fq_test_write_file(p, "headers:\n  原告: plaintiff\n");
	ck_assert_int_eq(fq_import_rules_load(&r, p, sc, &err), FQ_EINVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "unknown field 'plaintiff'"));
	ck_assert_ptr_null(r);
	fq_test_write_file(p, "defaults:\n  year: 24\n");
	ck_assert_int_eq(fq_import_rules_load(&r, p, sc, &err), FQ_EINVALID);
	fq_test_write_file(p, "mapping:\n  a: b\n");
	ck_assert_int_eq(fq_import_rules_load(&r, p, sc, &err), FQ_EINVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "unknown key 'mapping'"));
	free(p);
}
END_TEST

/* The year from the file name when the title has none. */
START_TEST(test_import_year_from_file_name)
{
	struct seen s;
	struct fq_import_info info;
	struct fq_error err = FQ_ERROR_INIT;
	char *p = fq_test_path(tmp, "姚集2022登记簿.csv");

	fq_test_write_file(p, "序号,受理日期,当事人,纠纷类型,纠纷简要情况\n"
		"1,3月5日,王某,邻里纠纷,噪音\n");
	seen_init(&s);
	ck_assert_msg(run(p, NULL, 0, &s, &info, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(info.year_from, "file name");
	ck_assert_str_eq(fq_map_str(s.cases->vals[0], "accepted_on"),
		"2022-03-05");
	fq_import_info_release(&info);
	seen_release(&s);
	/* a title row with a year wins over the file name */
	fq_test_write_file(p, "青山镇2021年台账\n"
		"序号,受理日期,当事人,纠纷类型,纠纷简要情况\n"
		"1,3月5日,王某,邻里纠纷,噪音\n");
	seen_init(&s);
	ck_assert_msg(run(p, NULL, 0, &s, &info, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(info.year_from, "title");
	ck_assert_str_eq(fq_map_str(s.cases->vals[0], "accepted_on"),
		"2021-03-05");
	fq_import_info_release(&info);
	seen_release(&s);
	free(p);
}
END_TEST

START_TEST(test_import_no_header)
{
	struct seen s;
	struct fq_import_info info;
	struct fq_error err = FQ_ERROR_INIT;
	char *p = fq_test_path(tmp, "nohdr.csv");

	fq_test_write_file(p, "a,b,c\n1,2,3\n");
	seen_init(&s);
	ck_assert_int_eq(run(p, NULL, 0, &s, &info, &err), FQ_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "no header row"));
	fq_import_info_release(&info);
	seen_release(&s);
	ck_assert_int_eq(run("/nonexistent/x.csv", NULL, 0, &s, &info, &err),
		FQ_ENOTFOUND);
	free(p);
}
END_TEST

/* Everything a record holds, as text, for comparing two runs; stops
 * (returns 7) at record stop_at if it is not 0. */
struct transcript {
	struct fq_buf t;
	size_t n, stop_at;
};

static int
transcribe(struct fq_import_record *rec, void *data)
{
	struct transcript *tr = data;
	struct fq_error err = FQ_ERROR_INIT;
	size_t i, j;

	tr->n++;
	fq_buf_addf(&tr->t, "%s %u-%u id=%s docket=%s\n", rec->file,
		rec->row_first, rec->row_last,
		rec->case_id ? rec->case_id : "-",
		rec->docket_no ? rec->docket_no : "-");
	for (i = 0; i < rec->nrows; i++) {
		for (j = 0; j < rec->ncells[i]; j++)
			fq_buf_addf(&tr->t, "%s|", rec->rows[i][j]);
		fq_buf_addch(&tr->t, '\n');
	}
	fq_buf_add(&tr->t, rec->warnings.buf, rec->warnings.len);
	fq_buf_add(&tr->t, rec->problems.buf, rec->problems.len);
	if (rec->c)
		ck_assert_int_eq(fq_yaml_emit(&tr->t, rec->c, &err), 0);
	/* take every other case, as a caller may */
	if (rec->c && tr->n % 2) {
		fq_node_free(rec->c);
		rec->c = NULL;
	}
	return tr->stop_at && tr->n == tr->stop_at ? 7 : 0;
}

static int
transcribe_file(const char *path, const char *threads, size_t stop_at,
	struct transcript *tr)
{
	struct fq_import_opts o;
	struct fq_import_info info;
	struct fq_error err = FQ_ERROR_INIT;
	fq_importer *im = NULL;
	int ret;

	memset(tr, 0, sizeof(*tr));
	fq_buf_init(&tr->t);
	tr->stop_at = stop_at;
	memset(&o, 0, sizeof(o));
	o.schema = sc;
	o.today = "2024-04-20";
	o.now = "2024-04-20T10:00:00+08:00";
	if (threads)
		setenv("FQ_IMPORT_THREADS", threads, 1);
	else
		unsetenv("FQ_IMPORT_THREADS");
	ck_assert_int_eq(fq_importer_new(&im, &o, &err), 0);
	ret = fq_import_file(im, path, transcribe, tr, &info, &err);
	if (!ret) {
		fq_buf_addf(&tr->t, "records %zu rows %zu blank %zu\n",
			info.records, info.rows, info.blank);
		fq_importer_categories(im, &tr->t);
	}
	fq_import_info_release(&info);
	fq_importer_free(im);
	unsetenv("FQ_IMPORT_THREADS");
	return ret;
}

/* The file read on a thread of its own, the callback on the caller's:
 * the same records in the same order as on one thread, each owning its
 * rows and cells; a callback's non-zero return stops the reading and is
 * returned, with no record after it. */
START_TEST(test_import_threads)
{
	char *p = fq_test_path(tmp, "many.csv");
	FILE *f = fopen(p, "wb");
	struct transcript one, two;
	int i;

	fputs("序号,受理日期,当事人,纠纷类型,纠纷简要情况,案号,fq编号\r\n", f);
	for (i = 1; i <= 1500; i++) {
		if (i % 97 == 0)	/* a bad date */
			fprintf(f, "%d,2024-13-%02d,王某%d,邻里纠纷,噪音,,\r\n",
				i, i % 28 + 1, i);
		else if (i % 89 == 0)	/* a continuation row follows */
			fprintf(f, "%d,2024-03-%02d,王某%d,婚姻家庭,争吵,"
				"（2024）青调字第%d号,QSZ-2024-%06d\r\n,,李某%d,,,,"
				"\r\n", i, i % 28 + 1, i, i, i, i);
		else
			fprintf(f, "%d,3月%d日,\"王某%d\n李某%d\",%s,"
				"第%d号,,\r\n", i, i % 28 + 1, i, i,
				i % 3 ? "邻里纠纷" : "土地", i);
	}
	fclose(f);
	ck_assert_int_eq(transcribe_file(p, "1", 0, &one), 0);
	ck_assert_int_eq(transcribe_file(p, NULL, 0, &two), 0);
	ck_assert_uint_eq(one.n, 1500);
	ck_assert_uint_eq(two.n, 1500);
	ck_assert_ptr_nonnull(strstr(one.t.buf, "QSZ-2024-000089"));
	ck_assert_ptr_nonnull(strstr(one.t.buf, "李某89|"));
	ck_assert_str_eq(two.t.buf, one.t.buf);
	fq_buf_release(&one.t);
	fq_buf_release(&two.t);

	ck_assert_int_eq(transcribe_file(p, "1", 300, &one), 7);
	ck_assert_int_eq(transcribe_file(p, "2", 300, &two), 7);
	ck_assert_uint_eq(one.n, 300);
	ck_assert_uint_eq(two.n, 300);
	ck_assert_str_eq(two.t.buf, one.t.buf);
	fq_buf_release(&one.t);
	fq_buf_release(&two.t);
	ck_assert_int_eq(transcribe_file(p, NULL, 1, &two), 7);
	ck_assert_uint_eq(two.n, 1);
	fq_buf_release(&two.t);
	free(p);
}
END_TEST

Suite *
fq_import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("import");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_import_register_utf8);
	tcase_add_test(tc, test_import_register_gb18030);
	tcase_add_test(tc, test_import_register_utf16);
	tcase_add_test(tc, test_import_forced_utf8_on_gb18030);
	tcase_add_test(tc, test_import_undecodable);
	tcase_add_test(tc, test_import_two_row_header);
	tcase_add_test(tc, test_import_bad_rows_all_named);
	tcase_add_test(tc, test_import_year_option);
	tcase_add_test(tc, test_import_streaming);
	tcase_add_test(tc, test_import_key);
	tcase_add_test(tc, test_import_merge);
	tcase_add_test(tc, test_import_csv_row);
	tcase_add_test(tc, test_import_encode);
	tcase_add_test(tc, test_import_rules);
	tcase_add_test(tc, test_import_year_from_file_name);
	tcase_add_test(tc, test_import_no_header);
	tcase_add_test(tc, test_import_threads);
	suite_add_tcase(s, tc);
	return s;
}
