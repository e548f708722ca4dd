/*
 * check_text.c: display width, masking of personal data, and JSON
 * (lib/text.c).
 *
 * JSON output is checked two ways: exact strings for small trees, and a
 * small strict JSON reader (RFC 8259 grammar, no extensions) for
 * everything, so that a value the schema types as a number can never
 * produce text a JSON reader refuses.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "fq/node.h"
#include "fq/schema.h"
#include "fq/text.h"

#ifndef FQ_TEST_SCHEMA_DIR
#error "FQ_TEST_SCHEMA_DIR must name the source tree's schemas directory"
#endif
#ifndef FQ_TEST_DATA_DIR
#error "FQ_TEST_DATA_DIR must name the source tree's tests/data directory"
#endif

Suite *fq_text_suite(void);

static fq_schema *sc;

static void
schema_setup(void)
{
	sc = fq_test_schema();
}

static void
schema_teardown(void)
{
	fq_schema_free(sc);
	sc = NULL;
}

/*
 * Display width.
 */

static const struct {
	const char *s;
	size_t width;
} widths[] = {
	{ "", 0 },
	{ "abc", 3 },
	{ "QSZ-2024-000001", 15 },
	{ "中文", 4 },
	{ "调解员王五", 10 },
	{ "a中b", 4 },
	{ "ＡＢＣ", 6 },			/* full-width forms */
	{ "１２３", 6 },
	{ "，。！", 6 },			/* CJK punctuation */
	{ "（）", 4 },
	{ "「」【】", 8 },
	{ "ｶﾀｶﾅ", 4 },			/* half-width katakana */
	{ "かな", 4 },
	{ "한국", 4 },
	{ "é", 1 },			/* precomposed */
	{ "e\xcc\x81", 1 },		/* e + combining acute */
	{ "a\xcc\x88\xcc\x81", 1 },	/* two combining marks */
	{ "x\xe1\xb7\x84", 1 },		/* U+1DC4 combining supplement */
	{ "x\xe2\x83\x97", 1 },		/* U+20D7 combining for symbols */
	{ "x\xef\xb8\xa0", 1 },		/* U+FE20 combining half mark */
	{ "a\xe2\x80\x8b" "b", 2 },	/* zero-width space */
	{ "😀", 2 },			/* U+1F600 */
	{ "👍", 2 },			/* U+1F44D */
	{ "🚀", 2 },			/* U+1F680 */
	{ "🤝", 2 },			/* U+1F91D */
	{ "🫠", 2 },			/* U+1FAE0 */
	{ "✅", 2 },			/* U+2705 */
	{ "⚡", 2 },			/* U+26A1 */
	{ "⭐", 2 },			/* U+2B50 */
	{ "吉𠮷", 4 },			/* CJK extension B */
	{ "…", 1 },
	{ "—", 1 },
	{ "·", 1 },
	{ "№", 1 },
	{ "\033[31m调解中\033[0m", 6 },	/* colour takes no columns */
	{ "\033[1;31ma\033[m", 1 },
};

START_TEST(test_text_display_width)
{
	ck_assert_msg(fq_display_width(widths[_i].s) == widths[_i].width,
		"'%s': %zu, want %zu", widths[_i].s,
		fq_display_width(widths[_i].s), widths[_i].width);
}
END_TEST

/* Invalid UTF-8 does not crash or read past the end; each bad byte takes
 * a column at most. */
static const char *const bad_utf8[] = {
	"\xff", "\x80", "\xc3", "\xe4\xb8", "中\xe4", "\xf0\x9f\x98",
	"a\xff" "b", "\xf8\x88\x80\x80\x80", "\xe4\x41\x42",
};

START_TEST(test_text_display_width_invalid)
{
	const char *s = bad_utf8[_i];
	size_t w = fq_display_width(s);
	struct fq_buf b = FQ_BUF_INIT;

	ck_assert_uint_le(w, 2 * strlen(s));
	/* Cutting and padding such text must not crash either. */
	fq_buf_add_cols(&b, s, 3, true);
	ck_assert_uint_ge(b.len, 1);
	fq_buf_reset(&b);
	fq_buf_add_cols(&b, s, 1, false);
	fq_buf_release(&b);
}
END_TEST

