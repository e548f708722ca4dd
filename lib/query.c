/*
 * query.c: list filters (see fq/query.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include "fq/deadline.h"
#include "fq/pinyin.h"
#include "fq/query.h"
#include "internal.h"

static const struct {
	const char *key;
	enum fq_filter_kind kind;
	const char *en;		/* enumeration, or NULL */
} keys[] = {
	{ "status", FQ_F_STATUS, "states" },
	{ "outcome", FQ_F_OUTCOME, "outcomes" },
	{ "category", FQ_F_CATEGORY, "categories" },
	{ "risk", FQ_F_RISK, "colors" },
	{ "source", FQ_F_SOURCE, "sources" },
	{ "agency", FQ_F_AGENCY, "agencies" },
	{ "mediator", FQ_F_MEDIATOR, NULL },
	{ "month", FQ_F_MONTH, NULL },
	{ "accepted", FQ_F_ACCEPTED, NULL },
	{ "text", FQ_F_TEXT, NULL },
};

static void
add_value(struct fq_filter *f, const char *v, size_t len)
{
	f->values = fq_xrealloc(f->values, (f->nvalues + 1) *
		sizeof(*f->values));
	f->values[f->nvalues++] = fq_xstrndup(v, len);
}

static bool
valid_month(const char *s)
{
	char d[11];

	if (strlen(s) != 7)
		return false;
	snprintf(d, sizeof(d), "%s-01", s);
	return fq_valid_date(d);
}

int
fq_filter_parse(struct fq_filter *out, const fq_schema *s, const char *arg,
	struct fq_error *err)
{
	return fq_filter_parse_clerk(out, s, arg, NULL, err);
}

int
fq_filter_parse_clerk(struct fq_filter *out, const fq_schema *s,
	const char *arg, const char *clerk, struct fq_error *err)
{
	const char *colon = strchr(arg, ':');
	size_t i, klen;
	const char *v;

	memset(out, 0, sizeof(*out));
	if (!strcmp(arg, "overdue")) {
		out->kind = FQ_F_OVERDUE;
		return FQ_OK;
	}
	if (!strcmp(arg, "stale")) {
		out->kind = FQ_F_STALE;
		return FQ_OK;
	}
	if (!strcmp(arg, "mine")) {
		if (!clerk || !*clerk)
			return fq_error_set(err, FQ_EUSAGE, "filter 'mine': "
				"who is the clerk? (set FQ_USER or git's "
				"user.name)");
		out->kind = FQ_F_MEDIATOR;
		add_value(out, clerk, strlen(clerk));
		return FQ_OK;
	}
	if (!colon)
		return fq_error_set(err, FQ_EUSAGE, "filter '%s': expected "
			"KEY:VALUE, 'overdue', 'stale' or 'mine'", arg);
	klen = (size_t)(colon - arg);
	v = colon + 1;
	for (i = 0; i < FQ_ARRAY_SIZE(keys); i++)
		if (strlen(keys[i].key) == klen &&
		    !strncmp(keys[i].key, arg, klen))
			break;
	if (i == FQ_ARRAY_SIZE(keys))
		return fq_error_set(err, FQ_EUSAGE, "filter '%s': unknown key "
			"'%.*s' (status, outcome, category, risk, source, "
			"agency, mediator, month, accepted, overdue, stale, mine, "
			"text)",
			arg, (int)klen, arg);
	out->kind = keys[i].kind;
	if (!*v)
		return fq_error_set(err, FQ_EUSAGE, "filter '%s': no value",
			arg);
	switch (out->kind) {
	case FQ_F_TEXT:
	case FQ_F_MEDIATOR:
		add_value(out, v, strlen(v));
		return FQ_OK;
	case FQ_F_MONTH:
		if (!valid_month(v))
			goto bad;
		add_value(out, v, strlen(v));
		return FQ_OK;
	case FQ_F_ACCEPTED: {
		const char *dots = strstr(v, "..");
		size_t fl = dots ? (size_t)(dots - v) : strlen(v);
		const char *to = dots ? dots + 2 : v;

		if (fl > 10 || strlen(to) > 10)
			goto bad;
		memcpy(out->from, v, fl);
		out->from[fl] = '\0';
		strcpy(out->to, to);
		if ((*out->from && !fq_valid_date(out->from)) ||
		    (*out->to && !fq_valid_date(out->to)) ||
		    (!*out->from && !*out->to) ||
		    (*out->from && *out->to && strcmp(out->from, out->to) > 0))
			goto bad;
		return FQ_OK;
	}
	default: {
		const struct fq_enum *e = fq_schema_enum(s, keys[i].en);
		const char *p = v;

		while (*p) {
			const char *comma = strchr(p, ',');
			size_t l = comma ? (size_t)(comma - p) : strlen(p);
			char *one = fq_xstrndup(p, l);
			const struct fq_enum_value *ev = fq_enum_find(e, one);

			if (!ev) {
				int r = fq_error_set(err, FQ_EUSAGE,
					"filter '%s': unknown %s '%s'", arg,
					e ? e->label : keys[i].en, one);
				free(one);
				fq_filter_release(out);
				return r;
			}
			free(one);
			add_value(out, ev->code, strlen(ev->code));
			p += l;
			if (*p == ',')
				p++;
		}
		if (!out->nvalues)
			goto bad;
		return FQ_OK;
	}
	}
bad:
	fq_filter_release(out);
	return fq_error_set(err, FQ_EUSAGE, "filter '%s': bad value", arg);
}

