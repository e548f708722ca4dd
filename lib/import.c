/*
 * import.c: paper-ledger CSV files to case trees (see fq/import.h).
 *
 * Three layers:
 *  1. bytes to UTF-8: encoding detection (a streaming pass over the file)
 *     and conversion with iconv in blocks;
 *  2. UTF-8 to rows: libcsv, fed block by block; a row is handled as soon
 *     as it is complete (title rows, header rows, footers, data);
 *  3. rows to records to cases: continuation rows and ditto marks, then
 *     the cell parsers of ledger.c and the result rules.
 * A record is held until the next row shows that it is complete; the
 * records built then wait in a queue of a few hundred for the callback,
 * which runs on the caller's thread while a thread of its own reads (see
 * "two threads" below).
 */
#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fq/case.h"
#include "fq/deadline.h"
#include "fq/import.h"
#include "fq/ledger.h"
#include "fq/lifecycle.h"
#include "fq/text.h"
#include "internal.h"

#define BLOCK 65536

/* --- fields --- */

enum field {
	F_SEQ, F_EXTERNAL_ID, F_ACCEPTED_ON, F_REPORTED_ON, F_CLOSED_ON,
	F_CATEGORY, F_SUMMARY, F_PARTIES, F_APPLICANT, F_RESPONDENT, F_PHONE,
	F_ID_NUMBER, F_ADDRESS, F_VILLAGE, F_GRID, F_TOWN, F_SOURCE,
	F_MEDIATORS, F_LEAD, F_UNIT, F_RISK, F_PLAN, F_DUE, F_RESULT,
	F_PERFORMANCE, F_FOLLOW_UP, F_AMOUNT, F_PEOPLE, F_CONFIRMED,
	F_CLOSED_FLAG, F_NOTE, F_GENDER, F_AGE, F_APPLICANT_PHONE,
	F_APPLICANT_ID, F_RESPONDENT_PHONE, F_RESPONDENT_ID, F_SESSION_ON,
	F_TITLE, F_SUBCATEGORY_RAW, F_CASE_ID, F_FLAGS, F_IGNORE, NF
};

static const char *const field_names[NF] = {
	"seq", "external_id", "accepted_on", "reported_on", "closed_on",
	"category", "summary", "parties", "applicant", "respondent", "phone",
	"id_number", "address", "village", "grid", "town", "source",
	"mediators", "lead_official", "responsible_unit", "risk_color", "plan",
	"due", "result", "performance", "follow_up", "amount",
	"people_involved", "confirmed", "closed_flag", "note", "gender", "age",
	"applicant_phone", "applicant_id_number", "respondent_phone",
	"respondent_id_number", "session_on", "title", "subcategory_raw",
	"case_id", "flags", "ignore"
};

static int
field_by_name(const char *name)
{
	int i;

	for (i = 0; i < NF; i++)
		if (!strcmp(field_names[i], name))
			return i;
	return -1;
}

/* Columns whose cells belong to a party (never filled down). */
static bool
party_field(int f)
{
	return f == F_PARTIES || f == F_APPLICANT || f == F_RESPONDENT ||
		f == F_PHONE || f == F_ID_NUMBER || f == F_ADDRESS ||
		f == F_GENDER || f == F_AGE || f == F_APPLICANT_PHONE ||
		f == F_APPLICANT_ID || f == F_RESPONDENT_PHONE ||
		f == F_RESPONDENT_ID;
}

struct hdr_entry {
	char *key;
	int field;
};

struct hdr_map {
	struct hdr_entry *v;
	size_t n, alloc;
};

static void
hdr_add(struct hdr_map *m, const char *text, int field)
{
	struct fq_buf k = FQ_BUF_INIT;

	fq_ledger_header_key(&k, text);
	if (!k.len) {
		fq_buf_release(&k);
		return;
	}
	FQ_ALLOC_GROW(m->v, m->n + 1, m->alloc);
	m->v[m->n].key = fq_buf_detach(&k, NULL);
	m->v[m->n].field = field;
	m->n++;
}

static void
hdr_release(struct hdr_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].key);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* --- result rules (import-results.yaml) --- */

struct strv {
	char **v;
	size_t n;
};

static void
strv_from(struct strv *s, const struct fq_node *seq)
{
	size_t i;

	s->v = NULL;
	s->n = 0;
	if (!seq || seq->kind != FQ_NODE_SEQ)
		return;
	s->v = fq_xcalloc(seq->len ? seq->len : 1, sizeof(*s->v));
	for (i = 0; i < seq->len; i++)
		if (seq->vals[i]->kind == FQ_NODE_SCALAR)
			s->v[s->n++] = fq_xstrdup(seq->vals[i]->str);
}

static void
strv_release(struct strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static bool
strv_in(const struct strv *s, const char *text, bool exact)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (exact ? !strcmp(text, s->v[i]) : !!strstr(text, s->v[i]))
			return true;
	return false;
}

struct result_rule {
	struct strv match, flags;
	bool exact, form_from_text, routes_from_text;
	char *state, *outcome, *when_pending, *closed_state, *closed_outcome;
};

struct route_marker {
	char *route;
	struct strv words;
};

struct fq_import_rules {
	struct hdr_map headers;
	char *category, *source, *town, *village, *risk, *mediator;
	int year;
};

struct fq_importer {
	struct fq_import_opts o;
	struct hdr_map headers;
	struct result_rule *rules;
	size_t nrules;
	struct strv written, oral;
	struct route_marker *routes;
	size_t nroutes;
	char *empty_state, *empty_state_reported;
	const struct fq_enum *categories, *sources;
	int current_year;
	/* enum_lookup() answers for the cell texts seen (ledgers repeat a
	 * few dozen categories and sources over thousands of rows) */
	struct memo {
		const struct fq_enum *e;
		char *raw;
		const char *code;
		bool exact;
		size_t count;
	} memo[256];
	size_t nmemo;
};

static char *
dup_str(const struct fq_node *m, const char *key)
{
	const char *s = fq_map_str(m, key);

	return s ? fq_xstrdup(s) : NULL;
}

static int
load_results(fq_importer *im, const char *dir, struct fq_error *err)
{
	struct fq_buf path = FQ_BUF_INIT;
	struct fq_node *doc = NULL, *rules, *n;
	size_t i;
	int ret;

	fq_buf_addf(&path, "%s/import-results.yaml", dir);
	if ((ret = fq_yaml_load(&doc, path.buf, err)))
		goto out;
	rules = fq_map_get(doc, "rules");
	if (!rules || rules->kind != FQ_NODE_SEQ) {
		ret = fq_error_set(err, FQ_EINVALID, "%s: no rules", path.buf);
		goto out;
	}
	im->rules = fq_xcalloc(rules->len + 1, sizeof(*im->rules));
	for (i = 0; i < rules->len; i++) {
		struct result_rule *r = &im->rules[im->nrules++];
		const struct fq_node *x = rules->vals[i];
		const char *b;

		strv_from(&r->match, fq_map_get(x, "match"));
		strv_from(&r->flags, fq_map_get(x, "flags"));
		r->exact = (b = fq_map_str(x, "exact")) && !strcmp(b, "true");
		r->form_from_text = (b = fq_map_str(x, "form_from_text")) &&
			!strcmp(b, "true");
		r->routes_from_text = (b = fq_map_str(x, "routes_from_text")) &&
			!strcmp(b, "true");
		r->state = dup_str(x, "state");
		r->outcome = dup_str(x, "outcome");
		r->when_pending = dup_str(x, "when_performance_pending");
		if ((n = fq_map_get(x, "when_closed"))) {
			r->closed_state = dup_str(n, "state");
			r->closed_outcome = dup_str(n, "outcome");
		}
		if (!r->state) {
			ret = fq_error_set(err, FQ_EINVALID, "%s: rule %zu has "
				"no state", path.buf, i + 1);
			goto out;
		}
	}
	n = fq_map_get(doc, "form_markers");
	strv_from(&im->written, fq_map_get(n, "mediated_written"));
	strv_from(&im->oral, fq_map_get(n, "mediated_oral"));
	n = fq_map_get(doc, "route_markers");
	if (n && n->kind == FQ_NODE_MAP) {
		im->routes = fq_xcalloc(n->len + 1, sizeof(*im->routes));
		for (i = 0; i < n->len; i++) {
			im->routes[i].route = fq_xstrdup(n->keys[i]->str);
			strv_from(&im->routes[i].words, n->vals[i]);
		}
		im->nroutes = n->len;
	}
	n = fq_map_get(doc, "empty");
	im->empty_state = fq_xstrdup(fq_map_str(n, "state") ?
		fq_map_str(n, "state") : "accepted");
	im->empty_state_reported = fq_xstrdup(
		fq_map_str(n, "state_without_accepted_on") ?
		fq_map_str(n, "state_without_accepted_on") : "reported");
out:
	fq_node_free(doc);
	fq_buf_release(&path);
	return ret;
}

static int
load_headers(struct hdr_map *m, const char *dir, struct fq_error *err)
{
	struct fq_buf path = FQ_BUF_INIT;
	struct fq_node *doc = NULL, *fields;
	size_t i, j;
	int ret;

	fq_buf_addf(&path, "%s/import-headers.yaml", dir);
	if ((ret = fq_yaml_load(&doc, path.buf, err)))
		goto out;
	fields = fq_map_get(doc, "fields");
	if (!fields || fields->kind != FQ_NODE_SEQ) {
		ret = fq_error_set(err, FQ_EINVALID, "%s: no fields",
			path.buf);
		goto out;
	}
	for (i = 0; i < fields->len; i++) {
		const char *name = fq_map_str(fields->vals[i], "field");
		const struct fq_node *h = fq_map_get(fields->vals[i],
			"headers");
		int f = name ? field_by_name(name) : -1;

		if (f < 0) {
			ret = fq_error_set(err, FQ_EINVALID, "%s: unknown "
				"field '%s'", path.buf, name ? name : "");
			goto out;
		}
		for (j = 0; h && h->kind == FQ_NODE_SEQ && j < h->len; j++)
			if (h->vals[j]->kind == FQ_NODE_SCALAR)
				hdr_add(m, h->vals[j]->str, f);
	}
out:
	fq_node_free(doc);
	fq_buf_release(&path);
	return ret;
}

int
fq_import_rules_load(fq_import_rules **out, const char *path,
	const fq_schema *sc, struct fq_error *err)
{
	struct fq_node *doc = NULL, *h, *d;
	fq_import_rules *r = fq_xcalloc(1, sizeof(*r));
	size_t i;
	int ret;

	(void)sc;
	*out = NULL;
	if ((ret = fq_yaml_load(&doc, path, err)))
		goto fail;
	if (doc->kind != FQ_NODE_MAP) {
		ret = fq_error_set(err, FQ_EINVALID, "%s: not a mapping with "
			"headers: and defaults:", path);
		goto fail;
	}
	for (i = 0; i < doc->len; i++)
		if (strcmp(doc->keys[i]->str, "headers") &&
		    strcmp(doc->keys[i]->str, "defaults")) {
			ret = fq_error_setpos(err, FQ_EINVALID, path,
				doc->keys[i]->line, doc->keys[i]->column,
				"unknown key '%s' (headers, defaults)",
				doc->keys[i]->str);
			goto fail;
		}
	h = fq_map_get(doc, "headers");
	for (i = 0; h && h->kind == FQ_NODE_MAP && i < h->len; i++) {
		const char *f = h->vals[i]->kind == FQ_NODE_SCALAR ?
			h->vals[i]->str : "";
		int fi = field_by_name(f);

		if (fi < 0) {
			ret = fq_error_setpos(err, FQ_EINVALID, path,
				h->vals[i]->line, h->vals[i]->column,
				"unknown field '%s'", f);
			goto fail;
		}
		hdr_add(&r->headers, h->keys[i]->str, fi);
	}
	d = fq_map_get(doc, "defaults");
	for (i = 0; d && d->kind == FQ_NODE_MAP && i < d->len; i++) {
		const char *k = d->keys[i]->str;
		const char *v = d->vals[i]->kind == FQ_NODE_SCALAR ?
			d->vals[i]->str : NULL;
		char **slot = NULL;

		if (!v) {
			ret = fq_error_setpos(err, FQ_EINVALID, path,
				d->vals[i]->line, d->vals[i]->column,
				"defaults: %s: give a value", k);
			goto fail;
		}
		if (!strcmp(k, "category")) slot = &r->category;
		else if (!strcmp(k, "source")) slot = &r->source;
		else if (!strcmp(k, "town")) slot = &r->town;
		else if (!strcmp(k, "village")) slot = &r->village;
		else if (!strcmp(k, "risk_color")) slot = &r->risk;
		else if (!strcmp(k, "mediator")) slot = &r->mediator;
		else if (!strcmp(k, "year")) {
			r->year = atoi(v);
			if (r->year < 1990 || r->year > 2099) {
				ret = fq_error_setpos(err, FQ_EINVALID, path,
					d->vals[i]->line, d->vals[i]->column,
					"defaults: year: not a year: '%s'", v);
				goto fail;
			}
			continue;
		} else {
			ret = fq_error_setpos(err, FQ_EINVALID, path,
				d->keys[i]->line, d->keys[i]->column,
				"defaults: unknown key '%s' (category, source, "
				"year, town, village, risk_color, mediator)", k);
			goto fail;
		}
		free(*slot);
		*slot = fq_xstrdup(v);
	}
	fq_node_free(doc);
	*out = r;
	return 0;
fail:
	fq_node_free(doc);
	fq_import_rules_free(r);
	return ret;
}

