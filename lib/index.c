/*
 * index.c: what the many-case readers need, cached by blob id (see
 * fq/index.h).
 *
 * File format (.git/fq/index; .git/fq/NAME for a fq_nodecache), native
 * byte order (the file never leaves the machine; the header says which):
 *
 *	struct hdr			magic, version, record size, key,
 *					count, file size, checksum
 *	struct rec[count]		sorted as HEAD's tree, one per blob
 *	summaries			packed trees, one per record
 *	cases				packed trees, one per record
 *
 * hdr.sum is FNV-1a over the header (sum field zero) and the table; each
 * rec.sum[k] covers the record's part k (0 summary, 1 case).  Summaries
 * come first, together, so that a list touches only them.  The table is checked on load, the
 * data of a record when it is used.
 *
 * A packed tree: a tag byte (0 null, 1 scalar, 2 quoted scalar, 3 map,
 * 4 seq), then for a scalar a length (varint) and the bytes, for a seq a
 * count and the items, for a map a count and (key, value) pairs, a key
 * being 2 * its number in key_dict + 1, or 2 * its length and its bytes
 * (lengths and counts are varints).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fq/index.h"
#include "internal.h"

#define INDEX_MAGIC "fqindex"
#define CACHE_MAGIC "fqcache"
#define BYTE_ORDER_MARK 0x01020304u

enum { R_READ = 1, R_MAP = 2, R_STATUS = 4 };

struct hdr {
	char magic[8];
	uint32_t version;
	uint32_t recsize;
	uint32_t order;
	uint32_t pad;
	uint64_t key;
	uint64_t count;
	uint64_t size;
	uint64_t sum;
};

struct rec {
	unsigned char oid[20];
	uint32_t flags;
	char status[16];
	char min[10], max[10];
	uint32_t len[2];
	uint64_t off[2];
	uint64_t sum[2];
};

uint64_t
fq_hash(uint64_t h, const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t w;

	h ^= len;
	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 32;
	}
	for (; len; s++, len--)
		h = (h ^ *s) * 0x100000001b3ULL;
	return h;
}

/* --- summary and projection --- */

static const char *const scalar_keys[] = {
	"id", "title", "status", "outcome", "category", "source",
	"risk_color", "village", "reported_on", "accepted_on", "due_on",
	"closed_on"
};
#define NSCALAR FQ_ARRAY_SIZE(scalar_keys)

struct fq_node *
fq_index_summary(const struct fq_node *c)
{
	struct fq_node *s = fq_node_new(FQ_NODE_MAP), *seq;
	const struct fq_node *v;
	size_t i;

	for (i = 0; i < NSCALAR; i++) {
		const char *x = fq_map_str(c, scalar_keys[i]);

		if (x)
			fq_map_set(s, scalar_keys[i], fq_node_scalar(x));
	}
	v = fq_map_get(c, "mediators");
	if (v && v->kind == FQ_NODE_SEQ) {
		seq = fq_node_new(FQ_NODE_SEQ);
		for (i = 0; i < v->len; i++)
			if (v->vals[i]->kind == FQ_NODE_SCALAR)
				fq_seq_push(seq, fq_node_scalar(v->vals[i]->str));
		fq_map_set(s, "mediators", seq);
	}
	v = fq_map_get(c, "referrals");
	if (v && v->kind == FQ_NODE_SEQ) {
		seq = fq_node_new(FQ_NODE_SEQ);
		for (i = 0; i < v->len; i++) {
			struct fq_node *r = fq_node_new(FQ_NODE_MAP);
			const char *to = fq_map_str(v->vals[i], "to_agency");
			const char *from = fq_map_str(v->vals[i], "from_agency");

			if (to)
				fq_map_set(r, "to_agency", fq_node_scalar(to));
			if (from)
				fq_map_set(r, "from_agency",
					fq_node_scalar(from));
			fq_seq_push(seq, r);
		}
		fq_map_set(s, "referrals", seq);
	}
	return s;
}

/* Keys only table 3 of the report (red and yellow cases) reads. */
static const char *const key_case_only[] = {
	"parties", "summary", "people_involved", "lead_official",
	"responsible_unit"
};

static void
project(struct fq_node *p)
{
	struct fq_node *v;
	const char *color = fq_map_str(p, "risk_color");
	bool key = color && (!strcmp(color, "red") || !strcmp(color, "yellow"));
	size_t i, j;

	if (!key)
		for (i = 0; i < FQ_ARRAY_SIZE(key_case_only); i++)
			fq_map_del(p, key_case_only[i]);
	v = fq_map_get(p, "parties");
	for (i = 0; v && v->kind == FQ_NODE_SEQ && i < v->len; i++) {
		struct fq_node *party = v->vals[i];

		if (party->kind != FQ_NODE_MAP)
			continue;
		for (j = party->len; j-- > 0;) {
			const char *k = party->keys[j]->str;

			if (strcmp(k, "role") && strcmp(k, "kind") &&
			    strcmp(k, "name"))
				fq_map_del(party, k);
		}
	}
	v = fq_map_get(p, "events");
	for (i = 0; v && v->kind == FQ_NODE_SEQ && i < v->len; i++)
		if (v->vals[i]->kind == FQ_NODE_MAP) {
			fq_map_del(v->vals[i], "actor");
			if (!key)
				fq_map_del(v->vals[i], "note");
		}
}