/* Test: cut and pad to a column width
 * Description: text that fits is kept (and padded if asked); longer text
 * is cut at a character boundary with "…" so that it takes at most the
 * width, exactly the width when padded. */
static const struct {
	const char *s;
	size_t width;
	bool pad;
	const char *want;
} cols[] = {
	{ "abc", 5, true, "abc  " },
	{ "abc", 5, false, "abc" },
	{ "abc", 3, true, "abc" },
	{ "abcd", 3, true, "ab…" },
	{ "abcdef", 4, false, "abc…" },
	{ "abcdef", 1, true, "…" },
	{ "abcdef", 0, true, "" },
	{ "", 0, true, "" },
	{ "", 3, true, "   " },
	{ "", 3, false, "" },
	{ "中文", 4, true, "中文" },
	{ "中文", 6, true, "中文  " },
	{ "中文字符", 5, true, "中文…" },
	{ "中文字符", 4, true, "中… " },
	{ "中文字符", 4, false, "中…" },
	{ "中文字符", 2, true, "… " },
	{ "中文字符", 1, true, "…" },
	{ "a中文", 4, true, "a中…" },
	{ "a中文", 3, true, "a… " },
	{ "ｶﾀｶﾅ", 3, true, "ｶﾀ…" },
	{ "e\xcc\x81" "tude", 3, true, "e\xcc\x81t…" },
	{ "😀😀", 3, true, "😀…" },
};

START_TEST(test_text_add_cols)
{
	struct fq_buf b = FQ_BUF_INIT;
	size_t w;

	fq_buf_adds(&b, "|");
	fq_buf_add_cols(&b, cols[_i].s, cols[_i].width, cols[_i].pad);
	ck_assert_str_eq(b.buf + 1, cols[_i].want);
	ck_assert_int_eq(b.buf[0], '|');
	w = fq_display_width(b.buf + 1);
	ck_assert_uint_le(w, cols[_i].width);
	if (cols[_i].pad)
		ck_assert_uint_eq(w, cols[_i].width);
	fq_buf_release(&b);
}
END_TEST

/*
 * Masking.
 */

static const struct {
	const char *in, *want;
} phones[] = {
	{ "13800000001", "138****0001" },
	{ "13912345678", "139****5678" },
	{ "0394-5550001", "0394-***0001" },
	{ "0394-55500012", "0394-****0012" },
	{ "010-12345678", "010-****5678" },
	{ "+8613800000001", "+86*******0001" },
	{ "12345678", "123*5678" },
	{ "1234567", "*******" },		/* short: masked whole */
	{ "110", "***" },
	{ "0394-12", "*******" },
	{ "", "" },
};

START_TEST(test_text_mask_phone)
{
	struct fq_buf b = FQ_BUF_INIT;

	fq_buf_adds(&b, ">");
	fq_mask_phone(&b, phones[_i].in);
	ck_assert_str_eq(b.buf + 1, phones[_i].want);
	ck_assert_uint_eq(b.len - 1, strlen(phones[_i].in));
	fq_buf_release(&b);
}
END_TEST

static const struct {
	const char *in, *want;
} ids[] = {
	{ "41162719720304123X", "4116**********123X" },
	{ "411627197203041234", "4116**********1234" },
	{ "411627720304123", "4116*******4123" },	/* old 15 digits */
	{ "1234567890", "1234**7890" },
	{ "123456789", "*********" },			/* short */
	{ "12", "**" },
	{ "", "" },
};

START_TEST(test_text_mask_id_number)
{
	struct fq_buf b = FQ_BUF_INIT;

	fq_mask_id_number(&b, ids[_i].in);
	ck_assert_str_eq(b.buf, ids[_i].want);
	fq_buf_release(&b);
}
END_TEST