void
fq_import_rules_free(fq_import_rules *r)
{
	if (!r)
		return;
	hdr_release(&r->headers);
	free(r->category);
	free(r->source);
	free(r->town);
	free(r->village);
	free(r->risk);
	free(r->mediator);
	free(r);
}

int
fq_importer_new(fq_importer **out, const struct fq_import_opts *opts,
	struct fq_error *err)
{
	fq_importer *im = fq_xcalloc(1, sizeof(*im));
	const char *dir = fq_schema_dir(opts->schema);
	int ret;

	*out = NULL;
	im->o = *opts;
	im->categories = fq_schema_enum(opts->schema, "categories");
	im->sources = fq_schema_enum(opts->schema, "sources");
	im->current_year = opts->today ? atoi(opts->today) : 0;
	if ((ret = load_headers(&im->headers, dir, err)) ||
	    (ret = load_results(im, dir, err))) {
		fq_importer_free(im);
		return ret;
	}
	*out = im;
	return 0;
}

void
fq_importer_free(fq_importer *im)
{
	size_t i;

	if (!im)
		return;
	hdr_release(&im->headers);
	for (i = 0; i < im->nrules; i++) {
		struct result_rule *r = &im->rules[i];

		strv_release(&r->match);
		strv_release(&r->flags);
		free(r->state);
		free(r->outcome);
		free(r->when_pending);
		free(r->closed_state);
		free(r->closed_outcome);
	}
	free(im->rules);
	strv_release(&im->written);
	strv_release(&im->oral);
	for (i = 0; i < im->nroutes; i++) {
		free(im->routes[i].route);
		strv_release(&im->routes[i].words);
	}
	free(im->routes);
	free(im->empty_state);
	free(im->empty_state_reported);
	for (i = 0; i < im->nmemo; i++)
		free(im->memo[i].raw);
	free(im);
}

void
fq_importer_categories(const fq_importer *im, struct fq_buf *out)
{
	size_t i;

	for (i = 0; i < im->nmemo; i++)
		if (im->memo[i].e == im->categories)
			fq_buf_addf(out, "%s%s→%s %zu", out->len ? ", " : "",
				im->memo[i].raw, im->memo[i].code ?
				im->memo[i].code : "other", im->memo[i].count);
}

void
fq_import_info_release(struct fq_import_info *info)
{
	size_t i;

	if (!info)
		return;
	fq_buf_release(&info->mapping);
	fq_buf_release(&info->unmapped);
	for (i = 0; i < info->nheader; i++)
		free(info->header[i]);
	free(info->header);
	info->header = NULL;
	info->nheader = 0;
}

/* --- encodings --- */

/* Streaming UTF-8 check: state is the number of continuation bytes due. */
struct u8check {
	int need;
	unsigned long cp, min;
	bool bad;
};

static void
u8_feed(struct u8check *u, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && !u->bad; i++) {
		unsigned c = p[i];

		if (u->need) {
			if ((c & 0xC0) != 0x80) {
				u->bad = true;
				break;
			}
			u->cp = (u->cp << 6) | (c & 0x3F);
			if (--u->need == 0 && (u->cp < u->min ||
			    u->cp > 0x10FFFF ||
			    (u->cp >= 0xD800 && u->cp <= 0xDFFF)))
				u->bad = true;
			continue;
		}
		if (c < 0x80)
			continue;
		if ((c & 0xE0) == 0xC0) {
			u->need = 1; u->cp = c & 0x1F; u->min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			u->need = 2; u->cp = c & 0x0F; u->min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			u->need = 3; u->cp = c & 0x07; u->min = 0x10000;
		} else
			u->bad = true;
	}
}

/* Does the whole stream decode with iconv from enc? */
static bool
decodes_as(FILE *f, const char *enc)
{
	iconv_t cd = iconv_open("UTF-8", enc);
	char in[BLOCK + 8], outb[BLOCK * 4];
	size_t carry = 0, got;
	bool ok = true;

	if (cd == (iconv_t)-1)
		return false;
	rewind(f);
	while (ok && (got = fread(in + carry, 1, BLOCK, f)) > 0) {
		char *ip = in, *op = outb;
		size_t il = carry + got, ol = sizeof(outb);

		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
			if (errno == EILSEQ)
				ok = false;
			else if (errno == EINVAL && il <= 8) {
				memmove(in, ip, il);
				carry = il;
				continue;
			} else if (errno != E2BIG)
				ok = false;
		}
		carry = il;
		if (carry)
			memmove(in, ip, carry);
		if (carry > 8)
			ok = false;
	}
	if (carry)
		ok = false;
	iconv_close(cd);
	rewind(f);
	return ok;
}

struct enc_choice {
	const char *iconv_name;	/* NULL: UTF-8 as is */
	size_t skip;		/* bytes of BOM to skip */
};

static int
detect_encoding(FILE *f, const char *given, struct fq_import_info *info,
	struct enc_choice *ch, const char *path, struct fq_error *err)
{
	unsigned char head[4] = { 0 }, buf[BLOCK];
	struct u8check u = { 0, 0, 0, false };
	size_t n, i, nul_odd = 0, nul_even = 0, total = 0, first = 0;

	ch->iconv_name = NULL;
	ch->skip = 0;
	n = fread(head, 1, 4, f);
	rewind(f);
	if (given && *given && strcmp(given, "auto")) {
		snprintf(info->encoding_why, sizeof(info->encoding_why),
			"--encoding");
		if (!strcasecmp(given, "utf-8") || !strcasecmp(given, "utf8")) {
			if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB &&
			    head[2] == 0xBF) {
				ch->skip = 3;
				snprintf(info->encoding, sizeof(info->encoding),
					"UTF-8 (BOM)");
			} else
				snprintf(info->encoding, sizeof(info->encoding),
					"UTF-8");
			return 0;
		}
		if (!strcasecmp(given, "gb18030") || !strcasecmp(given, "gbk") ||
		    !strcasecmp(given, "gb2312"))
			given = "GB18030";
		else if (!strcasecmp(given, "utf-16le") ||
		    !strcasecmp(given, "utf16le") ||
		    !strcasecmp(given, "utf-16"))
			given = "UTF-16LE";
		{
			iconv_t cd = iconv_open("UTF-8", given);

			if (cd == (iconv_t)-1)
				return fq_error_set(err, FQ_EUSAGE, "unknown "
					"encoding '%s'", given);
			iconv_close(cd);
		}
		ch->iconv_name = given;
		if (!strcmp(given, "UTF-16LE") && n >= 2 && head[0] == 0xFF &&
		    head[1] == 0xFE)
			ch->skip = 2;
		snprintf(info->encoding, sizeof(info->encoding), "%s", given);
		for (i = 0; info->encoding[i]; i++)
			if (info->encoding[i] >= 'a' && info->encoding[i] <= 'z')
				info->encoding[i] -= 32;
		return 0;
	}
	if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) {
		ch->skip = 3;
		snprintf(info->encoding, sizeof(info->encoding), "UTF-8 (BOM)");
		snprintf(info->encoding_why, sizeof(info->encoding_why),
			FQ_L_("byte-order mark"));
		return 0;
	}
	if (n >= 2 && head[0] == 0xFF && head[1] == 0xFE) {
		ch->skip = 2;
		ch->iconv_name = "UTF-16LE";
		snprintf(info->encoding, sizeof(info->encoding), "UTF-16LE");
		snprintf(info->encoding_why, sizeof(info->encoding_why),
			FQ_L_("byte-order mark"));
		return 0;
	}
	if (n >= 2 && head[0] == 0xFE && head[1] == 0xFF) {
		ch->skip = 2;
		ch->iconv_name = "UTF-16BE";
		snprintf(info->encoding, sizeof(info->encoding), "UTF-16BE");
		snprintf(info->encoding_why, sizeof(info->encoding_why),
			FQ_L_("byte-order mark"));
		return 0;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (!total)
			first = n;
		for (i = 0; total == 0 && i < first; i++)
			if (!buf[i])
				(i & 1) ? nul_odd++ : nul_even++;
		total += n;
		u8_feed(&u, buf, n);
		if (u.bad)
			break;
	}
	rewind(f);
	if (nul_odd > first / 8 && nul_odd > nul_even) {
		ch->iconv_name = "UTF-16LE";
		snprintf(info->encoding, sizeof(info->encoding), "UTF-16LE");
		snprintf(info->encoding_why, sizeof(info->encoding_why),
			FQ_L_("no byte-order mark, but NUL bytes at odd offsets"));
		return 0;
	}
	if (!u.bad && !u.need) {
		snprintf(info->encoding, sizeof(info->encoding), "UTF-8");
		snprintf(info->encoding_why, sizeof(info->encoding_why),
			FQ_L_("valid UTF-8"));
		return 0;
	}
	if (decodes_as(f, "GB18030")) {
		ch->iconv_name = "GB18030";
		snprintf(info->encoding, sizeof(info->encoding), "GB18030");
		snprintf(info->encoding_why, sizeof(info->encoding_why),
			FQ_L_("not valid UTF-8; decodes as GB18030 (GBK)"));
		return 0;
	}
	return fq_error_set(err, FQ_EPARSE, "%s: cannot tell the encoding: "
		"neither UTF-8 nor GB18030; give --encoding", path);
}

int
fq_import_encode(struct fq_buf *out, const char *utf8, size_t len,
	const char *encoding, bool with_bom, struct fq_error *err)
{
	const char *to = encoding;
	iconv_t cd;
	char *ip = (char *)utf8;
	size_t il = len;

	if (!strncmp(encoding, "UTF-8", 5)) {
		if (with_bom)
			fq_buf_add(out, "\xEF\xBB\xBF", 3);
		fq_buf_add(out, utf8, len);
		return 0;
	}
	if (!strcmp(encoding, "GB18030"))
		to = "GB18030";
	cd = iconv_open(to, "UTF-8");
	if (cd == (iconv_t)-1)
		return fq_error_set(err, FQ_ERROR, "cannot convert to %s",
			encoding);
	if (with_bom && !strcmp(encoding, "UTF-16LE"))
		fq_buf_add(out, "\xFF\xFE", 2);
	else if (with_bom && !strcmp(encoding, "UTF-16BE"))
		fq_buf_add(out, "\xFE\xFF", 2);
	while (il) {
		char tmp[4096], *op = tmp;
		size_t ol = sizeof(tmp);

		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 &&
		    errno != E2BIG) {
			/* A character the target lacks: write '?' */
			fq_buf_add(out, tmp, (size_t)(op - tmp));
			if (errno == EILSEQ || errno == EINVAL) {
				char q = '?', *qp = &q, *o2 = tmp;
				size_t ql = 1, o2l = sizeof(tmp);

				iconv(cd, &qp, &ql, &o2, &o2l);
				fq_buf_add(out, tmp, (size_t)(o2 - tmp));
				ip++;
				il--;
				while (il && (*(unsigned char *)ip & 0xC0) ==
				    0x80) {
					ip++;
					il--;
				}
				continue;
			}
			iconv_close(cd);
			return fq_error_set(err, FQ_ERROR, "cannot convert "
				"to %s", encoding);
		}
		fq_buf_add(out, tmp, (size_t)(op - tmp));
	}
	iconv_close(cd);
	return 0;
}

void
fq_csv_row(struct fq_buf *out, const char *const *cells, size_t n, char delim)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			fq_buf_addch(out, delim);
		fq_csv_field(out, cells[i], delim);
	}
	fq_buf_add(out, "\r\n", 2);
}

/* --- rows --- */

struct row {
	char **cells;
	size_t n, alloc;
	unsigned no;
};

static void
row_clear(struct row *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->cells[i]);
	r->n = 0;
}

enum phase { FIND_HEADER, SECOND_HEADER, DATA };

/* The record being built: main row values and continuation rows. */
struct rec {
	bool open;
	unsigned first, last;
	char *val[NF];			/* main row, ditto resolved */
	bool ditto[NF];
	char ***rows;			/* raw cells per physical row */
	size_t *ncells;
	size_t nrows, arows;
	char *(*cont)[NF];		/* party columns of continuation rows */
	size_t ncont, acont;
};

struct pipe;

struct ctx {
	fq_importer *im;
	const char *path, *base;
	struct fq_import_info *info;
	fq_import_fn fn;
	void *data;
	struct pipe *pipe;		/* NULL: fn is called from here */
	int stop;			/* callback's non-zero return */
	struct fq_error *err;