struct fq_node *
fq_index_projection(const struct fq_node *c)
{
	struct fq_node *p = fq_node_dup(c);

	project(p);
	return p;
}

/* --- packed trees --- */

/*
 * Keys written as a number: the keys of schemas/case.yaml, sorted (bytes,
 * as strcmp).  Changing this list changes the format: bump
 * FQ_INDEX_VERSION.
 */
static const char *const key_dict[] = {
	"accepted_on", "actor", "address", "age", "agreement", "amount",
	"amount_in_dispute", "application", "applied_on", "archived_on",
	"at", "birth_date", "by", "cancelled_on", "category", "channel",
	"claims", "closed_on", "confirmation", "confirmations", "consent",
	"court", "court_action", "court_case_no", "created_at", "crime",
	"decided_on", "direction", "doc_no", "docket_no", "docs", "due_on",
	"due_receipt", "due_result", "effective_on", "ethnicity", "events",
	"extended_until", "extensions", "failure_routes_advised", "feedback",
	"flags", "form", "from_agency", "from_org", "gender", "grid",
	"households", "households_involved", "id", "id_number", "id_proof",
	"imported_from", "is_minor", "kind", "lead_official", "legal_basis",
	"level", "mass_fight", "mass_petition", "measures", "mediators",
	"merged_into", "method", "name", "name_masked", "note", "notice",
	"number", "occupation", "outcome", "participants", "parties",
	"people", "people_involved", "performance_due", "performance_mode",
	"performance_status", "performed_on", "phones", "place", "plan",
	"prevention", "reason", "received_by", "received_on", "record",
	"recorder", "referral", "referrals", "reported_on", "representative",
	"responsible_unit", "result", "retention", "returned_on",
	"risk_color", "risk_signs", "role", "satisfaction", "sent_on",
	"source", "source_ref", "state", "state_from", "state_to", "status",
	"subcategory", "subcategory_raw", "suicide", "summary",
	"superseded_agreements", "superseded_on", "terms", "title",
	"to_agency", "to_org", "town", "until", "updated_at", "village",
	"visit_record", "visits", "work_unit"
};
#define NKEY_DICT FQ_ARRAY_SIZE(key_dict)

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(a, *(const char *const *)b);
}

static void
put_varint(struct fq_buf *b, size_t n)
{
	while (n >= 0x80) {
		fq_buf_addch(b, (char)((n & 0x7f) | 0x80));
		n >>= 7;
	}
	fq_buf_addch(b, (char)n);
}

static void
put_str(struct fq_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	put_varint(b, n);
	fq_buf_add(b, s ? s : "", n);
}

void
fq_node_pack(struct fq_buf *out, const struct fq_node *n)
{
	size_t i;

	switch (n->kind) {
	case FQ_NODE_NULL:
		fq_buf_addch(out, 0);
		break;
	case FQ_NODE_SCALAR:
		fq_buf_addch(out, n->quoted ? 2 : 1);
		put_str(out, n->str);
		break;
	case FQ_NODE_MAP:
		fq_buf_addch(out, 3);
		put_varint(out, n->len);
		for (i = 0; i < n->len; i++) {
			const char *k = n->keys[i]->str;
			const char *const *d = bsearch(k, key_dict, NKEY_DICT,
				sizeof(*key_dict), cmp_key);

			/* a key: 2 * number + 1, or 2 * length and the bytes */
			if (d) {
				put_varint(out, 2 * (size_t)(d - key_dict) + 1);
			} else {
				put_varint(out, 2 * strlen(k));
				fq_buf_adds(out, k);
			}
			fq_node_pack(out, n->vals[i]);
		}
		break;
	case FQ_NODE_SEQ:
		fq_buf_addch(out, 4);
		put_varint(out, n->len);
		for (i = 0; i < n->len; i++)
			fq_node_pack(out, n->vals[i]);
		break;
	}
}

struct rd {
	const unsigned char *p, *end;
	bool bad;
};