static const struct {
	const char *in, *want;
	size_t n;
} texts[] = {
	{ "请拨打13800000001联系", "请拨打138****0001联系", 1 },
	{ "座机0394-5550001，手机13912345678", "座机0394-***0001，手机139****5678",
	  2 },
	{ "身份证41162719720304123X。", "身份证4116**********123X。", 1 },
	{ "旧证411627720304123", "旧证4116*******4123", 1 },
	{ "涉及金额8000元，2024年3月5日", "涉及金额8000元，2024年3月5日", 0 },
	{ "QSZ-2024-000001", "QSZ-2024-000001", 0 },
	{ "23800000001", "23800000001", 0 },		/* not a mobile */
	{ "", "", 0 },
};

START_TEST(test_text_mask_text)
{
	struct fq_buf b = FQ_BUF_INIT;

	ck_assert_uint_eq(fq_mask_text(&b, texts[_i].in), texts[_i].n);
	ck_assert_str_eq(b.buf, texts[_i].want);
	fq_buf_release(&b);
}
END_TEST

/* Replace the value of a scalar node in place. */
static void
set_str(struct fq_node *n, const char *s)
{
	ck_assert_int_eq(n->kind, FQ_NODE_SCALAR);
	free(n->str);
	n->str = strdup(s);
	ck_assert_ptr_nonnull(n->str);
}

/* Test: masking a case tree
 * Description: the party fields the schema marks pii (phones, id_number)
 * are masked, and numbers typed into text fields; names, dates, ints,
 * the ID and unknown fields are left as they are.  The rest of the tree
 * is compared whole. */
START_TEST(test_text_mask_tree)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c = NULL, *want, *p0, *p1, *ev;
	size_t n;

	ck_assert_int_eq(fq_yaml_load(&c, FQ_TEST_DATA_DIR
		"/cases/valid-basic.yaml", &err), FQ_OK);
	/* Things that look like personal data but are not pii fields. */
	fq_map_set(c, "people_involved", fq_node_scalar("13800000009"));
	fq_map_set_str(c, "unknown_phone", "13800000008");
	fq_map_set_str(c, "docket_no", "41162719720304123X");
	ev = fq_map_get(c, "events")->vals[0];
	fq_map_set_str(ev, "note", "张三来所申请调解，电话13800000007");
	/* An empty phone is left alone and not counted. */
	p1 = fq_map_get(c, "parties")->vals[1];
	fq_seq_push(fq_map_get(p1, "phones"), fq_node_text(""));

	want = fq_node_dup(c);
	p0 = fq_map_get(want, "parties")->vals[0];
	fq_map_set_str(p0, "id_number", "4116**********1234");
	set_str(fq_map_get(p0, "phones")->vals[0], "138****0001");
	set_str(fq_map_get(p0, "phones")->vals[1], "0394-***0001");
	p1 = fq_map_get(want, "parties")->vals[1];
	set_str(fq_map_get(p1, "phones")->vals[0], "139****0002");
	fq_map_set_str(want, "docket_no", "4116**********123X");
	ev = fq_map_get(want, "events")->vals[0];
	fq_map_set_str(ev, "note", "张三来所申请调解，电话138****0007");

	n = fq_mask_tree(sc, "case", c);
	ck_assert_uint_eq(n, 6);
	ck_assert_str_eq(fq_map_str(fq_map_get(c, "parties")->vals[0],
		"id_number"), "4116**********1234");
	ck_assert_str_eq(fq_map_str(c, "people_involved"), "13800000009");
	ck_assert_str_eq(fq_map_str(c, "unknown_phone"), "13800000008");
	ck_assert_str_eq(fq_map_str(c, "id"), "QSZ-2024-000001");
	ck_assert_msg(fq_node_equal(c, want), "masked tree differs");

	/* Masking again finds nothing left to mask in pii-free text, and
	 * never unmasks. */
	fq_mask_tree(sc, "case", c);
	ck_assert_msg(fq_node_equal(c, want), "masked twice differs");
	fq_node_free(c);
	fq_node_free(want);
}
END_TEST

/* A tree that is not a case, or a record the schema does not have,
 * has nothing to mask. */