	struct row cur;
	enum phase phase;
	char **upper;			/* first header row */
	size_t nupper;
	char **first;			/* first header row as read */
	size_t nfirst;
	int *colf;			/* field of each column, -1 */
	size_t ncol;
	bool col_ambiguous_seq;		/* 编号 alone as seq */
	bool has_field[NF];
	char *prev[NF];			/* last main row's values */
	unsigned prev_row;
	struct rec r;
	struct fq_ledger_date_ctx dctx;
};

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static void
norm(struct fq_buf *b, const char *s)
{
	fq_buf_reset(b);
	fq_ledger_normalize(b, s);
}

/* Normalised text without any white space. */
static void
squeeze(struct fq_buf *b, const char *s)
{
	struct fq_buf t = FQ_BUF_INIT;
	size_t i;

	fq_ledger_normalize(&t, s);
	fq_buf_reset(b);
	for (i = 0; i < t.len; i++)
		if (t.buf[i] != ' ' && t.buf[i] != '\t' && t.buf[i] != '\r' &&
		    t.buf[i] != '\n')
			fq_buf_addch(b, t.buf[i]);
	fq_buf_release(&t);
}

static bool
empty_cell(const char *s)
{
	return !s || !s[strspn(s, " \t\r\n")] || !strcmp(s, "\xE3\x80\x80");
}

/* Field of key in m: the first not taken, -2 if all are taken, -1 if
 * the key is unknown. */
static int
lookup_field(const struct hdr_map *m, const char *key, const bool *taken)
{
	size_t i;
	int found = -1;

	for (i = 0; m && i < m->n; i++)
		if (!strcmp(m->v[i].key, key)) {
			if (!taken || !taken[m->v[i].field])
				return m->v[i].field;
			found = -2;
		}
	return found;
}

/* Field of a header text: rules first, then the synonym map; -1 if none,
 * -2 if its field is already taken by an earlier column. */
static int
header_field(struct ctx *x, const char *text, const bool *taken)
{
	struct fq_buf k = FQ_BUF_INIT;
	int f = -1, g;

	fq_ledger_header_key(&k, text);
	if (k.len) {
		if (x->im->o.rules)
			f = lookup_field(&x->im->o.rules->headers, k.buf, taken);
		if (f < 0) {
			g = lookup_field(&x->im->headers, k.buf, taken);
			if (g >= 0 || f == -1)
				f = g;
		}
	}
	fq_buf_release(&k);
	return f;
}

static size_t
known_headers(struct ctx *x, const struct row *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		if (!empty_cell(r->cells[i]) &&
		    header_field(x, r->cells[i], NULL) >= 0)
			n++;
	return n;
}

static int
title_year(const char *s)
{
	const char *p;

	for (p = s; *p; p++) {
		if (p[0] >= '1' && p[0] <= '2' && p[1] >= '0' && p[1] <= '9' &&
		    p[2] >= '0' && p[2] <= '9' && p[3] >= '0' && p[3] <= '9' &&
		    (p == s || p[-1] < '0' || p[-1] > '9') &&
		    (p[4] < '0' || p[4] > '9')) {
			int y = atoi(p);

			if (y >= 1990 && y <= 2099)
				return y;
		}
	}
	return 0;
}

static void
set_year(struct ctx *x, int y, const char *from)
{
	x->info->year = y;
	snprintf(x->info->year_from, sizeof(x->info->year_from), "%s", from);
	x->dctx.default_year = y;
}

/* Map the columns from the (possibly joined) header texts. */
static void
map_columns(struct ctx *x, char **hdr, size_t n)
{
	bool taken[NF] = { false };
	size_t i;

	free(x->colf);
	x->colf = fq_xcalloc(n ? n : 1, sizeof(*x->colf));
	x->ncol = n;
	fq_buf_reset(&x->info->mapping);
	fq_buf_reset(&x->info->unmapped);
	for (i = 0; i < n; i++) {
		int f = -1;

		x->colf[i] = -1;
		if (empty_cell(hdr[i]))
			continue;
		f = header_field(x, hdr[i], taken);
		if (f < 0 && strchr(hdr[i], '/')) {
			/* "upper/lower": try the lower, then the upper */
			const char *lower = strrchr(hdr[i], '/') + 1;
			char *upper = fq_xstrndup(hdr[i],
				(size_t)(strrchr(hdr[i], '/') - hdr[i]));

			f = header_field(x, lower, taken);
			if (f < 0)
				f = header_field(x, upper, taken);
			free(upper);
		}
		if (f == -2) {
			/* a second result column (调解状态 + 调解结果): both
			 * are read, joined */
			struct fq_buf k = FQ_BUF_INIT;

			fq_ledger_header_key(&k, hdr[i]);
			if (lookup_field(&x->im->headers, k.buf, NULL) ==
			    F_RESULT)
				f = F_RESULT;
			fq_buf_release(&k);
		}
		if (f >= 0 && f != F_IGNORE) {
			x->colf[i] = f;
			taken[f] = true;
			x->has_field[f] = true;
			fq_buf_addf(&x->info->mapping, "%s%s→%s",
				x->info->mapping.len ? ", " : "", hdr[i],
				field_names[f]);
		} else {
			fq_buf_addf(&x->info->unmapped, "%s%s%s",
				x->info->unmapped.len ? ", " : "", hdr[i],
				f == -2 ? FQ_L_(" (field already mapped)") :
				f == F_IGNORE ? FQ_L_(" (ignored by rules)") : "");
		}
	}
	/* 编号 alone: seq unless its values are not small numbers */
	x->col_ambiguous_seq = false;
	for (i = 0; i < n; i++)
		if (x->colf[i] == F_SEQ && !taken[F_EXTERNAL_ID]) {
			struct fq_buf k = FQ_BUF_INIT;

			fq_ledger_header_key(&k, hdr[i]);
			x->col_ambiguous_seq = !strcmp(k.buf, "编号");
			fq_buf_release(&k);
		}
	for (i = 0; i < x->info->nheader; i++)
		free(x->info->header[i]);
	free(x->info->header);
	x->info->header = fq_xcalloc(n ? n : 1, sizeof(char *));
	for (i = 0; i < n; i++)
		x->info->header[i] = fq_xstrdup(hdr[i] ? hdr[i] : "");
	x->info->nheader = n;
}

static const char *
cell(const struct row *r, size_t i)
{
	return i < r->n ? r->cells[i] : "";
}

static bool
is_footer(const struct row *r)
{
	static const char *const words[] = {
		"合计", "小计", "总计", "共计", "填表人", "填报人", "审核人",
		"制表人", "制表", "签字", "盖章", "填报日期", "填表日期",
		"负责人", "统计人", "领导签字", "单位盖章"
	};
	struct fq_buf b = FQ_BUF_INIT;
	size_t i, j;
	bool yes = false;

	for (i = 0; i < r->n; i++)
		if (!empty_cell(r->cells[i]))
			break;
	if (i == r->n)
		return false;
	squeeze(&b, r->cells[i]);
	for (j = 0; j < FQ_ARRAY_SIZE(words); j++)
		if (!strncmp(b.buf, words[j], strlen(words[j])))
			yes = true;
	fq_buf_release(&b);
	return yes;
}

static void
rec_free(struct rec *r)
{
	size_t i, j;

	for (i = 0; i < NF; i++)
		free(r->val[i]);
	for (i = 0; i < r->nrows; i++) {
		for (j = 0; j < r->ncells[i]; j++)
			free(r->rows[i][j]);
		free(r->rows[i]);
	}
	free(r->rows);
	free(r->ncells);
	for (i = 0; i < r->ncont; i++)
		for (j = 0; j < NF; j++)
			free(r->cont[i][j]);
	free(r->cont);
	memset(r, 0, sizeof(*r));
}

static void
rec_add_raw(struct rec *r, const struct row *row)
{
	size_t i;

	if (r->nrows + 1 > r->arows) {
		r->arows = r->arows ? r->arows * 2 : 2;
		r->rows = fq_xrealloc(r->rows, r->arows * sizeof(*r->rows));
		r->ncells = fq_xrealloc(r->ncells,
			r->arows * sizeof(*r->ncells));
	}
	r->rows[r->nrows] = fq_xcalloc(row->n ? row->n : 1, sizeof(char *));
	for (i = 0; i < row->n; i++)
		r->rows[r->nrows][i] = fq_xstrdup(row->cells[i]);
	r->ncells[r->nrows] = row->n;
	r->nrows++;
	r->last = row->no;
}

static int build_and_emit(struct ctx *x);

/* A header row was found at r. */
static void
take_header(struct ctx *x, const struct row *r)
{
	size_t i;

	x->info->header_row = r->no;
	x->info->header_rows = 1;
	x->upper = fq_xcalloc(r->n ? r->n : 1, sizeof(char *));
	x->nupper = r->n;
	x->first = fq_xcalloc(r->n ? r->n : 1, sizeof(char *));
	x->nfirst = r->n;
	for (i = 0; i < r->n; i++) {
		x->upper[i] = fq_xstrdup(r->cells[i]);
		x->first[i] = fq_xstrdup(r->cells[i]);
	}
	map_columns(x, x->upper, x->nupper);
	x->phase = SECOND_HEADER;
}

/* Is r the lower row of a two-row header? */
static bool
is_second_header(struct ctx *x, const struct row *r)
{
	size_t i, filled = 0;

	for (i = 0; i < r->n; i++) {
		const char *c = r->cells[i];
		bool under_span;

		if (empty_cell(c))
			continue;
		if (c[strspn(c, "0123456789. ")] == '\0')
			return false;
		under_span = i >= x->nupper || empty_cell(x->upper[i]) ||
			(i + 1 < x->nupper && empty_cell(x->upper[i + 1]));
		if (!under_span)
			return false;
		filled++;
	}
	return filled > 0;
}

static void
join_headers(struct ctx *x, const struct row *r)
{
	size_t n = r->n > x->nupper ? r->n : x->nupper, i;
	char **h = fq_xcalloc(n ? n : 1, sizeof(char *));
	const char *carry = NULL;
	struct fq_buf b = FQ_BUF_INIT;

	for (i = 0; i < n; i++) {
		const char *u = i < x->nupper ? x->upper[i] : "";
		const char *l = cell(r, i);

		if (!empty_cell(u))
			carry = u;
		else if (empty_cell(l))
			carry = NULL;
		fq_buf_reset(&b);
		if (!empty_cell(l) && carry && !empty_cell(carry))
			fq_buf_addf(&b, "%s/%s", carry, l);
		else if (!empty_cell(l))
			fq_buf_adds(&b, l);
		else
			fq_buf_adds(&b, u);
		h[i] = fq_xstrdup(b.buf);
	}
	fq_buf_release(&b);
	for (i = 0; i < x->nupper; i++)
		free(x->upper[i]);
	free(x->upper);
	x->upper = h;
	x->nupper = n;
	x->info->header_rows = 2;
	map_columns(x, h, n);
}

/* A header row printed again on each page: at least 3 cells equal to
 * the header's (the first of two header rows, when there are two). */
static bool
is_repeated_header(struct ctx *x, const struct row *r)
{
	size_t i, same = 0;

	for (i = 0; i < r->n && i < x->info->nheader; i++)
		if (!empty_cell(r->cells[i]) && (!strcmp(r->cells[i],
		    x->info->header[i]) || (i < x->nfirst &&
		    !strcmp(r->cells[i], x->first[i]))))
			same++;
	return same >= 3;
}

static bool
is_ditto_cell(const char *s)
{
	struct fq_buf b = FQ_BUF_INIT;
	bool yes;

	if (!fq_ledger_may_be_ditto(s))
		return false;
	squeeze(&b, s);
	/* A lone "-" is a placeholder here, never a ditto mark. */
	yes = strcmp(b.buf, "-") && fq_ledger_is_ditto(b.buf);
	fq_buf_release(&b);
	return yes;
}

static void
data_row(struct ctx *x, const struct row *r, struct fq_buf *joinb_out)
{
	char *v[NF] = { NULL };
#define joinb (*joinb_out)
	size_t i;
	bool any = false, any_case = false, party = false, cont, joined = false;

	for (i = 0; i < r->n && i < x->ncol; i++) {
		int f = x->colf[i];

		if (f < 0 || empty_cell(r->cells[i]))
			continue;
		if (v[f] && f == F_RESULT) {
			if (!joined) {
				fq_buf_adds(&joinb, v[f]);
				joined = true;
			}
			fq_buf_addf(&joinb, "；%s", r->cells[i]);
			v[f] = joinb.buf;
			continue;
		}
		if (v[f])
			continue;
		v[f] = r->cells[i];
		any = true;
		if (party_field(f))
			party = true;
		else if (f != F_SEQ)
			any_case = true;
	}
	for (i = 0; i < r->n; i++)
		if (!empty_cell(r->cells[i]))
			break;
	if (i == r->n) {
		x->info->blank++;
		return;
	}
	if (!any) {
		/* text in unmapped columns only: keep it as blank */
		x->info->blank++;
		return;
	}
	if (v[F_SEQ] && !any_case && !party) {
		x->info->blank++;	/* pre-numbered empty form row */
		return;
	}
	cont = x->r.open && !v[F_SEQ] && !v[F_ACCEPTED_ON] &&
		!v[F_REPORTED_ON] && !v[F_EXTERNAL_ID] && !v[F_CASE_ID] &&
		(v[F_PARTIES] || v[F_APPLICANT] || v[F_RESPONDENT]) &&
		(x->has_field[F_SEQ] || x->has_field[F_ACCEPTED_ON] ||
		x->has_field[F_REPORTED_ON]);
	if (cont) {
		struct rec *rc = &x->r;

		FQ_ALLOC_GROW(rc->cont, rc->ncont + 1, rc->acont);
		for (i = 0; i < NF; i++)
			rc->cont[rc->ncont][i] = party_field((int)i) && v[i] ?
				fq_xstrdup(v[i]) : NULL;
		rc->ncont++;
		rec_add_raw(rc, r);
		x->info->continuation++;
		return;
	}
	if (x->r.open && (x->stop = build_and_emit(x)))
		return;
	x->r.open = true;
	x->r.first = r->no;
	rec_add_raw(&x->r, r);
	for (i = 0; i < NF; i++) {
		const char *s = v[i];

		if (s && is_ditto_cell(s)) {
			s = x->prev[i] ? x->prev[i] : NULL;
			x->r.ditto[i] = true;
			x->info->ditto++;
		}
		x->r.val[i] = s ? fq_xstrdup(s) : NULL;
	}
	for (i = 0; i < NF; i++) {
		free(x->prev[i]);
		x->prev[i] = x->r.val[i] ? fq_xstrdup(x->r.val[i]) : NULL;
	}
	x->prev_row = r->no;
}
#undef joinb