static size_t
get_varint(struct rd *r)
{
	size_t n = 0;
	int shift = 0;

	while (r->p < r->end && shift < 35) {
		unsigned char c = *r->p++;

		n |= (size_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return n;
		shift += 7;
	}
	r->bad = true;
	return 0;
}

static struct fq_node *
get_scalar(struct rd *r, bool quoted)
{
	size_t n = get_varint(r);
	struct fq_node *s;

	if (r->bad || n > (size_t)(r->end - r->p)) {
		r->bad = true;
		return NULL;
	}
	s = fq_node_new(FQ_NODE_SCALAR);
	s->str = fq_xstrndup((const char *)r->p, n);
	s->quoted = quoted;
	r->p += n;
	return s;
}

static struct fq_node *
get_key(struct rd *r)
{
	size_t n = get_varint(r);
	struct fq_node *s;

	if (r->bad)
		return NULL;
	if (n & 1) {
		if (n / 2 >= NKEY_DICT) {
			r->bad = true;
			return NULL;
		}
		s = fq_node_new(FQ_NODE_SCALAR);
		s->str = fq_xstrdup(key_dict[n / 2]);
		return s;
	}
	n /= 2;
	if (n > (size_t)(r->end - r->p)) {
		r->bad = true;
		return NULL;
	}
	s = fq_node_new(FQ_NODE_SCALAR);
	s->str = fq_xstrndup((const char *)r->p, n);
	r->p += n;
	return s;
}

static struct fq_node *
get_node(struct rd *r, int depth)
{
	struct fq_node *n;
	size_t len, i;
	unsigned tag;

	if (r->p >= r->end || depth > FQ_NODE_MAX_DEPTH) {
		r->bad = true;
		return NULL;
	}
	tag = *r->p++;
	if (tag == 0)
		return fq_node_new(FQ_NODE_NULL);
	if (tag == 1 || tag == 2)
		return get_scalar(r, tag == 2);
	if (tag != 3 && tag != 4) {
		r->bad = true;
		return NULL;
	}
	len = get_varint(r);
	/* every entry takes at least one byte */
	if (r->bad || len > (size_t)(r->end - r->p)) {
		r->bad = true;
		return NULL;
	}
	n = fq_node_new(tag == 3 ? FQ_NODE_MAP : FQ_NODE_SEQ);
	if (!len)
		return n;
	n->vals = fq_xcalloc(len, sizeof(*n->vals));
	if (tag == 3)
		n->keys = fq_xcalloc(len, sizeof(*n->keys));
	n->alloc = len;
	for (i = 0; i < len; i++) {
		if (tag == 3 && !(n->keys[i] = get_key(r)))
			break;
		if (!(n->vals[i] = get_node(r, depth + 1))) {
			if (tag == 3)
				fq_node_free(n->keys[i]);
			break;
		}
		n->len++;
	}
	if (r->bad) {
		fq_node_free(n);
		return NULL;
	}
	return n;
}

struct fq_node *
fq_node_unpack(const char *p, size_t len)
{
	struct rd r = { (const unsigned char *)p,
		(const unsigned char *)p + len, false };
	struct fq_node *n = get_node(&r, 0);

	if (n && r.p != r.end) {
		fq_node_free(n);
		return NULL;
	}
	return n;
}

/* --- the file --- */

static inline int
hexval(char ch)
{
	unsigned c = (unsigned char)ch;

	if (c - '0' < 10)
		return (int)(c - '0');
	c |= 0x20;
	if (c - 'a' < 6)
		return (int)(c - 'a' + 10);
	return -1;
}

static bool
oid_bin(unsigned char out[20], const char *hex)
{
	int i;

	for (i = 0; i < 20; i++) {
		int a = hexval(hex[2 * i]), b = a < 0 ? -1 :
			hexval(hex[2 * i + 1]);

		if (a < 0 || b < 0)
			return false;
		out[i] = (unsigned char)(a << 4 | b);
	}
	return true;
}

static size_t
oid_hash(const unsigned char *oid)
{
	size_t h;

	memcpy(&h, oid, sizeof(h));
	return h;
}

struct ixfile {
	char *map;
	size_t size;
	const struct hdr *h;
	const struct rec *recs;
	size_t count;
	uint32_t *slots;	/* record index + 1, 0 = empty; built when
				 * first needed */
	size_t cap;		/* power of two */
	size_t cursor;		/* the record after the last found */
	uint32_t *wrec;		/* per record: its wrec index + 1 */
};

static void
ixfile_close(struct ixfile *f)
{
	if (f->map)
		munmap(f->map, f->size);
	free(f->slots);
	free(f->wrec);
	memset(f, 0, sizeof(*f));
}

static uint64_t
table_sum(const struct hdr *h, const struct rec *recs, size_t count)
{
	struct hdr copy = *h;
	uint64_t s;

	copy.sum = 0;
	s = fq_hash(FQ_HASH_INIT, &copy, sizeof(copy));
	return fq_hash(s, recs, count * sizeof(*recs));
}

/* Map and check the file; on any doubt leave f empty. */
static void
ixfile_load(struct ixfile *f, const char *path, const char *magic,
	uint64_t key)
{
	struct stat sb;
	const struct hdr *h;
	int fd;

	memset(f, 0, sizeof(*f));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	if (fstat(fd, &sb) < 0 || sb.st_size < (off_t)sizeof(struct hdr)) {
		close(fd);
		return;
	}
	f->size = (size_t)sb.st_size;
	f->map = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (f->map == MAP_FAILED) {
		f->map = NULL;
		return;
	}
	h = (const struct hdr *)f->map;
	if (memcmp(h->magic, magic, strlen(magic) + 1) ||
	    h->version != FQ_INDEX_VERSION ||
	    h->recsize != sizeof(struct rec) || h->order != BYTE_ORDER_MARK ||
	    h->key != key || h->size != f->size ||
	    h->count > (f->size - sizeof(*h)) / sizeof(struct rec))
		goto bad;
	f->h = h;
	f->recs = (const struct rec *)(f->map + sizeof(*h));
	f->count = (size_t)h->count;
	if (table_sum(h, f->recs, f->count) != h->sum)
		goto bad;
	f->wrec = fq_xcalloc(f->count + 1, sizeof(*f->wrec));
	return;
bad:
	ixfile_close(f);
}

static void
ixfile_hash(struct ixfile *f)
{
	size_t i;

	f->cap = 16;
	while (f->cap < f->count * 2)
		f->cap *= 2;
	f->slots = fq_xcalloc(f->cap, sizeof(*f->slots));
	for (i = 0; i < f->count; i++) {
		size_t s = oid_hash(f->recs[i].oid) & (f->cap - 1);

		while (f->slots[s])
			s = (s + 1) & (f->cap - 1);
		f->slots[s] = (uint32_t)(i + 1);
	}
}

/* The record of oid.  Lookups mostly come in the order of the file (the
 * tree's), so the record after the last one found is tried first. */
static const struct rec *
ixfile_find(struct ixfile *f, const unsigned char *oid)
{
	size_t s;

	if (!f->count)
		return NULL;
	if (f->cursor < f->count && !memcmp(f->recs[f->cursor].oid, oid, 20))
		return &f->recs[f->cursor++];
	if (!f->slots)
		ixfile_hash(f);
	s = oid_hash(oid) & (f->cap - 1);
	while (f->slots[s]) {
		const struct rec *r = &f->recs[f->slots[s] - 1];

		if (!memcmp(r->oid, oid, 20)) {
			f->cursor = f->slots[s];
			return r;
		}
		s = (s + 1) & (f->cap - 1);
	}
	return NULL;
}

/* Does part k of a record lie in the file's data? */
static bool
ixfile_inside(const struct ixfile *f, const struct rec *r, int k)
{
	size_t start = sizeof(struct hdr) + f->count * sizeof(struct rec);

	return r->off[k] >= start && r->off[k] <= f->size &&
		r->len[k] <= f->size - r->off[k];
}

/* Part k of a record of the file, checked. */
static const char *
ixfile_part(const struct ixfile *f, const struct rec *r, int k)
{
	if (!ixfile_inside(f, r, k) || fq_hash(FQ_HASH_INIT,
	    f->map + r->off[k], r->len[k]) != r->sum[k])
		return NULL;
	return f->map + r->off[k];
}

/* The new file: records whose data is in the old file (old != NULL) or
 * in data. */
struct wrec {
	struct rec r;
	const char *old[2];	/* part in the old mapping, or NULL */
	size_t at[2];		/* offset in data when old is NULL */
};

struct writer {
	struct wrec *v;
	size_t n, alloc;
	struct fq_buf data;
	bool dirty;
	size_t reparsed;	/* damaged parts parsed again */
};

static void
writer_init(struct writer *w)
{
	memset(w, 0, sizeof(*w));
	fq_buf_init(&w->data);
}

static void
writer_release(struct writer *w)
{
	free(w->v);
	fq_buf_release(&w->data);
}

/* A new record (callers see to it that a blob id comes once). */
static size_t
writer_add(struct writer *w, const unsigned char *oid)
{
	FQ_ALLOC_GROW(w->v, w->n + 1, w->alloc);
	memset(&w->v[w->n], 0, sizeof(w->v[w->n]));
	memcpy(w->v[w->n].r.oid, oid, 20);
	return w->n++;
}

static const char *
wrec_part(const struct writer *w, const struct wrec *x, int k)
{
	return x->old[k] ? x->old[k] : w->data.buf + x->at[k];
}

/* Write the new file next to path and rename it over path. */
static void
writer_write(struct writer *w, const char *path, const char *magic,
	uint64_t key)
{
	struct fq_buf tmp = FQ_BUF_INIT;
	struct rec *recs = fq_xcalloc(w->n ? w->n : 1, sizeof(*recs));
	struct hdr h;
	uint64_t off;
	size_t i, j, n;
	int k;
	FILE *fp = NULL;
	int fd;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, magic, strlen(magic) + 1);
	h.version = FQ_INDEX_VERSION;
	h.recsize = sizeof(struct rec);
	h.order = BYTE_ORDER_MARK;
	h.key = key;
	for (i = 0, n = 0; i < w->n; i++)
		if (w->v[i].r.flags & R_READ)
			n++;
	off = sizeof(h) + n * sizeof(struct rec);
	for (k = 0; k < 2; k++)
		for (i = 0, j = 0; i < w->n; i++) {
			if (!(w->v[i].r.flags & R_READ))
				continue;
			if (!k)
				recs[j] = w->v[i].r;
			recs[j].off[k] = off;
			off += recs[j].len[k];
			j++;
		}
	h.count = n;
	h.size = off;
	h.sum = table_sum(&h, recs, n);
	fq_buf_addf(&tmp, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(tmp.buf)) < 0)
		goto out;
	if (!(fp = fdopen(fd, "wb"))) {
		close(fd);
		unlink(tmp.buf);
		goto out;
	}
	fwrite(&h, sizeof(h), 1, fp);
	fwrite(recs, sizeof(*recs), n, fp);
	for (k = 0; k < 2; k++)
		for (i = 0; i < w->n; i++)
			if (w->v[i].r.flags & R_READ)
				fwrite(wrec_part(w, &w->v[i], k), 1,
					w->v[i].r.len[k], fp);
	/* no fsync: after a crash a file cut short or full of zeros fails
	 * its checksums and is rebuilt, so the cache needs no durability */
	if (fflush(fp) || ferror(fp)) {
		fclose(fp);
		unlink(tmp.buf);
		goto out;
	}
	if (fclose(fp) || rename(tmp.buf, path) < 0)
		unlink(tmp.buf);