START_TEST(test_text_mask_tree_other)
{
	struct fq_node *seq = fq_test_parse("- 13800000001\n");
	struct fq_node *m = fq_test_parse("phones: [\"13800000001\"]\n");

	ck_assert_uint_eq(fq_mask_tree(sc, "case", seq), 0);
	ck_assert_str_eq(seq->vals[0]->str, "13800000001");
	ck_assert_uint_eq(fq_mask_tree(sc, "no_such_record", m), 0);
	ck_assert_uint_eq(fq_mask_tree(sc, "party", m), 1);
	ck_assert_str_eq(fq_map_get(m, "phones")->vals[0]->str, "138****0001");
	fq_node_free(seq);
	fq_node_free(m);
}
END_TEST

/*
 * JSON.
 */

/* A strict JSON reader: returns the end of the value at p, or NULL. */
static const char *json_value(const char *p, int depth);

static const char *
json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *
json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20)		/* raw control characters, and NUL */
			return NULL;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 5;
				continue;
			}
			if (!strchr("\"\\/bfnrt", *p) || !*p)
				return NULL;
		}
		p++;
	}
	return p + 1;
}

static const char *
json_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (isdigit((unsigned char)*p))
			p++;
	else
		return NULL;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	/* A number must not run into more digits ("007" is 0 then "07"). */
	return isdigit((unsigned char)*p) ? NULL : p;
}

static const char *
json_value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = json_ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';

		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				p = json_string(json_ws(p));
				if (!p)
					return NULL;
				p = json_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			p = json_value(p, depth + 1);
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return json_string(p);
	if (!strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (!strncmp(p, "null", 4))
		return p + 4;
	return json_number(p);
}

static bool
json_valid(const char *s)
{
	const char *end = json_value(s, 0);

	return end && !*json_ws(end);
}

/* The reader itself, so that a pass means something. */
static const struct {
	const char *s;
	bool ok;
} json_samples[] = {
	{ "{}", true }, { "[]", true }, { "\"x\"", true }, { "0", true },
	{ "-0.5", true }, { "{\"a\": [1, true, null, \"\\u00e9\"]}", true },
	{ "007", false }, { "1.", false }, { ".5", false }, { "+1", false },
	{ "\"a\nb\"", false }, { "\"\\x\"", false }, { "{a: 1}", false },
	{ "[1,]", false }, { "{\"a\":1,}", false }, { "tru", false },
	{ "\"abc", false }, { "1 2", false },
};

START_TEST(test_text_json_reader)
{
	ck_assert_msg(json_valid(json_samples[_i].s) == json_samples[_i].ok,
		"'%s'", json_samples[_i].s);
}
END_TEST