static void
handle_row(struct ctx *x, struct row *r)
{
	x->info->rows++;
	if (x->stop)
		return;
	switch (x->phase) {
	case FIND_HEADER:
		if (known_headers(x, r) >= 3) {
			take_header(x, r);
			return;
		}
		{
			size_t i;

			for (i = 0; i < r->n && (!x->info->year_from[0] ||
			    !strcmp(x->info->year_from, "file name")); i++) {
				int y = title_year(r->cells[i]);

				if (y)
					set_year(x, y, FQ_N_("title"));
			}
		}
		return;
	case SECOND_HEADER:
		x->phase = DATA;
		if (is_second_header(x, r)) {
			join_headers(x, r);
			return;
		}
		break;
	case DATA:
		break;
	}
	if (is_footer(r)) {
		x->info->footers++;
		return;
	}
	if (is_repeated_header(x, r)) {
		x->info->repeated_headers++;
		return;
	}
	{
		struct fq_buf jb = FQ_BUF_INIT;

		data_row(x, r, &jb);
		fq_buf_release(&jb);
	}
}

static void
cb_field(void *s, size_t len, void *data)
{
	struct ctx *x = data;
	struct row *r = &x->cur;

	char *t, *p, *q;

	FQ_ALLOC_GROW(r->cells, r->n + 1, r->alloc);
	t = fq_xstrndup(s ? s : "", s ? len : 0);
	/*
	 * A line break typed in an Excel cell comes as CR LF (or a lone CR)
	 * in a file saved on Windows: one LF.  Other control characters,
	 * which no case field may hold, become a space.
	 */
	for (p = q = t; *p; p++) {
		if (*p == '\r') {
			*q++ = '\n';
			if (p[1] == '\n')
				p++;
		} else if ((unsigned char)*p < 0x20 && *p != '\n' &&
		    *p != '\t') {
			*q++ = ' ';
		} else if (*p == 0x7f) {
			*q++ = ' ';
		} else {
			*q++ = *p;
		}
	}
	*q = '\0';
	r->cells[r->n++] = t;
}

static void
cb_row(int c, void *data)
{
	struct ctx *x = data;

	(void)c;
	x->cur.no++;
	handle_row(x, &x->cur);
	row_clear(&x->cur);
}

/* --- records to cases --- */

struct build {
	struct ctx *x;
	struct fq_import_record *out;
	struct fq_node *c;
	struct fq_buf tmp;
};