out:
	free(recs);
	fq_buf_release(&tmp);
}

/* --- parsing a blob --- */

struct parsed {
	uint32_t flags;
	struct fq_report_digest dg;
	struct fq_buf data;	/* summary then case */
	uint32_t len[2];
};

static void
parse_blob(struct parsed *out, const char *relpath, const char *raw,
	size_t len)
{
	struct fq_node *c = NULL, *s;
	struct fq_error err = FQ_ERROR_INIT;
	size_t at;

	out->flags = R_READ;
	fq_report_digest(&out->dg, raw, len);
	if (out->dg.has_status)
		out->flags |= R_STATUS;
	if (fq_yaml_parse(&c, raw, len, relpath, &err) == 0 &&
	    c->kind == FQ_NODE_MAP) {
		out->flags |= R_MAP;
		s = fq_index_summary(c);
		at = out->data.len;
		fq_node_pack(&out->data, s);
		out->len[0] = (uint32_t)(out->data.len - at);
		fq_node_free(s);
		project(c);
		at = out->data.len;
		fq_node_pack(&out->data, c);
		out->len[1] = (uint32_t)(out->data.len - at);
	}
	fq_node_free(c);
}

static void
put_parsed(struct writer *w, struct wrec *x, const struct parsed *p)
{
	x->r.flags = p->flags;
	memcpy(x->r.status, p->dg.status, sizeof(x->r.status));
	memcpy(x->r.min, p->dg.min, sizeof(x->r.min));
	memcpy(x->r.max, p->dg.max, sizeof(x->r.max));
	x->r.len[0] = p->len[0];
	x->r.len[1] = p->len[1];
	x->r.sum[0] = fq_hash(FQ_HASH_INIT, p->data.buf, p->len[0]);
	x->r.sum[1] = fq_hash(FQ_HASH_INIT, p->data.buf + p->len[0],
		p->len[1]);
	x->old[0] = x->old[1] = NULL;
	x->at[0] = w->data.len;
	x->at[1] = w->data.len + p->len[0];
	fq_buf_add(&w->data, p->data.buf, p->data.len);
	w->dirty = true;
}

