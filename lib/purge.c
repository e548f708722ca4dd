/*
 * purge.c: retention periods and anonymisation (see purge.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fq/purge.h"
#include "fq/text.h"
#include "internal.h"

int
fq_retention_period(struct fq_period *out, const struct fq_node *config,
	const char *code, struct fq_error *err)
{
	const char *def, *v;
	struct fq_period p;
	int ret;

	if (!code || !strcmp(code, "permanent"))
		return fq_error_set(err, FQ_ENOTFOUND, "kept permanently");
	if (!strcmp(code, "short"))
		def = FQ_RETENTION_SHORT;
	else if (!strcmp(code, "long"))
		def = FQ_RETENTION_LONG;
	else
		return fq_error_set(err, FQ_EUSAGE, "unknown retention '%s'",
			code);
	v = fq_map_str(fq_map_get(config, "retention"), code);
	if ((ret = fq_period_parse(&p, v ? v : def, err)) < 0)
		return fq_error_set(err, ret, "fq.yaml: retention.%s: '%s' is "
			"not a period (like %s)", code, v ? v : def, def);
	if (p.unit != FQ_PERIOD_DAYS && p.unit != FQ_PERIOD_MONTHS)
		return fq_error_set(err, FQ_EUSAGE, "fq.yaml: retention.%s: "
			"give days or months, not '%s'", code, v);
	*out = p;
	return FQ_OK;
}

int
fq_retention_end(char out[FQ_DATE_SIZE], const struct fq_node *c,
	const struct fq_node *config, struct fq_error *err)
{
	const char *status = fq_map_str(c, "status");
	const char *on = fq_map_str(c, "archived_on");
	const char *code = fq_map_str(c, "retention");
	struct fq_period p;
	fq_day d;
	int ret;

	if (!status || strcmp(status, "archived") || !on)
		return fq_error_set(err, FQ_ENOTFOUND, "not archived");
	if (fq_map_get(c, "purged_on"))
		return fq_error_set(err, FQ_ENOTFOUND, "already purged");
	if ((ret = fq_retention_period(&p, config, code ? code : "long",
	    err)) < 0)
		return ret;
	if ((ret = fq_date_parse(&d, on, err)) < 0)
		return ret;
	d = p.unit == FQ_PERIOD_MONTHS ? fq_date_add_months(d, p.amount) :
		fq_date_add_days(d, p.amount);
	fq_date_format(out, d);
	return FQ_OK;
}

/* Characters (not bytes) in a UTF-8 string. */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

struct names {
	const char *v[64];
	char *masked[64];
	size_t n;
};

/* The surname (first character) and 某 for a two-character name, 某某
 * for a longer one: a text never grows (a title keeps within its max). */
static char *
surname_mask(const char *name)
{
	struct fq_buf b = FQ_BUF_INIT;
	size_t k = 1;

	while (name[k] && ((unsigned char)name[k] & 0xC0) == 0x80)
		k++;
	fq_buf_add(&b, name, k);
	fq_buf_adds(&b, chars(name) == 2 ? "某" : "某某");
	return fq_buf_detach(&b, NULL);
}

/* Replace every name in every scalar of n (map keys excepted). */
static size_t
replace_names(struct fq_node *n, const struct names *nm)
{
	struct fq_buf b = FQ_BUF_INIT;
	size_t i, count = 0;
	const char *p;
	bool changed = false;

	if (!n)
		return 0;
	if (n->kind != FQ_NODE_SCALAR) {
		for (i = 0; i < n->len; i++)
			count += replace_names(n->vals[i], nm);
		return count;
	}
	for (p = n->str; *p;) {
		for (i = 0; i < nm->n; i++)
			if (!strncmp(p, nm->v[i], strlen(nm->v[i])))
				break;
		if (i < nm->n) {
			fq_buf_adds(&b, nm->masked[i]);
			p += strlen(nm->v[i]);
			changed = true;
		} else {
			fq_buf_addch(&b, *p++);
		}
	}
	if (changed) {
		free(n->str);
		n->str = fq_buf_detach(&b, NULL);
		count++;
	}
	fq_buf_release(&b);
	return count;
}

static const char *const party_drop[] = {
	"id_number", "phones", "address", "birth_date", "ethnicity",
	"occupation", "work_unit", "representative", "note", NULL
};

size_t
fq_case_anonymise(struct fq_node *c, const fq_schema *sc)
{
	struct fq_node *ps = fq_map_get(c, "parties");
	struct names nm = { { 0 }, { 0 }, 0 };
	size_t count = 0, i, j;

	for (i = 0; ps && ps->kind == FQ_NODE_SEQ && i < ps->len; i++) {
		struct fq_node *p = ps->vals[i];
		const char *kind = fq_map_str(p, "kind");
		const char *name = fq_map_str(p, "name");

		if (!p || p->kind != FQ_NODE_MAP)
			continue;
		for (j = 0; party_drop[j]; j++)
			if (fq_map_del(p, party_drop[j]))
				count++;
		if (kind && strcmp(kind, "person"))
			continue;	/* an organisation's name stays */
		if (name && chars(name) >= 2 && nm.n < FQ_ARRAY_SIZE(nm.v) &&
		    !fq_map_get(p, "name_masked")) {
			nm.v[nm.n] = fq_xstrdup(name);
			nm.masked[nm.n] = surname_mask(name);
			nm.n++;
		}
	}
	/* longest first, so 王某甲 is not read as 王某 + 甲 */
	for (i = 1; i < nm.n; i++)
		for (j = i; j > 0 && strlen(nm.v[j]) > strlen(nm.v[j - 1]);
		    j--) {
			const char *v = nm.v[j];
			char *m = nm.masked[j];

			nm.v[j] = nm.v[j - 1];
			nm.masked[j] = nm.masked[j - 1];
			nm.v[j - 1] = v;
			nm.masked[j - 1] = m;
		}
	for (i = 0; i < c->len; i++)
		count += replace_names(c->vals[i], &nm);
	for (i = 0; ps && ps->kind == FQ_NODE_SEQ && i < ps->len; i++) {
		const char *kind = fq_map_str(ps->vals[i], "kind");

		const char *name = fq_map_str(ps->vals[i], "name");

		if (ps->vals[i]->kind != FQ_NODE_MAP ||
		    (kind && strcmp(kind, "person")))
			continue;
		if (name && *name && !fq_map_get(ps->vals[i], "name_masked")) {
			/* a one-character name too, or one in a list that
			 * was longer than could be tracked */
			if (!strstr(name, "某")) {
				char *m = surname_mask(name);

				fq_map_set_str(ps->vals[i], "name", m);
				free(m);
				count++;
			}
		}
		fq_map_set(ps->vals[i], "name_masked", fq_node_scalar("true"));
	}
	count += fq_mask_tree(sc, "case", c);
	for (i = 0; i < nm.n; i++) {
		free((char *)nm.v[i]);
		free(nm.masked[i]);
	}
	return count;
}