void
fq_filter_release(struct fq_filter *f)
{
	size_t i;

	for (i = 0; i < f->nvalues; i++)
		free(f->values[i]);
	free(f->values);
	f->values = NULL;
	f->nvalues = 0;
}

static bool
one_of(const struct fq_filter *f, const char *v)
{
	size_t i;

	if (!v)
		return false;
	for (i = 0; i < f->nvalues; i++)
		if (!strcmp(f->values[i], v))
			return true;
	return false;
}

static bool
contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return false;
}

/* Does a title or a name (a party's) in the case file raw hold a run of
 * characters whose pinyin initials spell word?  The file is canonical
 * block YAML: "title: ..." and "  - name: ..." / "    name: ..." lines. */
static bool
pinyin_in_names(const char *raw, const char *word)
{
	const char *line = raw, *end, *p;
	char buf[1024];

	for (; *line; line = *end ? end + 1 : end) {
		size_t n;

		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		p = line;
		while (p < end && *p == ' ')
			p++;
		if (p + 2 <= end && p[0] == '-' && p[1] == ' ')
			p += 2;
		if ((size_t)(end - p) > 6 && !strncmp(p, "title:", 6))
			p += 6;
		else if ((size_t)(end - p) > 5 && !strncmp(p, "name:", 5))
			p += 5;
		else
			continue;
		n = (size_t)(end - p);
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (fq_pinyin_match(buf, word))
			return true;
	}
	return false;
}

static bool
is_open(const fq_schema *s, const struct fq_node *c)
{
	const char *open = fq_enum_extra(fq_enum_code(fq_schema_enum(s,
		"states"), fq_map_str(c, "status")), "open");

	return open && !strcmp(open, "true");
}

/* R16, as fq/deadline.h: c is a summary (last_event_on) or a case. */
static bool
stale(const struct fq_node *c, const struct fq_filter_ctx *x)
{
	char buf[FQ_DATE_SIZE], due[FQ_DATE_SIZE];
	const char *last = fq_map_str(c, "last_event_on");

	if (!last)
		last = fq_case_last_event(c, buf);
	return fq_stale_due(due, x->cal, x->config, fq_map_str(c, "status"),
		fq_map_str(c, "risk_color"), last, NULL) == FQ_OK &&
		strcmp(due, x->today) < 0;
}

static bool
match_one(const struct fq_filter *f, const fq_schema *s,
	const struct fq_node *c, const char *raw,
	const struct fq_filter_ctx *x)
{
	const struct fq_node *seq;
	const char *v;
	size_t i;

	switch (f->kind) {
	case FQ_F_STATUS:
		return one_of(f, fq_map_str(c, "status"));
	case FQ_F_OUTCOME:
		return one_of(f, fq_map_str(c, "outcome"));
	case FQ_F_CATEGORY:
		return one_of(f, fq_map_str(c, "category"));
	case FQ_F_RISK:
		return one_of(f, fq_map_str(c, "risk_color"));
	case FQ_F_SOURCE:
		return one_of(f, fq_map_str(c, "source"));
	case FQ_F_AGENCY:
		seq = fq_map_get(c, "referrals");
		for (i = 0; seq && seq->kind == FQ_NODE_SEQ && i < seq->len;
		    i++)
			if (one_of(f, fq_map_str(seq->vals[i], "to_agency")) ||
			    one_of(f, fq_map_str(seq->vals[i], "from_agency")))
				return true;
		return false;
	case FQ_F_MEDIATOR:
		seq = fq_map_get(c, "mediators");
		for (i = 0; seq && seq->kind == FQ_NODE_SEQ && i < seq->len;
		    i++)
			if (seq->vals[i]->kind == FQ_NODE_SCALAR &&
			    !strcmp(seq->vals[i]->str, f->values[0]))
				return true;
		return false;
	case FQ_F_MONTH:
		v = fq_map_str(c, "accepted_on");
		if (!v)
			v = fq_map_str(c, "reported_on");
		return v && !strncmp(v, f->values[0], 7);
	case FQ_F_ACCEPTED:
		v = fq_map_str(c, "accepted_on");
		if (!v)
			return false;
		if (*f->from && strcmp(v, f->from) < 0)
			return false;
		if (*f->to && strcmp(v, f->to) > 0)
			return false;
		return true;
	case FQ_F_OVERDUE:
		return is_open(s, c) && fq_due_passed(fq_map_str(c, "due_on"),
			fq_map_str(c, "due_at"), x->today, x->now);
	case FQ_F_STALE:
		return is_open(s, c) && stale(c, x);
	case FQ_F_TEXT:
		return raw && (contains_ci(raw, f->values[0]) ||
			(fq_pinyin_word(f->values[0]) &&
			pinyin_in_names(raw, f->values[0])));
	}
	return false;
}

bool
fq_filter_match_ctx(const struct fq_filter *f, size_t n, const fq_schema *s,
	const struct fq_node *c, const char *raw,
	const struct fq_filter_ctx *x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!match_one(&f[i], s, c, raw, x))
			return false;
	return true;
}

bool
fq_filter_match(const struct fq_filter *f, size_t n, const fq_schema *s,
	const struct fq_node *c, const char *raw, const char *today)
{
	struct fq_filter_ctx x;

	memset(&x, 0, sizeof(x));
	x.today = today;
	return fq_filter_match_ctx(f, n, s, c, raw, &x);
}

bool
fq_filter_needs_text(const struct fq_filter *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (f[i].kind == FQ_F_TEXT)
			return true;
	return false;
}

bool
fq_filter_needs_profile(const struct fq_filter *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (f[i].kind == FQ_F_STALE)
			return true;
	return false;
}