/* --- the parallel parse of the blobs not in the index --- */

struct job {
	const char *relpath;
	struct fq_buf raw;
	bool readable;
	struct parsed out;
	size_t wrec;		/* its record in the writer, index + 1 */
};

struct batch {
	struct job *v;
	size_t n;
	size_t next;		/* next job to take */
	pthread_mutex_t mu;
};

static void *
worker(void *arg)
{
	struct batch *b = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&b->mu);
		i = b->next++;
		pthread_mutex_unlock(&b->mu);
		if (i >= b->n)
			return NULL;
		if (b->v[i].readable)
			parse_blob(&b->v[i].out, b->v[i].relpath,
				b->v[i].raw.buf, b->v[i].raw.len);
		fq_buf_release(&b->v[i].raw);
	}
}

/* Threads that parse; FQ_INDEX_THREADS overrides (1: no thread). */
static int
nthreads(size_t jobs)
{
	const char *e = getenv("FQ_INDEX_THREADS");
	long n = e && *e ? strtol(e, NULL, 10) : 2;

	if (n < 1)
		n = 1;
	if (n > 8)
		n = 8;
	if (jobs < 64)
		n = 1;
	return (int)n;
}

#define BATCH 512

static void
read_batch(fq_store *st, struct job *v, size_t n, const char **oids)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct fq_error err = FQ_ERROR_INIT;

		fq_buf_init(&v[i].raw);
		fq_buf_init(&v[i].out.data);
		v[i].readable = fq_store_read_blob(st, oids[i], &v[i].raw,
			&err) == 0;
	}
}

/*
 * Parse the jobs.  The blobs are read by the calling thread only
 * (libgit2 objects stay in one thread), a batch ahead: while the other
 * threads parse batch k, it reads batch k + 1, then helps to parse k.
 */