static const struct {
	const char *in, *want;
} json_strs[] = {
	{ "", "\"\"" },
	{ "abc", "\"abc\"" },
	{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
	{ "a\\b", "\"a\\\\b\"" },
	{ "C:\\dir\\", "\"C:\\\\dir\\\\\"" },
	{ "line1\nline2", "\"line1\\nline2\"" },
	{ "tab\there", "\"tab\\there\"" },
	{ "cr\r", "\"cr\\r\"" },
	{ "\x01\x1f", "\"\\u0001\\u001f\"" },
	{ "bell\a", "\"bell\\u0007\"" },
	{ "\b\f", "\"\\u0008\\u000c\"" },
	{ "张三 😀", "\"张三 😀\"" },			/* UTF-8 untouched */
	{ "a/b", "\"a/b\"" },
	{ "\x7f", "\"\x7f\"" },
};

START_TEST(test_text_json_str)
{
	struct fq_buf b = FQ_BUF_INIT;

	fq_buf_adds(&b, "x=");
	fq_json_str(&b, json_strs[_i].in);
	ck_assert_str_eq(b.buf + 2, json_strs[_i].want);
	ck_assert(json_valid(b.buf + 2));
	fq_buf_release(&b);
}
END_TEST

static const char json_case[] =
	"id: QSZ-2024-000001\n"
	"title: \"123\"\n"
	"people_involved: 12\n"
	"households_involved: 12a\n"
	"amount_in_dispute: 800.50\n"
	"docs:\n"
	"  application: true\n"
	"  notice: false\n"
	"  record: yes\n"
	"parties:\n"
	"- name: 张三\n"
	"  age: 52\n"
	"  is_minor: false\n"
	"  phones: [\"13800000001\"]\n"
	"extensions:\n"
	"- \"on\": 2024-03-01\n"
	"  consent: true\n"
	"claims: []\n"
	"agreement: {}\n"
	"extra: 5\n"
	"extra_map: {n: 1}\n"
	"outcome: ~\n";

/* Test: JSON typed by the schema
 * Description: int and money fields (valid values only) are numbers,
 * bool fields true/false, everything else, unknown fields included, a
 * string; null is null. */
START_TEST(test_text_json_node_line)
{
	struct fq_node *c = fq_test_parse(json_case);
	struct fq_buf b = FQ_BUF_INIT;

	fq_json_node(&b, sc, "case", c, -1);
	ck_assert_str_eq(b.buf,
		"{\"id\":\"QSZ-2024-000001\",\"title\":\"123\","
		"\"people_involved\":12,\"households_involved\":\"12a\","
		"\"amount_in_dispute\":800.50,"
		"\"docs\":{\"application\":true,\"notice\":false,"
		"\"record\":\"yes\"},"
		"\"parties\":[{\"name\":\"张三\",\"age\":52,\"is_minor\":false,"
		"\"phones\":[\"13800000001\"]}],"
		"\"extensions\":[{\"on\":\"2024-03-01\",\"consent\":true}],"
		"\"claims\":[],\"agreement\":{},"
		"\"extra\":\"5\",\"extra_map\":{\"n\":\"1\"},\"outcome\":null}");
	ck_assert(json_valid(b.buf));
	fq_buf_release(&b);
	fq_node_free(c);
}
END_TEST

START_TEST(test_text_json_node_indent)
{
	struct fq_node *c = fq_test_parse(
		"id: QSZ-2024-000001\n"
		"people_involved: 2\n"
		"parties:\n"
		"- name: 张三\n"
		"  phones: [\"13800000001\", \"13900000002\"]\n"
		"claims: []\n"
		"docs: {application: true}\n");
	struct fq_buf b = FQ_BUF_INIT;

	fq_json_node(&b, sc, "case", c, 2);
	ck_assert_str_eq(b.buf,
		"{\n"
		"  \"id\": \"QSZ-2024-000001\",\n"
		"  \"people_involved\": 2,\n"
		"  \"parties\": [\n"
		"    {\n"
		"      \"name\": \"张三\",\n"
		"      \"phones\": [\n"
		"        \"13800000001\",\n"
		"        \"13900000002\"\n"
		"      ]\n"
		"    }\n"
		"  ],\n"
		"  \"claims\": [],\n"
		"  \"docs\": {\n"
		"    \"application\": true\n"
		"  }\n"
		"}");
	ck_assert(json_valid(b.buf));
	fq_buf_release(&b);
	fq_node_free(c);
}
END_TEST

/* Test: numbers are always valid JSON
 * Description: the schema accepts ints and amounts with leading zeros
 * ("007", "0800.50"); JSON numbers may not have them. */
static const struct {
	const char *key, *value, *want;
} json_numbers[] = {
	{ "people_involved", "7", "7" },
	{ "people_involved", "0", "0" },
	{ "people_involved", "-3", "-3" },
	{ "people_involved", "007", "7" },
	{ "people_involved", "000", "0" },
	{ "people_involved", "-007", "-7" },
	{ "amount_in_dispute", "0.5", "0.5" },
	{ "amount_in_dispute", "0800.50", "800.50" },
	{ "amount_in_dispute", "00.01", "0.01" },
	{ "amount_in_dispute", "1.234", "\"1.234\"" },	/* not money */
	{ "people_involved", "1e3", "\"1e3\"" },		/* not an int */
	{ "title", "007", "\"007\"" },
};

START_TEST(test_text_json_numbers)
{
	struct fq_node *c = fq_node_new(FQ_NODE_MAP);
	struct fq_buf b = FQ_BUF_INIT, want = FQ_BUF_INIT;

	fq_map_set(c, json_numbers[_i].key,
		fq_node_scalar(json_numbers[_i].value));
	fq_json_node(&b, sc, "case", c, -1);
	fq_buf_addf(&want, "{\"%s\":%s}", json_numbers[_i].key,
		json_numbers[_i].want);
	ck_assert_str_eq(b.buf, want.buf);
	ck_assert_msg(json_valid(b.buf), "not JSON: %s", b.buf);
	fq_buf_release(&b);
	fq_buf_release(&want);
	fq_node_free(c);
}
END_TEST

/* Every case file in tests/data gives valid JSON, in both layouts, and
 * without a record (all strings). */
static const char *const json_files[] = {
	"valid-basic.yaml", "valid-full.yaml", "invalid-types.yaml",
};

START_TEST(test_text_json_files)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c = NULL;
	struct fq_buf b = FQ_BUF_INIT;
	char path[512];

	snprintf(path, sizeof(path), "%s/cases/%s", FQ_TEST_DATA_DIR,
		json_files[_i]);
	ck_assert_int_eq(fq_yaml_load(&c, path, &err), FQ_OK);
	fq_json_node(&b, sc, "case", c, -1);
	ck_assert_msg(json_valid(b.buf), "%s", b.buf);
	ck_assert_ptr_null(strchr(b.buf, '\n'));
	fq_buf_reset(&b);
	fq_json_node(&b, sc, "case", c, 4);
	ck_assert_msg(json_valid(b.buf), "%s", b.buf);
	fq_buf_reset(&b);
	fq_json_node(&b, sc, NULL, c, 2);
	ck_assert_msg(json_valid(b.buf), "%s", b.buf);
	/* Without a record, numbers are strings. */
	ck_assert_ptr_nonnull(strstr(b.buf, "\"people_involved\": \""));
	fq_buf_release(&b);
	fq_node_free(c);
}
END_TEST