static void
problem(struct build *b, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
problem(struct build *b, const char *field, const char *fmt, ...)
{
	va_list ap;

	fq_buf_addf(&b->out->problems, "%s: ", field);
	va_start(ap, fmt);
	fq_buf_vaddf(&b->out->problems, fq_l_fmt(fmt), ap);
	va_end(ap);
	fq_buf_addch(&b->out->problems, '\n');
}

static void
warn(struct build *b, const char *flag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A flagged cell: added to the case's flags (once) and the warnings. */
static void
warn(struct build *b, const char *flag, const char *fmt, ...)
{
	struct fq_node *flags = fq_map_get(b->c, "flags");
	va_list ap;
	size_t i;

	if (flag) {
		if (!flags) {
			flags = fq_node_new(FQ_NODE_SEQ);
			fq_map_set(b->c, "flags", flags);
		}
		for (i = 0; i < flags->len; i++)
			if (!strcmp(flags->vals[i]->str, flag))
				break;
		if (i == flags->len)
			fq_seq_push(flags, fq_node_text(flag));
	}
	va_start(ap, fmt);
	fq_buf_vaddf(&b->out->warnings, fq_l_fmt(fmt), ap);
	va_end(ap);
	fq_buf_addch(&b->out->warnings, '\n');
}

static const char *
V(struct build *b, int f)
{
	const char *s = b->x->r.val[f];

	return s && !empty_cell(s) ? s : NULL;
}

/* Set key to the cell as written (trimmed), unless it is a placeholder. */
static void
set_text(struct fq_node *c, const char *key, const char *s)
{
	size_t n;

	if (!s || fq_ledger_is_placeholder(s))
		return;
	s += strspn(s, " \t\r\n");
	n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	while (n >= 3 && !memcmp(s + n - 3, "\xE3\x80\x80", 3))
		n -= 3;
	while (n >= 3 && !strncmp(s, "\xE3\x80\x80", 3)) {
		s += 3;
		n -= 3;
	}
	if (n) {
		char *t = fq_xstrndup(s, n);

		fq_map_set(c, key, fq_node_text(t));
		free(t);
	}
}

/* Parse a date column; 1 if a date was read into iso, 0 if empty, -1 bad. */
static int
date_cell(struct build *b, int f, const char *label, char iso[11],
	bool hard)
{
	struct fq_ledger_date d;
	struct fq_error e = FQ_ERROR_INIT;
	const char *raw = V(b, f);

	iso[0] = '\0';
	if (!raw)
		return 0;
	if (fq_ledger_parse_date(&d, raw, &b->x->dctx, &e)) {
		if (hard)
			problem(b, label, "%s", e.msg);
		else
			warn(b, "date_unreadable", "%s: %s (kept as text in "
				"the import record)", label, e.msg);
		return -1;
	}
	if (d.is_null || d.is_ditto)
		return 0;
	fq_ledger_date_iso(iso, &d);
	if (d.year_inferred)
		warn(b, "date_inferred", "%s: '%s' read as %s (year %d from "
			"the %s)", label, raw, iso, b->x->dctx.default_year,
			FQ_L_(b->x->info->year_from));
	if (d.month_only)
		warn(b, "date_month_only", "%s: '%s' gives only the month: "
			"%s", label, raw, iso);
	if (d.is_range)
		warn(b, NULL, "%s: '%s' is a range; the start %s is kept",
			label, raw, iso);
	if (b->x->im->o.today && strcmp(iso, b->x->im->o.today) > 0)
		warn(b, "date_in_future", "%s: %s is in the future", label,
			iso);
	if (b->x->r.ditto[f])
		warn(b, "ditto_copied", "%s: copied from the row above (同上)",
			label);
	return 1;
}

static const char *enum_lookup_uncached(const struct fq_enum *e,
	const char *raw, bool *exact);

static const char *
enum_lookup_im(fq_importer *im, const struct fq_enum *e, const char *raw,
	bool *exact)
{
	const char *code;
	size_t i;

	for (i = 0; i < im->nmemo; i++)
		if (im->memo[i].e == e && !strcmp(im->memo[i].raw, raw)) {
			*exact = im->memo[i].exact;
			im->memo[i].count++;
			return im->memo[i].code;
		}
	code = enum_lookup_uncached(e, raw, exact);
	if (im->nmemo < FQ_ARRAY_SIZE(im->memo)) {
		im->memo[im->nmemo].e = e;
		im->memo[im->nmemo].raw = fq_xstrdup(raw);
		im->memo[im->nmemo].code = code;
		im->memo[im->nmemo].exact = *exact;
		im->memo[im->nmemo].count = 1;
		im->nmemo++;
	}
	return code;
}

static const char *
enum_lookup_uncached(const struct fq_enum *e, const char *raw, bool *exact)
{
	struct fq_buf t = FQ_BUF_INIT, part = FQ_BUF_INIT;
	const struct fq_enum_value *v;
	const char *code = NULL, *p;
	size_t i, j, best = 0;

	*exact = true;
	squeeze(&t, raw);
	if ((v = fq_enum_find(e, t.buf))) {
		code = v->code;
		goto out;
	}
	*exact = false;
	/* a combination "邻里/宅基地": the first part that maps */
	for (p = t.buf; *p;) {
		size_t n = strcspn(p, "/、,;");

		if (!strncmp(p, "、", 3))
			n = 0;
		fq_buf_reset(&part);
		fq_buf_add(&part, p, n);
		{
			char *q = strstr(part.buf, "、");

			if (q)
				fq_buf_setlen(&part, (size_t)(q - part.buf));
		}
		if (part.len && part.len < t.len &&
		    (v = fq_enum_find(e, part.buf))) {
			code = v->code;
			goto out;
		}
		p += part.len ? part.len : 1;
		while (*p == '/' || *p == ',' || *p == ';')
			p++;
		if (!strncmp(p, "、", 3))
			p += 3;
	}
	/* the longest label or alias the text contains */
	for (i = 0; i < e->n; i++) {
		const struct fq_enum_value *x = &e->v[i];

		if (strlen(x->label) > best && strstr(t.buf, x->label)) {
			best = strlen(x->label);
			code = x->code;
		}
		for (j = 0; j < x->naliases; j++) {
			size_t l = strlen(x->aliases[j]);

			if (l >= 6 && l > best && strstr(t.buf, x->aliases[j])) {
				best = l;
				code = x->code;
			}
		}
	}
out:
	fq_buf_release(&t);
	fq_buf_release(&part);
	return code;
}

static struct fq_node *
party_node(const struct fq_ledger_party *p, const char *role)
{
	struct fq_node *n = fq_node_new(FQ_NODE_MAP);
	char num[16];

	fq_map_set_str(n, "role", p->role ? p->role : role);
	fq_map_set_str(n, "kind", p->kind == FQ_LEDGER_ORGANIZATION ?
		"organization" : "person");
	fq_map_set(n, "name", fq_node_text(p->name));
	if (p->name_masked)
		fq_map_set_str(n, "name_masked", "true");
	fq_map_set_str(n, "gender", p->gender);
	if (p->age >= 0) {
		snprintf(num, sizeof(num), "%d", p->age);
		fq_map_set_str(n, "age", num);
	}
	if (p->ethnicity)
		fq_map_set(n, "ethnicity", fq_node_text(p->ethnicity));
	if (p->id_number)
		fq_map_set(n, "id_number", fq_node_text(p->id_number));
	if (p->phone) {
		struct fq_node *seq = fq_node_new(FQ_NODE_SEQ);

		fq_seq_push(seq, fq_node_text(p->phone));
		fq_map_set(n, "phones", seq);
	}
	if (p->address)
		fq_map_set(n, "address", fq_node_text(p->address));
	if (p->representative)
		fq_map_set(n, "representative",
			fq_node_text(p->representative));
	if (p->households >= 0) {
		snprintf(num, sizeof(num), "%d", p->households);
		fq_map_set_str(n, "households", num);
	}
	if (p->people >= 0) {
		snprintf(num, sizeof(num), "%d", p->people);
		fq_map_set_str(n, "people", num);
	}
	if (p->note)
		fq_map_set(n, "note", fq_node_text(p->note));
	return n;
}

/* Add the phones of a cell to party n (a list node). */
static void
add_phones(struct build *b, struct fq_node *party, const char *raw,
	const char *label, const struct fq_ledger_phone *only)
{
	struct fq_ledger_phones ph;
	struct fq_node *seq;
	size_t i, j;

	if (only) {
		memset(&ph, 0, sizeof(ph));
		ph.n = 1;
		ph.v[0] = *only;
	} else {
		struct fq_error e = FQ_ERROR_INIT;

		if (fq_ledger_parse_phones(&ph, raw, &e) && !ph.n) {
			warn(b, "phone_unreadable", "%s: '%s' is not a phone "
				"number; left for re-entry", label, raw);
			return;
		}
		if (ph.lost_excel)
			warn(b, "phone_lost_excel", "%s: '%s': Excel turned "
				"the number into scientific notation; its digits "
				"are lost: re-enter it", label, raw);
		if (ph.masked)
			warn(b, "phone_masked", "%s: '%s' is masked; kept as "
				"written", label, raw);
	}
	if (!ph.n)
		return;
	seq = fq_map_get(party, "phones");
	if (!seq) {
		seq = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(party, "phones", seq);
	}
	for (i = 0; i < ph.n; i++) {
		for (j = 0; j < seq->len; j++)
			if (!strcmp(seq->vals[j]->str, ph.v[i].number))
				break;
		if (j == seq->len)
			fq_seq_push(seq, fq_node_text(ph.v[i].number));
	}
}

static void
add_id(struct build *b, struct fq_node *party, const char *raw,
	const char *label)
{
	struct fq_ledger_id id;
	struct fq_error e = FQ_ERROR_INIT;

	if (fq_ledger_parse_id_number(&id, raw, &e)) {
		warn(b, "id_unreadable", "%s: '%s' is not an ID number; left "
			"for re-entry", label, raw);
		return;
	}
	if (id.lost_excel) {
		warn(b, "id_lost_excel", "%s: '%s': Excel turned the number "
			"into scientific notation; its digits are lost: "
			"re-enter it", label, raw);
		return;
	}
	if (id.checksum_bad)
		warn(b, "id_checksum", "%s: the check digit of the ID number "
			"is wrong", label);
	if (id.number[0])
		fq_map_set(party, "id_number", fq_node_text(id.number));
}

/* Parties of one physical row: cells v; appended to seq. */
static void
row_parties(struct build *b, struct fq_node *seq, char *const *v)
{
	struct fq_ledger_parties ps = FQ_LEDGER_PARTIES_INIT;
	struct fq_error e = FQ_ERROR_INIT;
	size_t start = seq->len, napp = 0, i, k;
	size_t app_first = (size_t)-1, resp_first = (size_t)-1;
	struct {
		int f;
		const char *role;
	} cols[] = {
		{ F_PARTIES, "party" }, { F_APPLICANT, "applicant" },
		{ F_RESPONDENT, "respondent" }
	};

	for (k = 0; k < FQ_ARRAY_SIZE(cols); k++) {
		const char *raw = v[cols[k].f];
		size_t before = ps.n;

		if (!raw || empty_cell(raw))
			continue;
		fq_ledger_parse_parties(&ps, raw, &e);
		for (i = before; i < ps.n; i++) {
			const char *role = ps.v[i].role ? ps.v[i].role :
				cols[k].role;

			if (!strcmp(role, "applicant") && app_first ==
			    (size_t)-1)
				app_first = start + i;
			if (!strcmp(role, "respondent") && resp_first ==
			    (size_t)-1)
				resp_first = start + i;
			fq_seq_push(seq, party_node(&ps.v[i], role));
			napp++;
		}
	}
	fq_ledger_parties_release(&ps);
	if (!napp)
		return;
	/* Row-level columns go to the row's (first) party. */
	{
		struct fq_node *first = seq->vals[start];
		const char *s;

		if ((s = v[F_GENDER]) && !fq_map_str(first, "gender")) {
			struct fq_buf t = FQ_BUF_INIT;

			squeeze(&t, s);
			if (!strcmp(t.buf, "男") || !strcasecmp(t.buf, "M"))
				fq_map_set_str(first, "gender", "M");
			else if (!strcmp(t.buf, "女") ||
			    !strcasecmp(t.buf, "F"))
				fq_map_set_str(first, "gender", "F");
			fq_buf_release(&t);
		}
		if ((s = v[F_AGE]) && !fq_map_str(first, "age")) {
			struct fq_buf t = FQ_BUF_INIT;
			int a;

			squeeze(&t, s);
			a = atoi(t.buf);
			if (a > 0 && a < 130 && t.buf[strspn(t.buf,
			    "0123456789")] != '.') {
				char num[8];

				snprintf(num, sizeof(num), "%d", a);
				fq_map_set_str(first, "age", num);
			}
			fq_buf_release(&t);
		}
		if ((s = v[F_ADDRESS]) && !fq_map_str(first, "address"))
			set_text(first, "address", s);
		if ((s = v[F_ID_NUMBER]) && !empty_cell(s))
			add_id(b, first, s, "id_number");
		if ((s = v[F_PHONE]) && !empty_cell(s)) {
			struct fq_ledger_phones ph;
			struct fq_error pe = FQ_ERROR_INIT;
			size_t np = seq->len - start;

			fq_ledger_parse_phones(&ph, s, &pe);
			if (np > 1 && ph.n == np && !ph.lost_excel) {
				/* one number per party, in order */
				for (i = 0; i < np; i++)
					add_phones(b, seq->vals[start + i], s,
						"phone", &ph.v[i]);
			} else {
				add_phones(b, first, s, "phone", NULL);
				if (np > 1 && ph.n > 0)
					warn(b, "phones_unassigned", "phone: "
						"%zu numbers for %zu parties: "
						"all given to %s", ph.n, np,
						fq_map_str(first, "name"));
			}
		}
		if ((s = v[F_APPLICANT_PHONE]) && !empty_cell(s))
			add_phones(b, seq->vals[app_first != (size_t)-1 ?
				app_first : start], s, "applicant_phone", NULL);
		if ((s = v[F_APPLICANT_ID]) && !empty_cell(s))
			add_id(b, seq->vals[app_first != (size_t)-1 ?
				app_first : start], s, "applicant_id_number");
		if ((s = v[F_RESPONDENT_PHONE]) && !empty_cell(s) &&
		    resp_first != (size_t)-1)
			add_phones(b, seq->vals[resp_first], s,
				"respondent_phone", NULL);
		if ((s = v[F_RESPONDENT_ID]) && !empty_cell(s) &&
		    resp_first != (size_t)-1)
			add_id(b, seq->vals[resp_first], s,
				"respondent_id_number");
	}
}

static bool
perf_pending(const char *perf)
{
	static const char *const w[] = { "未履行", "待履行", "履行中",
		"分期", "部分履行", "尚未", "正在履行" };
	size_t i;

	for (i = 0; perf && i < FQ_ARRAY_SIZE(w); i++)
		if (strstr(perf, w[i]))
			return true;
	return false;
}

static bool
perf_done(const char *perf)
{
	static const char *const w[] = { "已履行", "履行完毕", "已兑现",
		"兑现", "当场履行", "已支付", "已付清", "已完成" };
	size_t i;

	if (!perf || perf_pending(perf))
		return false;
	for (i = 0; i < FQ_ARRAY_SIZE(w); i++)
		if (strstr(perf, w[i]))
			return true;
	return false;
}

struct result {
	const char *state, *outcome;
	const struct result_rule *rule;
};

static void
apply_results(struct build *b, const char *raw, bool closed_row,
	const char *perf, bool has_accepted, struct result *res)
{
	fq_importer *im = b->x->im;
	struct fq_buf t = FQ_BUF_INIT;
	size_t i;

	res->rule = NULL;
	res->outcome = NULL;
	squeeze(&t, raw ? raw : "");
	if (!t.len || fq_ledger_is_placeholder(t.buf)) {
		res->state = has_accepted ? im->empty_state :
			im->empty_state_reported;
		if (closed_row) {
			res->state = "closed";
			warn(b, "outcome_unknown", "result: the row is closed "
				"(结案日期/销号) but says nothing of the result");
		}
		goto out;
	}
	for (i = 0; i < im->nrules; i++)
		if (strv_in(&im->rules[i].match, t.buf, im->rules[i].exact))
			break;
	if (i == im->nrules) {
		res->state = has_accepted ? im->empty_state :
			im->empty_state_reported;
		warn(b, "result_unknown", "result: '%s' is not a known result; "
			"the case is left %s", t.buf, res->state);
		if (closed_row) {
			res->state = "closed";
			warn(b, "outcome_unknown", "result: closed row with an "
				"unknown result");
		}
		goto out;
	}
	res->rule = &im->rules[i];
	res->state = res->rule->state;
	res->outcome = res->rule->outcome;
	if (res->rule->form_from_text) {
		if (strv_in(&im->oral, t.buf, false))
			res->outcome = "mediated_oral";
		else if (strv_in(&im->written, t.buf, false))
			res->outcome = "mediated_written";
		else
			warn(b, "form_unknown", "result: '%s' does not say if "
				"the agreement was written or oral: taken as "
				"written", t.buf);
	}
	if (res->rule->when_pending && perf_pending(perf))
		res->state = res->rule->when_pending;
	if (res->rule->closed_state && closed_row) {
		res->state = res->rule->closed_state;
		res->outcome = res->rule->closed_outcome;
	}
	for (i = 0; i < res->rule->flags.n; i++)
		warn(b, res->rule->flags.v[i], "result: '%s': %s", t.buf,
			res->rule->flags.v[i]);
	if (!strcmp(res->state, "mediating") && closed_row)
		warn(b, "inconsistent", "result: '%s' but the row is marked "
			"closed (销号/结案日期): imported as it says, check it",
			t.buf);
	if (res->rule->routes_from_text) {
		struct fq_node *seq = fq_node_new(FQ_NODE_SEQ);

		for (i = 0; i < im->nroutes; i++)
			if (strv_in(&im->routes[i].words, t.buf, false))
				fq_seq_push(seq, fq_node_scalar(
					im->routes[i].route));
		if (seq->len)
			fq_map_set(b->c, "failure_routes_advised", seq);
		else
			fq_node_free(seq);
	}
out:
	fq_buf_release(&t);
}

static bool
yes_cell(const char *s)
{
	struct fq_buf t = FQ_BUF_INIT;
	bool y;

	squeeze(&t, s ? s : "");
	y = !strcmp(t.buf, "是") || !strcmp(t.buf, "已销号") ||
		!strcmp(t.buf, "√") || !strcmp(t.buf, "✔") ||
		!strcmp(t.buf, "已结案") || !strcmp(t.buf, "Y") ||
		!strcmp(t.buf, "y") || !strcmp(t.buf, "yes");
	fq_buf_release(&t);
	return y;
}

static void
fen_str(char *out, size_t size, long long fen)
{
	if (fen % 100)
		snprintf(out, size, "%lld.%02lld", fen / 100, fen % 100);
	else
		snprintf(out, size, "%lld", fen / 100);
}

static void
record_text(struct fq_buf *out, const struct fq_import_record *rec,
	const char *base)
{
	size_t i;

	if (rec->row_first == rec->row_last)
		fq_buf_addf(out, "%s#row%u", base, rec->row_first);
	else
		fq_buf_addf(out, "%s#row%u-%u", base, rec->row_first,
			rec->row_last);
	(void)i;
}

/* 回访情况 "3月20日电话回访，双方满意": a visit when it starts with a date. */
static void
add_visit(struct build *b, const char *raw)
{
	struct fq_buf t = FQ_BUF_INIT, d = FQ_BUF_INIT;
	struct fq_ledger_date dt;
	struct fq_error e = FQ_ERROR_INIT;
	struct fq_node *v, *seq;
	const char *end;
	char iso[11];

	norm(&t, raw);
	end = strstr(t.buf, "日");
	if (!end || end - t.buf > 24) {
		warn(b, NULL, "follow_up: '%s' has no date: kept in the "
			"import record", t.buf);
		goto out;
	}
	fq_buf_add(&d, t.buf, (size_t)(end - t.buf) + 3);
	if (fq_ledger_parse_date(&dt, d.buf, &b->x->dctx, &e) || dt.is_null ||
	    dt.is_ditto) {
		warn(b, NULL, "follow_up: '%s': the date is not readable: kept "
			"in the import record", t.buf);
		goto out;
	}
	fq_ledger_date_iso(iso, &dt);
	v = fq_node_new(FQ_NODE_MAP);
	fq_map_set(v, "on", fq_node_scalar(iso));
	if (strstr(t.buf, "电话"))
		fq_map_set_str(v, "method", "phone");
	else if (strstr(t.buf, "微信"))
		fq_map_set_str(v, "method", "wechat");
	else if (strstr(t.buf, "走访") || strstr(t.buf, "上门") ||
	    strstr(t.buf, "入户"))
		fq_map_set_str(v, "method", "visit");
	if (strstr(t.buf, "不满意"))
		fq_map_set_str(v, "satisfaction", "dissatisfied");
	else if (strstr(t.buf, "基本满意"))
		fq_map_set_str(v, "satisfaction", "basically");
	else if (strstr(t.buf, "满意"))
		fq_map_set_str(v, "satisfaction", "satisfied");
	fq_map_set(v, "note", fq_node_text(t.buf));
	seq = fq_node_new(FQ_NODE_SEQ);
	fq_seq_push(seq, v);
	fq_map_set(b->c, "visits", seq);
out:
	fq_buf_release(&t);
	fq_buf_release(&d);
}

/*
 * Push each name of s onto seq: names are separated by , ; / tab,
 * newline, space and by 、，； (whole UTF-8 sequences: a byte of one is
 * also a byte of many a name, 张 and 四 among them).
 */
static void
split_names(struct fq_node *seq, const char *s)
{
	static const char *const wide[] = { "、", "，", "；" };
	const char *start = s, *p = s;
	size_t sep, i;

	for (;;) {
		sep = 0;
		if (*p && strchr(",;/\n\t ", *p))
			sep = 1;
		for (i = 0; *p && !sep && i < sizeof(wide) / sizeof(wide[0]); i++)
			if (!strncmp(p, wide[i], strlen(wide[i])))
				sep = strlen(wide[i]);
		if (*p && !sep) {
			p++;
			continue;
		}
		if (p > start) {
			char *name = fq_xstrndup(start, (size_t)(p - start));

			fq_seq_push(seq, fq_node_text(name));
			free(name);
		}
		if (!*p)
			return;
		p += sep;
		start = p;
	}
}

static void
build_case(struct build *b)
{
	struct ctx *x = b->x;
	fq_importer *im = x->im;
	const fq_import_rules *ru = im->o.rules;
	const struct fq_node *cfg = im->o.config;
	struct fq_node *c = b->c, *seq, *ev;
	char acc[11], rep[11], clo[11], ses[11];
	const char *s, *category = NULL, *source = NULL, *intake;
	struct result res;
	bool exact, closed_row;
	int ra, rr, rc;
	size_t i;
	struct fq_buf t = FQ_BUF_INIT, prov = FQ_BUF_INIT;

	/* placeholder ID until the caller allocates one */
	fq_map_set_str(c, "id", "XX-1900-000000");
	fq_map_set_str(c, "title", "-");
	fq_map_set_str(c, "status", "accepted");

	/* dates */
	ra = date_cell(b, F_ACCEPTED_ON, "accepted_on", acc, true);
	rr = date_cell(b, F_REPORTED_ON, "reported_on", rep, true);
	rc = date_cell(b, F_CLOSED_ON, "closed_on", clo, true);
	date_cell(b, F_SESSION_ON, "session_on", ses, false);
	if (ra == 0 && rr == 0)
		problem(b, x->has_field[F_ACCEPTED_ON] ? "accepted_on" :
			x->has_field[F_REPORTED_ON] ? "reported_on" :
			"accepted_on", "no date: the record needs a 受理日期 "
			"or 排查日期");
	if (rc < 0 && V(b, F_CLOSED_ON)) {
		/* a closing date cell that is really a result */
	}

	/* category */
	if ((s = V(b, F_CATEGORY))) {
		category = enum_lookup_im(im, im->categories, s, &exact);
		squeeze(&t, s);
		if (!category) {
			category = "other";
			warn(b, "category_unknown", "category: '%s' is not a "
				"known category: imported as other with the "
				"text kept", t.buf);
			fq_map_set(c, "subcategory_raw", fq_node_text(t.buf));
		} else if (!exact) {
			fq_map_set(c, "subcategory_raw", fq_node_text(t.buf));
			warn(b, NULL, "category: '%s' read as %s", t.buf,
				category);
		}
		if (x->r.ditto[F_CATEGORY])
			warn(b, "ditto_copied", "category: copied from the row "
				"above (同上)");
	} else if (ru && ru->category) {
		bool ex;

		category = enum_lookup_im(im, im->categories, ru->category, &ex);
	}
	if ((s = V(b, F_SUBCATEGORY_RAW)))
		set_text(c, "subcategory_raw", s);
	if (!category) {
		category = "other";
		warn(b, "category_unknown", "category: none given: imported "
			"as other");
	}
	fq_map_set_str(c, "category", category);

	/* source */
	if ((s = V(b, F_SOURCE))) {
		source = enum_lookup_im(im, im->sources, s, &exact);
		if (!source)
			warn(b, "source_unknown", "source: '%s' is not a known "
				"case source", s);
	}
	if (!source && ru && ru->source) {
		bool ex;

		source = enum_lookup_im(im, im->sources, ru->source, &ex);
	}
	if (!source)
		source = ra == 0 && rr > 0 ? "screening" : "application";
	fq_map_set_str(c, "source", source);
	if (cfg)
		fq_map_set_str(c, "level", fq_map_str(cfg, "level"));
	if ((s = V(b, F_TOWN)))
		set_text(c, "town", s);
	else if (ru && ru->town)
		fq_map_set(c, "town", fq_node_text(ru->town));
	else if (cfg && fq_map_str(cfg, "town"))
		fq_map_set(c, "town", fq_node_text(fq_map_str(cfg, "town")));
	if ((s = V(b, F_VILLAGE)))
		set_text(c, "village", s);
	else if (ru && ru->village)
		fq_map_set(c, "village", fq_node_text(ru->village));
	set_text(c, "grid", V(b, F_GRID));
	if (rr > 0)
		fq_map_set(c, "reported_on", fq_node_scalar(rep));
	if (ra > 0)
		fq_map_set(c, "accepted_on", fq_node_scalar(acc));

	/* summary */
	if ((s = V(b, F_SUMMARY)))
		set_text(c, "summary", s);
	else if (x->has_field[F_SUMMARY])
		problem(b, "summary", "empty: the record needs a 简要情况");
	else {
		const char *lab = fq_enum_label(im->categories, category);

		squeeze(&t, V(b, F_CATEGORY) ? V(b, F_CATEGORY) : lab);
		fq_map_set(c, "summary", fq_node_text(t.buf));
		warn(b, "summary_missing", "summary: the ledger has no "
			"summary column: the category is used");
	}

	/* parties */
	seq = fq_node_new(FQ_NODE_SEQ);
	fq_map_set(c, "parties", seq);
	row_parties(b, seq, x->r.val);
	for (i = 0; i < x->r.ncont; i++)
		row_parties(b, seq, x->r.cont[i]);
	if (!seq->len)
		problem(b, x->has_field[F_PARTIES] || !x->has_field[F_APPLICANT]
			? "parties" : "applicant", "no party");
	for (i = 0; i < seq->len; i++) {
		const char *h = fq_map_str(seq->vals[i], "households");
		const char *p = fq_map_str(seq->vals[i], "people");

		if (h && !fq_map_get(c, "households_involved"))
			fq_map_set_str(c, "households_involved", h);
		if (p && !fq_map_get(c, "people_involved"))
			fq_map_set_str(c, "people_involved", p);
	}

	/* people counts, amount */
	if ((s = V(b, F_PEOPLE))) {
		int hh, pp;
		unsigned fl = 0;
		struct fq_error e = FQ_ERROR_INIT;
		char num[16];

		if (fq_ledger_parse_people(&hh, &pp, &fl, s, &e))
			warn(b, "people_unreadable", "people_involved: '%s' "
				"is not a count", s);
		else {
			if (hh >= 0) {
				snprintf(num, sizeof(num), "%d", hh);
				fq_map_set_str(c, "households_involved", num);
			}
			if (pp >= 0) {
				snprintf(num, sizeof(num), "%d", pp);
				fq_map_set_str(c, "people_involved", num);
			}
			if (fl & FQ_LEDGER_APPROX)
				warn(b, "people_approx", "people_involved: "
					"'%s' is approximate", s);
		}
	}
	if ((s = V(b, F_AMOUNT))) {
		long long fen;
		unsigned fl = 0;
		struct fq_error e = FQ_ERROR_INIT;
		char num[32];

		if (fq_ledger_parse_amount(&fen, &fl, s, &e))
			warn(b, "amount_unreadable", "amount: '%s' is not an "
				"amount", s);
		else if (!(fl & FQ_LEDGER_NONE)) {
			fen_str(num, sizeof(num), fen);
			fq_map_set_str(c, "amount_in_dispute", num);
			if (fl & FQ_LEDGER_APPROX)
				warn(b, "amount_approx", "amount: '%s' is "
					"approximate", s);
			if (fl & FQ_LEDGER_RANGE)
				warn(b, "amount_range", "amount: '%s' is a "
					"range: the first figure is kept", s);
			if (fl & FQ_LEDGER_INSTALLMENTS)
				warn(b, "amount_installments", "amount: '%s' "
					"is paid in installments", s);
		}
	}

	/* people in the office */
	if ((s = V(b, F_MEDIATORS))) {
		struct fq_buf m = FQ_BUF_INIT;

		seq = fq_node_new(FQ_NODE_SEQ);
		norm(&m, s);
		split_names(seq, m.buf);
		fq_map_set(c, "mediators", seq);
		if (x->r.ditto[F_MEDIATORS])
			warn(b, "ditto_copied", "mediators: copied from the row "
				"above (同上)");
		fq_buf_release(&m);
	} else if (ru && ru->mediator) {
		seq = fq_node_new(FQ_NODE_SEQ);
		fq_seq_push(seq, fq_node_text(ru->mediator));
		fq_map_set(c, "mediators", seq);
	}
	set_text(c, "lead_official", V(b, F_LEAD));
	set_text(c, "responsible_unit", V(b, F_UNIT));
	{
		const char *col = NULL;

		if ((s = V(b, F_RISK)))
			col = fq_ledger_parse_color(s);
		if (!col && ru && ru->risk)
			col = ru->risk;
		if (!col && x->has_field[F_RISK])
			warn(b, "color_unknown", "risk_color: '%s': the colour "
				"is not in the CSV (a cell fill is lost): blue "
				"until someone grades it", s ? s : "");
		fq_map_set_str(c, "risk_color", col ? col : "blue");
	}
	set_text(c, "plan", V(b, F_PLAN));
	if ((s = V(b, F_EXTERNAL_ID)) || (x->col_ambiguous_seq &&
	    (s = V(b, F_SEQ)) && s[strspn(s, "0123456789 ")])) {
		set_text(c, "docket_no", s);
	}
	if ((s = V(b, F_FLAGS))) {
		struct fq_buf m = FQ_BUF_INIT;
		char *p, *q;

		squeeze(&m, s);
		for (p = m.buf; p && *p; p = q) {
			q = strstr(p, "、");
			if (q) {
				*q = '\0';
				q += 3;
			}
			if (*p)
				warn(b, p, "flags: %s (from the file)", p);
		}
		fq_buf_release(&m);
	}

	/* title */
	if ((s = V(b, F_TITLE)))
		set_text(c, "title", s);
	else {
		const struct fq_node *ps = fq_map_get(c, "parties");
		const char *a = ps && ps->len ? fq_map_str(ps->vals[0],
			"name") : NULL;
		const char *r2 = ps && ps->len > 1 ?
			fq_map_str(ps->vals[1], "name") : NULL;

		fq_buf_reset(&t);
		if (a)
			fq_buf_adds(&t, a);
		if (a && r2) {
			fq_buf_adds(&t, "与");
			fq_buf_adds(&t, r2);
		}
		fq_buf_adds(&t, fq_enum_label(im->categories, category));
		fq_buf_reset(&prov);
		fq_buf_add_cols(&prov, t.buf, 40, false);
		fq_map_set(c, "title", fq_node_text(prov.buf));
	}

	/* state and outcome */
	closed_row = rc > 0 || yes_cell(V(b, F_CLOSED_FLAG));
	if (rc < 0 && (s = V(b, F_CLOSED_ON)))
		closed_row = false;
	apply_results(b, V(b, F_RESULT), closed_row, V(b, F_PERFORMANCE),
		ra > 0, &res);
	if (yes_cell(V(b, F_CONFIRMED)))
		warn(b, "confirmation_claimed", "confirmed: the ledger says "
			"司法确认: add the court's ruling with fq confirm");

	/* provenance */
	fq_buf_reset(&prov);
	record_text(&prov, b->out, x->base);
	fq_map_set(c, "imported_from", fq_node_text(prov.buf));
	fq_map_set(c, "created_at", fq_node_scalar(im->o.now));
	fq_map_set(c, "updated_at", fq_node_scalar(im->o.now));

	if (b->out->problems.len)
		goto out;

	/* the timeline, on the ledger's dates */
	intake = ra > 0 ? acc : rep;
	if (strcmp(res.state, "reported") && ra == 0) {
		fq_map_set(c, "accepted_on", fq_node_scalar(rep));
		warn(b, "accepted_on_inferred", "accepted_on: not given; the "
			"排查日期 %s is used", rep);
	}
	ev = fq_case_add_event(c, im->o.now, "intake", im->o.actor, NULL);
	fq_buf_reset(&t);
	fq_buf_adds(&t, "导入 ");
	fq_buf_adds(&t, prov.buf);
	{
		/* the date as written when it was not plain: a time of day,
		 * the end of a range, a month only */
		const char *raw = ra > 0 ? V(b, F_ACCEPTED_ON) :
			V(b, F_REPORTED_ON);
		struct fq_buf w = FQ_BUF_INIT;

		if (raw) {
			norm(&w, raw);
			if (strcmp(w.buf, intake))
				fq_buf_addf(&t, "（%s原文：%s）", ra > 0 ?
					"受理日期" : "排查日期", w.buf);
		}
		fq_buf_release(&w);
	}
	fq_map_set(ev, "note", fq_node_text(t.buf));
	fq_map_set_str(ev, "state_to", ra > 0 || strcmp(res.state,
		"reported") ? "accepted" : "reported");
	fq_map_set_str(c, "status", ra > 0 || strcmp(res.state, "reported") ?
		"accepted" : "reported");
	if (strncmp(intake, im->o.now, 10))
		fq_map_set(ev, "effective_on", fq_node_scalar(intake));
	{
		const char *on_session = ses[0] && strcmp(ses, intake) >= 0 ?
			ses : intake;
		const char *on_close = rc > 0 ? clo : on_session;
		const char *st = res.state;
		const char *oc = res.outcome;

		if (!strcmp(st, "closed") && rc <= 0)
			warn(b, "closed_on_missing", "closed_on: the case is "
				"closed but the ledger gives no closing date: "
				"%s is used", on_close);
		if (rc > 0 && strcmp(clo, intake) < 0)
			warn(b, "inconsistent", "closed_on: %s is before the "
				"intake date %s", clo, intake);
		if (!strcmp(st, "mediating") || !strcmp(st, "agreed") ||
		    (!strcmp(st, "closed") && oc && strcmp(oc, "rejected") &&
		    strcmp(oc, "withdrawn") && strcmp(oc, "refused") &&
		    strncmp(oc, "referred", 8)) || (!strcmp(st, "closed") &&
		    !oc))
			fq_case_move(c, "mediating", NULL, im->o.now,
				on_session, im->o.actor, "导入：台账记载调解");
		if (!strcmp(st, "agreed") || (!strcmp(st, "closed") && oc &&
		    !strncmp(oc, "mediated_", 9))) {
			struct fq_node *ag = fq_node_new(FQ_NODE_MAP);
			const char *perf = V(b, F_PERFORMANCE);
			const char *amt = fq_map_str(c, "amount_in_dispute");

			fq_map_set_str(ag, "form", oc && !strcmp(oc,
				"mediated_oral") ? "oral" : "written");
			fq_map_set(ag, "effective_on", fq_node_scalar(
				!strcmp(st, "agreed") ? on_session : on_close));
			if (amt)
				fq_map_set_str(ag, "amount", amt);
			if (perf_pending(perf))
				fq_map_set_str(ag, "performance_status",
					"pending");
			else if (perf_done(perf) || (V(b, F_RESULT) &&
			    (strstr(V(b, F_RESULT), "当场履行") ||
			    strstr(V(b, F_RESULT), "当场兑现"))))
				fq_map_set_str(ag, "performance_status",
					"performed");
			fq_map_set(c, "agreement", ag);
		}
		if (!strcmp(st, "agreed"))
			fq_case_move(c, "agreed", NULL, im->o.now, on_session,
				im->o.actor, "导入：达成协议");
		else if (!strcmp(st, "referred_out"))
			fq_case_move(c, "referred_out", NULL, im->o.now,
				on_session, im->o.actor, "导入：台账记载移交");
		else if (!strcmp(st, "closed")) {
			if (!oc) {
				oc = "mediated_written";
				warn(b, "outcome_unknown", "result: closed "
					"without a result: taken as mediated "
					"(written), check it");
			}
			fq_case_move(c, "closed", oc, im->o.now, on_close,
				im->o.actor, "导入：台账记载结案");
		}
	}
	if (!fq_case_is_open(im->o.schema, c))
		fq_map_del(c, "due_on");
	else {
		struct fq_error e = FQ_ERROR_INIT;

		fq_case_update_due(c, im->o.cal, cfg, &e);
		if ((s = V(b, F_DUE))) {
			struct fq_ledger_deadline dl;
			struct fq_ledger_date row;
			struct fq_error de = FQ_ERROR_INIT;

			memset(&row, 0, sizeof(row));
			row.year = atoi(intake);
			row.month = atoi(intake + 5);
			row.day = atoi(intake + 8);
			if (!fq_ledger_parse_deadline(&dl, s, &row, &x->dctx,
			    &de) && dl.has_date) {
				char iso[16];

				snprintf(iso, sizeof(iso), "%04d-%02d-%02d",
					dl.year, dl.month, dl.day);
				fq_map_set(c, "due_on", fq_node_scalar(iso));
			} else {
				const char *plan = fq_map_str(c, "plan");

				fq_buf_reset(&t);
				norm(&t, s);
				if (plan) {
					char *p = fq_xstrdup(plan);

					fq_buf_reset(&t);
					fq_buf_addf(&t, "%s（时限：", p);
					fq_ledger_normalize(&t, s);
					fq_buf_adds(&t, "）");
					free(p);
				} else {
					struct fq_buf u = FQ_BUF_INIT;

					fq_buf_addf(&u, "时限：%s", t.buf);
					fq_buf_reset(&t);
					fq_buf_add(&t, u.buf, u.len);
					fq_buf_release(&u);
				}
				fq_map_set(c, "plan", fq_node_text(t.buf));
			}
		}
	}

	if ((s = V(b, F_FOLLOW_UP)))
		add_visit(b, s);

	/* the import event: file, rows and the raw row */
	ev = fq_case_add_event(c, im->o.now, "import", im->o.actor, NULL);
	fq_buf_reset(&t);
	fq_buf_adds(&t, prov.buf);
	if (V(b, F_SEQ)) {
		fq_buf_adds(&t, "（序号 ");
		fq_buf_adds(&t, V(b, F_SEQ));
		fq_buf_adds(&t, "）");
	}
	fq_buf_adds(&t, "\n");
	for (i = 0; i < b->out->nrows; i++) {
		struct fq_buf line = FQ_BUF_INIT;

		fq_csv_row(&line, (const char *const *)b->out->rows[i],
			b->out->ncells[i], ',');
		if (line.len >= 2)
			fq_buf_setlen(&line, line.len - 2);
		fq_buf_add(&t, line.buf, line.len);
		fq_buf_addch(&t, '\n');
		fq_buf_release(&line);
	}
	while (t.len && t.buf[t.len - 1] == '\n')
		fq_buf_setlen(&t, t.len - 1);
	fq_map_set(ev, "note", fq_node_text(t.buf));
out:
	fq_buf_release(&t);
	fq_buf_release(&prov);
}

/*
 * A record on its way to the callback: it owns what it points to (the
 * raw rows are moved out of the record being built, the case ID cell
 * too), so the reading thread can go on while the caller's handles it.
 */
struct qrec {
	struct fq_import_record rec;
	char *case_id;
	struct fq_node *invalid;	/* the case built, if it failed */
	struct qrec *next;	/* in the list of those handled */
};

static void
qrec_free(struct qrec *q)
{
	size_t i, j;

	if (!q)
		return;
	fq_node_free(q->rec.c);
	fq_node_free(q->invalid);
	fq_buf_release(&q->rec.problems);
	fq_buf_release(&q->rec.warnings);
	for (i = 0; i < q->rec.nrows; i++) {
		for (j = 0; j < q->rec.ncells[i]; j++)
			free(q->rec.rows[i][j]);
		free(q->rec.rows[i]);
	}
	free(q->rec.rows);
	free(q->rec.ncells);
	free(q->case_id);
	free(q);
}

/* The case of the record being built, in a record of its own (checked
 * against the schema later, by check_record); x->r is left empty. */
static struct qrec *
build_record(struct ctx *x)
{
	struct qrec *q = fq_xcalloc(1, sizeof(*q));
	struct fq_import_record *rec = &q->rec;
	struct build b;
	const char *s;

	rec->file = x->path;
	rec->row_first = x->r.first;
	rec->row_last = x->r.last;
	/* moved from x->r below, once the case is built */
	rec->rows = x->r.rows;
	rec->ncells = x->r.ncells;
	rec->nrows = x->r.nrows;
	b.x = x;
	b.out = rec;
	b.c = fq_node_new(FQ_NODE_MAP);
	fq_buf_init(&b.tmp);
	build_case(&b);
	if (rec->problems.len) {
		fq_node_free(b.c);
		b.c = NULL;
	}
	fq_buf_release(&b.tmp);
	rec->c = b.c;
	s = x->r.val[F_CASE_ID];
	if (s && !empty_cell(s)) {
		q->case_id = x->r.val[F_CASE_ID];
		x->r.val[F_CASE_ID] = NULL;
		rec->case_id = q->case_id;
	}
	x->r.rows = NULL;
	x->r.ncells = NULL;
	x->r.nrows = 0;
	x->info->records++;
	rec_free(&x->r);
	return q;
}

/*
 * The schema's check of the case built, on the thread that calls back
 * (the two threads' halves are then about as long).  A case that fails
 * it is kept in q->invalid, for the thread that built it to free.
 */
static void
check_record(const struct ctx *x, struct qrec *q)
{
	struct fq_import_record *rec = &q->rec;
	struct fq_diags d = FQ_DIAGS_INIT;
	struct build b;
	size_t i;

	if (rec->c && fq_schema_validate(x->im->o.schema, "case", rec->c,
	    x->base, &d)) {
		memset(&b, 0, sizeof(b));
		b.out = rec;
		for (i = 0; i < d.n; i++)
			problem(&b, "case", "%s", d.v[i].msg);
		q->invalid = rec->c;
		rec->c = NULL;
	}
	fq_diags_release(&d);
	rec->docket_no = rec->c ? fq_map_str(rec->c, "docket_no") : NULL;
}

static int pipe_put(struct pipe *pp, struct qrec *q);

static void
qrec_free_list(struct qrec *q)
{
	struct qrec *next;

	for (; q; q = next) {
		next = q->next;
		qrec_free(q);
	}
}

/* The record is complete: to the callback, or to the caller's thread. */
static int
build_and_emit(struct ctx *x)
{
	struct qrec *q = build_record(x);
	int ret;

	if (x->pipe)
		return pipe_put(x->pipe, q);
	check_record(x, q);
	ret = x->fn(&q->rec, x->data);
	qrec_free(q);
	return ret;
}

/*
 * --- two threads ---
 *
 * A file is read (decoded, parsed, its records built into cases) on a
 * thread of its own while the caller's thread checks the cases against
 * the schema and runs the callback on the records already built, in their
 * order (at 10,000 rows each half is then some 0.45 s of CPU; with the
 * check on the reader's, 0.56 and 0.30).  Between them, a
 * queue of at most QCAP records (memory stays that of a few hundred
 * cases).  Each side sleeps only when the queue is empty or full, and is
 * woken once a batch is ready (QBATCH records, or room for them), not for
 * every record.  The records handled go back to the reader, which frees
 * them: what a thread allocates, it frees (glibc's malloc keeps a heap
 * per thread, and a caller freeing the reader's blocks reuses them for
 * its own long-lived data, which then spreads over both heaps: at the
 * end of a file of 100,000 rows, the reader's heap held 38 MB of the 105
 * when the caller freed the records, 7 now).
 * When the callback stops, the reader is told and stops at its next
 * record.
 * FQ_IMPORT_THREADS=1 reads and calls back on the caller's thread, one
 * record after the other (the same calls in the same order).
 */
#define QCAP 256
#define QBATCH 32

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	struct qrec *q[QCAP];
	size_t head, n;
	struct qrec *used;	/* handled, for the reader to free */
	bool done;		/* the reader is finished */
	bool stop;		/* the callback stopped: no more records */
	bool want_more, want_room;	/* a side is asleep */
};

/* Reader: queue q (taken).  Non-zero when the callback has stopped. */
static int
pipe_put(struct pipe *pp, struct qrec *q)
{
	struct qrec *used;
	int stop;

	pthread_mutex_lock(&pp->mu);
	while (pp->n == QCAP && !pp->stop) {
		pp->want_room = true;
		pthread_cond_wait(&pp->room, &pp->mu);
	}
	if (!(stop = pp->stop)) {
		pp->q[(pp->head + pp->n) % QCAP] = q;
		pp->n++;
		q = NULL;
		if (pp->want_more && pp->n >= QBATCH) {
			pp->want_more = false;
			pthread_cond_signal(&pp->more);
		}
	}
	used = pp->used;
	pp->used = NULL;
	pthread_mutex_unlock(&pp->mu);
	qrec_free(q);
	qrec_free_list(used);
	return stop;
}

/* Reader: no more records. */
static void
pipe_close(struct pipe *pp)
{
	pthread_mutex_lock(&pp->mu);
	pp->done = true;
	pthread_cond_signal(&pp->more);
	pthread_mutex_unlock(&pp->mu);
}

/* Caller: hand back the record handled (NULL at first) and take the
 * next, NULL when the reader is finished. */
static struct qrec *
pipe_get(struct pipe *pp, struct qrec *handled)
{
	struct qrec *q = NULL;

	pthread_mutex_lock(&pp->mu);
	if (handled) {
		handled->next = pp->used;
		pp->used = handled;
	}
	while (!pp->n && !pp->done) {
		pp->want_more = true;
		pthread_cond_wait(&pp->more, &pp->mu);
	}
	if (pp->n) {
		q = pp->q[pp->head];
		pp->head = (pp->head + 1) % QCAP;
		pp->n--;
		if (pp->want_room && pp->n <= QCAP - QBATCH) {
			pp->want_room = false;
			pthread_cond_signal(&pp->room);
		}
	}
	pthread_mutex_unlock(&pp->mu);
	return q;
}

/* Caller: the callback stopped; the reader stops at its next record. */
static void
pipe_stop(struct pipe *pp)
{
	pthread_mutex_lock(&pp->mu);
	pp->stop = true;
	pthread_cond_signal(&pp->room);
	pthread_mutex_unlock(&pp->mu);
}

/* --- the file --- */

/* Read the file of x, every record to build_and_emit.  Returns 0, the
 * callback's non-zero return, or an error (in x->err). */
static int
read_file(struct ctx *x)
{
	struct csv_parser p;
	struct enc_choice ch;
	FILE *f;
	iconv_t cd = (iconv_t)-1;
	char in[BLOCK + 16];
	struct fq_buf outb = FQ_BUF_INIT;
	size_t carry = 0, got;
	bool first = true;
	int ret = 0;

	if (!(f = fopen(x->path, "rb")))
		return fq_error_set(x->err, FQ_ENOTFOUND, "cannot open %s: %s",
			x->path, strerror(errno));
	if ((ret = detect_encoding(f, x->im->o.encoding, x->info, &ch, x->path,
	    x->err)))
		goto out_file;
	if (ch.iconv_name && (cd = iconv_open("UTF-8", ch.iconv_name)) ==
	    (iconv_t)-1) {
		ret = fq_error_set(x->err, FQ_EUSAGE, "cannot convert from %s",
			ch.iconv_name);
		goto out_file;
	}
	if (ch.skip)
		fseek(f, (long)ch.skip, SEEK_SET);
	if (csv_init(&p, CSV_APPEND_NULL)) {
		ret = fq_error_set(x->err, FQ_ERROR, "cannot start the CSV "
			"reader");
		goto out_file;
	}
	x->info->delimiter = ',';
	while (!x->stop && (got = fread(in + carry, 1, BLOCK, f)) > 0) {
		size_t len = carry + got;

		fq_buf_reset(&outb);
		carry = 0;
		if (cd == (iconv_t)-1) {
			fq_buf_add(&outb, in, len);
		} else {
			char *ip = in;
			size_t il = len;

			while (il) {
				char tmp[BLOCK], *op = tmp;
				size_t ol = sizeof(tmp);
				size_t r = iconv(cd, &ip, &il, &op, &ol);

				fq_buf_add(&outb, tmp, (size_t)(op - tmp));
				if (r != (size_t)-1 || errno == E2BIG)
					continue;
				if (errno == EINVAL && il < 16 && !feof(f)) {
					memmove(in, ip, il);
					carry = il;
					break;
				}
				/* undecodable byte: keep it as \xNN */
				fq_buf_addf(&outb, "\\x%02X",
					*(unsigned char *)ip);
				x->info->undecodable++;
				ip++;
				il--;
			}
		}
		if (first) {
			size_t tabs = 0, commas = 0, j;
			size_t skip = 0;

			if (outb.len >= 3 && !memcmp(outb.buf, "\xEF\xBB\xBF",
			    3))
				skip = 3;
			for (j = skip; j < outb.len && outb.buf[j] != '\n';
			    j++) {
				if (outb.buf[j] == '\t')
					tabs++;
				else if (outb.buf[j] == ',')
					commas++;
			}
			if (tabs > commas || (ch.iconv_name &&
			    !strncmp(ch.iconv_name, "UTF-16", 6) &&
			    tabs >= commas))
				x->info->delimiter = '\t';
			csv_set_delim(&p, (unsigned char)x->info->delimiter);
			if (skip) {
				memmove(outb.buf, outb.buf + skip,
					outb.len - skip);
				fq_buf_setlen(&outb, outb.len - skip);
			}
			first = false;
		}
		if (csv_parse(&p, outb.buf, outb.len, cb_field, cb_row, x) !=
		    outb.len) {
			ret = fq_error_set(x->err, FQ_EPARSE, "%s: CSV error "
				"after row %u: %s", x->path, x->cur.no,
				csv_strerror(csv_error(&p)));
			goto out_csv;
		}
	}
	if (ferror(f)) {
		ret = fq_error_set(x->err, FQ_ERROR, "cannot read %s: %s",
			x->path, strerror(errno));
		goto out_csv;
	}
	if (!x->stop)
		csv_fini(&p, cb_field, cb_row, x);
	if (!x->stop && x->r.open)
		x->stop = build_and_emit(x);
	if (x->stop) {
		ret = x->stop;
		goto out_csv;
	}
	if (!x->info->header_row) {
		ret = fq_error_set(x->err, FQ_EPARSE, "%s: no header row found "
			"(a row with at least 3 known column names such as "
			"序号, 受理日期, 当事人)", x->path);
		goto out_csv;
	}
out_csv:
	csv_free(&p);
out_file:
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	fclose(f);
	fq_buf_release(&outb);
	return ret;
}

struct reader {
	struct ctx *x;
	int ret;
};

static void *
reader_run(void *arg)
{
	struct reader *rd = arg;

	rd->ret = read_file(rd->x);
	pipe_close(rd->x->pipe);
	return NULL;
}

/* read_file on a thread of its own, the callback on this one. */
static int
read_threaded(struct ctx *x)
{
	struct fq_error *err = x->err, rerr = FQ_ERROR_INIT;
	struct reader rd = { x, 0 };
	struct pipe *pp = fq_xcalloc(1, sizeof(*pp));
	struct qrec *q;
	pthread_t t;
	int ret = 0;

	pthread_mutex_init(&pp->mu, NULL);
	pthread_cond_init(&pp->more, NULL);
	pthread_cond_init(&pp->room, NULL);
	x->pipe = pp;
	x->err = &rerr;
	if (pthread_create(&t, NULL, reader_run, &rd)) {
		x->pipe = NULL;
		x->err = err;
		ret = read_file(x);
		goto out;
	}
	for (q = NULL; (q = pipe_get(pp, q));) {
		if (ret)
			continue;
		check_record(x, q);
		if ((ret = x->fn(&q->rec, x->data)))
			pipe_stop(pp);
	}
	pthread_join(t, NULL);
	qrec_free_list(pp->used);
	x->pipe = NULL;
	x->err = err;
	if (!ret && (ret = rd.ret) && err)
		*err = rerr;
out:
	pthread_cond_destroy(&pp->room);
	pthread_cond_destroy(&pp->more);
	pthread_mutex_destroy(&pp->mu);
	free(pp);
	return ret;
}

int
fq_import_file(fq_importer *im, const char *path, fq_import_fn fn,
	void *data, struct fq_import_info *info, struct fq_error *err)
{
	struct ctx x;
	size_t i;
	int ret;

	memset(info, 0, sizeof(*info));
	fq_buf_init(&info->mapping);
	fq_buf_init(&info->unmapped);
	memset(&x, 0, sizeof(x));
	x.im = im;
	x.path = path;
	x.base = base_name(path);
	x.info = info;
	x.fn = fn;
	x.data = data;
	x.err = err;
	x.dctx.current_year = im->current_year;
	x.dctx.date_column = true;
	if (im->o.year)
		set_year(&x, im->o.year, FQ_N_("--year"));
	else if (im->o.rules && im->o.rules->year)
		set_year(&x, im->o.rules->year, FQ_N_("rules"));
	else if (title_year(x.base))
		/* "姚集2023登记簿.csv"; a title row overrides it */
		set_year(&x, title_year(x.base), FQ_N_("file name"));

	ret = fq_import_threads() ? read_threaded(&x) : read_file(&x);
	row_clear(&x.cur);
	free(x.cur.cells);
	rec_free(&x.r);
	for (i = 0; i < NF; i++)
		free(x.prev[i]);
	for (i = 0; i < x.nupper; i++)
		free(x.upper[i]);
	free(x.upper);
	for (i = 0; i < x.nfirst; i++)
		free(x.first[i]);
	free(x.first);
	free(x.colf);
	return ret;
}

/* --- matching and merging --- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
fq_import_key(struct fq_buf *out, const struct fq_node *c, bool loose)
{
	const struct fq_node *ps = fq_map_get(c, "parties");
	const char *date = fq_map_str(c, "accepted_on");
	struct fq_buf t = FQ_BUF_INIT;
	char **names;
	size_t i, n = 0;

	if (!date)
		date = fq_map_str(c, "reported_on");
	/* fq_buf_adds, not fq_buf_addf: a key or two per record */
	fq_buf_adds(out, date ? date : "");
	fq_buf_addch(out, '|');
	if (ps && ps->kind == FQ_NODE_SEQ && ps->len) {
		names = fq_xcalloc(ps->len, sizeof(*names));
		for (i = 0; i < (loose ? 1 : ps->len); i++)
			if (fq_map_str(ps->vals[i], "name")) {
				squeeze(&t, fq_map_str(ps->vals[i], "name"));
				names[n++] = fq_xstrdup(t.buf);
			}
		qsort(names, n, sizeof(*names), cmp_str);
		for (i = 0; i < n; i++) {
			if (i)
				fq_buf_adds(out, "、");
			fq_buf_adds(out, names[i]);
			free(names[i]);
		}
		free(names);
	}
	fq_buf_addch(out, '|');
	fq_buf_adds(out, fq_map_str(c, "category") ?
		fq_map_str(c, "category") : "");
	fq_buf_release(&t);
}