static void
parse_jobs(fq_store *st, struct job *jobs, size_t n, const char **oids)
{
	size_t at;
	int t, nt = nthreads(n);

	if (!n)
		return;
	read_batch(st, jobs, n < BATCH ? n : BATCH, oids);
	for (at = 0; at < n; at += BATCH) {
		struct batch b;
		pthread_t th[8];
		int started = 0;
		size_t next = at + BATCH;

		b.v = jobs + at;
		b.n = n - at < BATCH ? n - at : BATCH;
		b.next = 0;
		pthread_mutex_init(&b.mu, NULL);
		for (t = 1; t < nt; t++)
			if (pthread_create(&th[started], NULL, worker, &b) == 0)
				started++;
		if (next < n)
			read_batch(st, jobs + next, n - next < BATCH ?
				n - next : BATCH, oids + next);
		worker(&b);
		for (t = 0; t < started; t++)
			pthread_join(th[t], NULL);
		pthread_mutex_destroy(&b.mu);
	}
}

/* --- scanning --- */

struct entry {
	char *relpath;
	char oid[41];
	unsigned char bin[20];
	bool bad_oid;
	uint32_t rec;		/* its record in the old file, index + 1 */
};

struct entries {
	struct entry *v;
	size_t n, alloc;
};

static int
collect(const char *relpath, const char *oid, void *data)
{
	struct entries *e = data;
	struct entry *x;

	FQ_ALLOC_GROW(e->v, e->n + 1, e->alloc);
	x = &e->v[e->n++];
	x->relpath = fq_xstrdup(relpath);
	snprintf(x->oid, sizeof(x->oid), "%s", oid);
	x->bad_oid = strlen(oid) != 40 || !oid_bin(x->bin, oid);
	x->rec = 0;	/* not in the old index file (yet) */
	return 0;
}

struct item_priv {
	fq_store *st;
	struct writer *w;
	struct ixfile *f;
	const struct entry *e;
	size_t wi;		/* its record in w, index + 1; or */
	size_t k;		/* its record in f (when wi is 0) */
	struct fq_node *node[2];	/* summary, case */
	bool decoded[2];
};

static const struct rec *
item_rec(const struct item_priv *ip)
{
	if (ip->wi)
		return &ip->w->v[ip->wi - 1].r;
	if (ip->e->rec)
		return &ip->f->recs[ip->k];
	return NULL;
}

/* The item's fields from its record (flags and digest). */
static void
item_fill(struct fq_index_item *it, const struct rec *r)
{
	it->readable = r && (r->flags & R_READ);
	it->map = it->readable && (r->flags & R_MAP);
	memset(&it->digest, 0, sizeof(it->digest));
	if (!it->readable)
		return;
	it->digest.has_status = (r->flags & R_STATUS) != 0;
	memcpy(it->digest.status, r->status, 16);
	it->digest.status[15] = '\0';
	memcpy(it->digest.min, r->min, 10);
	memcpy(it->digest.max, r->max, 10);
}

/* Parse the blob of x again (its cached data is damaged). */
static void
reparse(fq_store *st, struct writer *w, struct wrec *x, const char *relpath,
	const char *oid)
{
	struct parsed p;
	struct fq_buf raw = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;

	memset(&p, 0, sizeof(p));
	fq_buf_init(&p.data);
	if (fq_store_read_blob(st, oid, &raw, &err) == 0)
		parse_blob(&p, relpath, raw.buf, raw.len);
	else
		p.flags = 0;	/* unreadable: dropped from the new file */
	put_parsed(w, x, &p);
	w->reparsed++;
	fq_buf_release(&p.data);
	fq_buf_release(&raw);
}

/* Unpack part k of the record; a part of the old file that does not
 * match its checksum is parsed again from its blob (and the file
 * rewritten). */
static const struct fq_node *
decode(struct fq_index_item *it, int k)
{
	struct item_priv *ip = it->priv_;
	const struct rec *r = item_rec(ip);
	const char *d;

	if (ip->decoded[k])
		return ip->node[k];
	ip->decoded[k] = true;
	if (!r || !(r->flags & R_MAP))
		return NULL;
	if (ip->wi)	/* our own bytes */
		return ip->node[k] = fq_node_unpack(wrec_part(ip->w,
			&ip->w->v[ip->wi - 1], k), r->len[k]);
	d = ixfile_part(ip->f, r, k);
	if (d && (ip->node[k] = fq_node_unpack(d, r->len[k])))
		return ip->node[k];
	/* damaged: parse the blob, keep the result for the new file */
	ip->wi = writer_add(ip->w, ip->e->bin) + 1;
	ip->f->wrec[ip->k] = (uint32_t)ip->wi;
	reparse(ip->st, ip->w, &ip->w->v[ip->wi - 1], it->relpath, it->oid);
	r = item_rec(ip);
	item_fill(it, r);
	fq_node_free(ip->node[0]);
	ip->node[0] = NULL;
	ip->decoded[0] = ip->decoded[1] = false;
	return decode(it, k);
}

const struct fq_node *
fq_index_item_summary(struct fq_index_item *it)
{
	return decode(it, 0);
}

const struct fq_node *
fq_index_item_case(struct fq_index_item *it)
{
	return decode(it, 1);
}