/* Test: one CSV field
 * Description: RFC 4180 quoting, the same for the import's rejects file,
 * fq list --format csv and the report: quoted only when needed, quotes
 * doubled, NULL as empty. */
static const struct { const char *in; char delim; const char *want; } csv_fields[] = {
	{ "王某甲", ',', "王某甲" },
	{ "", ',', "" },
	{ NULL, ',', "" },
	{ "a,b", ',', "\"a,b\"" },
	{ "说\"不\"", ',', "\"说\"\"不\"\"\"" },
	{ "两行\n文字", ',', "\"两行\n文字\"" },
	{ "cr\r", ',', "\"cr\r\"" },
	{ "tab\there", ',', "\"tab\there\"" },
	{ " leading", ',', "\" leading\"" },
	{ "a;b", ';', "\"a;b\"" },
	{ "a;b", ',', "a;b" },
};

START_TEST(test_text_csv_field)
{
	struct fq_buf b = FQ_BUF_INIT;

	fq_buf_adds(&b, "x");
	fq_csv_field(&b, csv_fields[_i].in, csv_fields[_i].delim);
	ck_assert_str_eq(b.buf + 1, csv_fields[_i].want);
	fq_buf_release(&b);
}
END_TEST

Suite *
fq_text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc;

#define LOOP(tc, fn, table) \
	tcase_add_loop_test(tc, fn, 0, \
		(int)(sizeof(table) / sizeof((table)[0])))

	tc = tcase_create("width");
	LOOP(tc, test_text_display_width, widths);
	LOOP(tc, test_text_display_width_invalid, bad_utf8);
	LOOP(tc, test_text_add_cols, cols);
	suite_add_tcase(s, tc);

	tc = tcase_create("mask");
	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	LOOP(tc, test_text_mask_phone, phones);
	LOOP(tc, test_text_mask_id_number, ids);
	LOOP(tc, test_text_mask_text, texts);
	tcase_add_test(tc, test_text_mask_tree);
	tcase_add_test(tc, test_text_mask_tree_other);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	LOOP(tc, test_text_json_reader, json_samples);
	LOOP(tc, test_text_json_str, json_strs);
	tcase_add_test(tc, test_text_json_node_line);
	tcase_add_test(tc, test_text_json_node_indent);
	LOOP(tc, test_text_json_numbers, json_numbers);
	LOOP(tc, test_text_json_files, json_files);
	LOOP(tc, test_text_csv_field, csv_fields);
	suite_add_tcase(s, tc);
#undef LOOP

	return s;
}