static int
state_rank(const char *s)
{
	static const char *const order[] = { "reported", "accepted",
		"mediating", "agreed", "referred_out", "closed", "archived" };
	size_t i;

	for (i = 0; s && i < FQ_ARRAY_SIZE(order); i++)
		if (!strcmp(s, order[i]))
			return (int)i;
	return -1;
}

static void
fill(struct fq_node *c, const struct fq_node *in, const char *key,
	bool overwrite)
{
	const struct fq_node *v = fq_map_get(in, key);

	if (!v || fq_node_is_empty(v))
		return;
	if (!overwrite && fq_map_get(c, key) && !fq_node_is_empty(
	    fq_map_get(c, key)))
		return;
	if (fq_map_get(c, key) && fq_node_equal(fq_map_get(c, key), v))
		return;
	fq_map_set(c, key, fq_node_dup(v));
}

bool
fq_import_merge(struct fq_node *c, const struct fq_node *in,
	const char *now, const char *actor)
{
	static const char *const fill_keys[] = { "docket_no", "village",
		"grid", "town", "summary", "people_involved",
		"households_involved", "amount_in_dispute", "lead_official",
		"responsible_unit", "plan", "subcategory_raw", "reported_on" };
	static const char *const later_keys[] = { "risk_color", "plan",
		"lead_official", "responsible_unit", "due_on" };
	struct fq_node *before = fq_node_dup(c);
	const char *st = fq_map_str(c, "status");
	const char *ist = fq_map_str(in, "status");
	const struct fq_node *ips = fq_map_get(in, "parties");
	struct fq_node *ps = fq_map_get(c, "parties");
	const struct fq_node *ifl = fq_map_get(in, "flags");
	bool changed;
	size_t i, j;

	for (i = 0; i < FQ_ARRAY_SIZE(fill_keys); i++)
		fill(c, in, fill_keys[i], false);
	if (state_rank(ist) >= state_rank(st) && st &&
	    strcmp(st, "archived")) {
		for (i = 0; i < FQ_ARRAY_SIZE(later_keys); i++)
			fill(c, in, later_keys[i], true);
	}
	if (state_rank(ist) > state_rank(st) && st && ist &&
	    strcmp(st, "archived")) {
		const char *on = fq_map_str(in, "closed_on");
		const struct fq_node *ev = fq_map_get(in, "events");

		/* the date the incoming record reached its state */
		for (i = 0; ev && ev->kind == FQ_NODE_SEQ && i < ev->len; i++)
			if (fq_map_str(ev->vals[i], "state_to") &&
			    !strcmp(fq_map_str(ev->vals[i], "state_to"), ist))
				on = fq_map_str(ev->vals[i], "effective_on") ?
					fq_map_str(ev->vals[i], "effective_on")
					: on;
		if (!on)
			on = now;
		fq_case_move(c, ist, fq_map_str(in, "outcome"), now, on,
			actor, "导入：后续台账记载");
		fill(c, in, "agreement", false);
		fill(c, in, "failure_routes_advised", false);
		if (strcmp(ist, "closed") && strcmp(ist, "archived") &&
		    fq_map_get(in, "due_on"))
			fill(c, in, "due_on", true);
		if (!strcmp(ist, "closed"))
			fq_map_del(c, "due_on");
	}
	if (ips && ips->kind == FQ_NODE_SEQ) {
		if (!ps) {
			ps = fq_node_new(FQ_NODE_SEQ);
			fq_map_set(c, "parties", ps);
		}
		for (i = 0; i < ips->len; i++) {
			const char *nm = fq_map_str(ips->vals[i], "name");

			for (j = 0; nm && j < ps->len; j++)
				if (fq_map_str(ps->vals[j], "name") &&
				    !strcmp(fq_map_str(ps->vals[j], "name"),
				    nm))
					break;
			if (nm && j == ps->len)
				fq_seq_push(ps, fq_node_dup(ips->vals[i]));
		}
	}
	if (ifl && ifl->kind == FQ_NODE_SEQ) {
		struct fq_node *fl = fq_map_get(c, "flags");

		for (i = 0; i < ifl->len; i++) {
			if (!strcmp(ifl->vals[i]->str, "summary_missing"))
				continue;
			for (j = 0; fl && j < fl->len; j++)
				if (!strcmp(fl->vals[j]->str,
				    ifl->vals[i]->str))
					break;
			if (!fl) {
				fl = fq_node_new(FQ_NODE_SEQ);
				fq_map_set(c, "flags", fl);
			}
			if (j == fl->len)
				fq_seq_push(fl, fq_node_dup(ifl->vals[i]));
		}
	}
	changed = !fq_node_equal(before, c);
	fq_node_free(before);
	return changed;
}