/* Write the index anew when it changed: the records in tree order, each
 * blob once, from the old file or from what was parsed. */
static void
write_index(struct writer *w, struct ixfile *f, struct entries *e,
	struct job *jobs, const size_t *jof, const char *path,
	struct fq_index_stats *stats)
{
	struct writer out;
	unsigned char *done = fq_xcalloc(f->count + 1, 1);
	bool *jdone = fq_xcalloc(e->n + 1, sizeof(*jdone));
	size_t i, k, kept = 0;

	memset(&out, 0, sizeof(out));
	/* is there anything to write?  (each old record once) */
	for (i = 0; i < e->n; i++)
		if (jof[i] == (size_t)-1 && e->v[i].rec &&
		    !done[e->v[i].rec - 1]) {
			done[e->v[i].rec - 1] = 1;
			kept++;
		}
	if (!w->dirty && !w->reparsed && kept == f->count)
		goto out;
	memset(done, 0, f->count + 1);
	for (i = 0; i < e->n; i++) {
		const struct wrec *x = NULL;
		struct wrec old;

		if (jof[i] != (size_t)-1) {
			if (jdone[jof[i]] || !jobs[jof[i]].wrec)
				continue;
			jdone[jof[i]] = true;
			x = &w->v[jobs[jof[i]].wrec - 1];
		} else if (e->v[i].rec) {
			k = e->v[i].rec - 1;
			if (done[k])
				continue;
			done[k] = 1;
			if (f->wrec[k]) {
				x = &w->v[f->wrec[k] - 1];
			} else if (ixfile_inside(f, &f->recs[k], 0) &&
			    ixfile_inside(f, &f->recs[k], 1)) {
				memset(&old, 0, sizeof(old));
				old.r = f->recs[k];
				old.old[0] = f->map + old.r.off[0];
				old.old[1] = f->map + old.r.off[1];
				x = &old;
			}
		}
		if (!x || !(x->r.flags & R_READ))
			continue;
		FQ_ALLOC_GROW(out.v, out.n + 1, out.alloc);
		out.v[out.n++] = *x;
	}
	out.data = w->data;	/* borrowed */
	writer_write(&out, path, INDEX_MAGIC, 0);
	if (stats)
		stats->written = true;
out:
	free(out.v);
	free(done);
	free(jdone);
}

int
fq_index_each(fq_store *st, fq_index_item_fn fn, void *data,
	struct fq_error *err)
{
	return fq_index_run(st, fn, data, NULL, err);
}

int
fq_index_run(fq_store *st, fq_index_item_fn fn, void *data,
	struct fq_index_stats *stats, struct fq_error *err)
{
	struct entries e = { NULL, 0, 0 };
	struct ixfile f;
	struct writer w;
	struct fq_buf path = FQ_BUF_INIT;
	struct job *jobs = NULL;
	const char **joid = NULL;
	size_t *jof = NULL, *seen, nj = 0, i, cap, h;
	int ret;

	fq_buf_addf(&path, "%s/index", fq_store_private_dir(st));
	ixfile_load(&f, path.buf, INDEX_MAGIC, 0);
	if ((ret = fq_store_foreach(st, collect, &e, err)) < 0)
		goto out;
	writer_init(&w);
	/* the blobs not in the index, parsed first (in parallel) */
	jobs = fq_xcalloc(e.n ? e.n : 1, sizeof(*jobs));
	joid = fq_xcalloc(e.n ? e.n : 1, sizeof(*joid));
	jof = fq_xcalloc(e.n ? e.n : 1, sizeof(*jof));
	for (cap = 16; cap < e.n * 2; cap *= 2)
		;
	seen = fq_xcalloc(cap, sizeof(*seen));
	for (i = 0; i < e.n; i++) {
		const struct rec *r;

		jof[i] = (size_t)-1;
		if (e.v[i].bad_oid)
			continue;
		if ((r = ixfile_find(&f, e.v[i].bin))) {
			e.v[i].rec = (uint32_t)(r - f.recs) + 1;
			continue;
		}
		/* the same blob twice (rare) is parsed once */
		h = oid_hash(e.v[i].bin) & (cap - 1);
		while (seen[h] && memcmp(e.v[seen[h] - 1].bin, e.v[i].bin, 20))
			h = (h + 1) & (cap - 1);
		if (seen[h]) {
			jof[i] = jof[seen[h] - 1];
			continue;
		}
		seen[h] = i + 1;
		jobs[nj].relpath = e.v[i].relpath;
		joid[nj] = e.v[i].oid;
		jof[i] = nj++;
	}
	free(seen);
	parse_jobs(st, jobs, nj, joid);
	if (stats) {
		memset(stats, 0, sizeof(*stats));
		stats->cases = e.n;
		stats->parsed = nj;
		stats->loaded = f.h != NULL;
	}
	for (i = 0; i < e.n && !ret; i++) {
		struct fq_index_item it;
		struct item_priv ip;

		memset(&it, 0, sizeof(it));
		memset(&ip, 0, sizeof(ip));
		it.relpath = e.v[i].relpath;
		it.oid = e.v[i].oid;
		it.priv_ = &ip;
		ip.st = st;
		ip.w = &w;
		ip.f = &f;
		ip.e = &e.v[i];
		if (jof[i] != (size_t)-1) {
			struct job *jb = &jobs[jof[i]];

			if (jb->readable && !jb->wrec) {
				jb->wrec = writer_add(&w, e.v[i].bin) + 1;
				put_parsed(&w, &w.v[jb->wrec - 1], &jb->out);
			}
			ip.wi = jb->wrec;
		} else if (e.v[i].rec) {
			ip.k = e.v[i].rec - 1;
			ip.wi = f.wrec[ip.k];	/* parsed again */
		}
		item_fill(&it, item_rec(&ip));
		ret = fn(&it, data);
		fq_node_free(ip.node[0]);
		fq_node_free(ip.node[1]);
	}
	if (!ret)
		write_index(&w, &f, &e, jobs, jof, path.buf, stats);
	if (stats)
		stats->reparsed = w.reparsed;
	writer_release(&w);
out:
	for (i = 0; i < nj; i++)
		fq_buf_release(&jobs[i].out.data);
	for (i = 0; i < e.n; i++)
		free(e.v[i].relpath);
	free(e.v);
	free(jobs);
	free(joid);
	free(jof);
	ixfile_close(&f);
	fq_buf_release(&path);
	return ret;
}

/* --- the old interface: summaries --- */

struct scan {
	fq_index_fn fn;
	void *data;
};

static int
scan_one(struct fq_index_item *it, void *data)
{
	struct scan *s = data;

	return s->fn(it->relpath, it->oid,
		it->map ? fq_index_item_summary(it) : NULL, s->data);
}

int
fq_index_scan(fq_store *st, fq_index_fn fn, void *data, struct fq_error *err)
{
	struct scan s = { fn, data };

	return fq_index_each(st, scan_one, &s, err);
}

/* --- fq_nodecache --- */

struct fq_nodecache {
	struct ixfile f;
	struct writer w;
	struct fq_buf path;
	uint64_t key;
	size_t hits;
};

fq_nodecache *
fq_nodecache_open(fq_store *st, const char *name, uint64_t key)
{
	fq_nodecache *nc = fq_xcalloc(1, sizeof(*nc));

	fq_buf_init(&nc->path);
	fq_buf_addf(&nc->path, "%s/%s", fq_store_private_dir(st), name);
	nc->key = key;
	ixfile_load(&nc->f, nc->path.buf, CACHE_MAGIC, key);
	writer_init(&nc->w);
	return nc;
}

struct fq_node *
fq_nodecache_get(fq_nodecache *nc, const char *oid)
{
	unsigned char bin[20];
	const struct rec *r;
	const char *d;
	struct fq_node *n;
	struct wrec *x;
	size_t k;

	if (!nc || strlen(oid) != 40 || !oid_bin(bin, oid) ||
	    !(r = ixfile_find(&nc->f, bin)) || !(d = ixfile_part(&nc->f, r, 0)) ||
	    !(n = fq_node_unpack(d, r->len[0])))
		return NULL;
	k = (size_t)(r - nc->f.recs);
	if (!nc->f.wrec[k]) {
		nc->f.wrec[k] = (uint32_t)writer_add(&nc->w, bin) + 1;
		x = &nc->w.v[nc->f.wrec[k] - 1];
		x->r = *r;
		x->old[0] = d;
		x->old[1] = NULL;
		x->at[1] = 0;
	}
	return n;
}

void
fq_nodecache_put(fq_nodecache *nc, const char *oid, const struct fq_node *n)
{
	unsigned char bin[20];
	struct wrec *x;
	size_t at, k;

	if (!nc || strlen(oid) != 40 || !oid_bin(bin, oid))
		return;
	k = writer_add(&nc->w, bin);
	x = &nc->w.v[k];
	at = nc->w.data.len;
	fq_node_pack(&nc->w.data, n);
	memset(&x->r, 0, sizeof(x->r));
	memcpy(x->r.oid, bin, 20);
	x->r.flags = R_READ | R_MAP;
	x->r.len[0] = (uint32_t)(nc->w.data.len - at);
	x->r.sum[0] = fq_hash(FQ_HASH_INIT, nc->w.data.buf + at, x->r.len[0]);
	x->r.sum[1] = fq_hash(FQ_HASH_INIT, "", 0);
	x->old[0] = x->old[1] = NULL;
	x->at[0] = at;
	x->at[1] = 0;
	nc->w.dirty = true;
}

void
fq_nodecache_close(fq_nodecache *nc)
{
	if (!nc)
		return;
	if (nc->w.dirty || nc->w.n != nc->f.count)
		writer_write(&nc->w, nc->path.buf, CACHE_MAGIC, nc->key);
	writer_release(&nc->w);
	ixfile_close(&nc->f);
	fq_buf_release(&nc->path);
	free(nc);
}
