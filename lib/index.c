/*
 * index.c: what the many-case readers need, cached by object id (see
 * fq/index.h).
 *
 * File format (.git/fq/index; .git/fq/NAME for a fq_nodecache), native
 * byte order (the file never leaves the machine; the header says which):
 *
 *	struct hdr			magic, version, record size, key,
 *					count, size, base, checksum
 *	struct rec[count]		one per blob or tree
 *	part 0 of every record		summaries, tree listings
 *	part 1 of every record		cases
 *	zeros				to a multiple of 8 bytes
 *
 * hdr.sum is FNV-1a over the header (sum field zero) and the table; each
 * rec.sum[k] covers the record's part k.  Part 0 comes first, together,
 * so that a list touches only the summaries.  The table is checked on
 * load, the data of a record when it is used.
 *
 * Records are keyed by git object id.  A blob's record (a case file) has
 * the report's digest in the table, its summary as part 0 and the case
 * as part 1; a tree's record (R_TREE, a directory under cases/) has the
 * tree's listing as part 0: a count, then for each directory or .yaml
 * file in git's order a type byte (1 tree, 2 blob), the 20-byte id and
 * the name (a length, the bytes, a NUL).  A reader whose HEAD has not
 * changed so reads no git tree but HEAD's root.
 *
 * Appends: what a run adds (the blobs and trees that changed) goes to
 * NAME.log, a sequence of chunks laid out like the file itself, each with
 * hdr.base set to the checksum of the file it extends (the file's own
 * hdr.base is 0).  A chunk that does not match its checksum, or extends
 * another file, ends the log.  When the log grows past a quarter of the
 * file, past MAX_CHUNKS chunks, when a quarter of the records are no
 * longer used or a record was damaged, the file is written anew with the
 * records in use (in tree order) and the log removed.
 *
 * A packed tree: a tag byte (0 null, 1 scalar, 2 quoted scalar, 3 map,
 * 4 seq), then for a scalar a length (varint), the bytes and a NUL, for a
 * seq a count and the items, for a map a count and (key, value) pairs, a
 * key being 2 * its number in key_dict + 1, or 2 * its length, its bytes
 * and a NUL (lengths and counts are varints).  The NULs let a reader use
 * the strings where they lie.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fq/deadline.h"
#include "fq/index.h"
#include "internal.h"
#include "loose.h"
#include "store_git.h"

#define INDEX_MAGIC "fqindex"
#define CACHE_MAGIC "fqcache"
#define BYTE_ORDER_MARK 0x01020304u
#define MAX_CHUNKS 64

enum { R_READ = 1, R_MAP = 2, R_STATUS = 4, R_TREE = 8 };
enum { L_TREE = 1, L_BLOB = 2 };

struct hdr {
	char magic[8];
	uint32_t version;
	uint32_t recsize;
	uint32_t order;
	uint32_t pad;
	uint64_t key;
	uint64_t count;
	uint64_t size;
	uint64_t base;
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
	"closed_on", "due_at"
};
#define NSCALAR FQ_ARRAY_SIZE(scalar_keys)

struct fq_node *
fq_index_summary(const struct fq_node *c)
{
	struct fq_node *s = fq_node_new(FQ_NODE_MAP), *seq;
	const struct fq_node *v;
	char last[FQ_DATE_SIZE];
	size_t i;

	for (i = 0; i < NSCALAR; i++) {
		const char *x = fq_map_str(c, scalar_keys[i]);

		if (x)
			fq_map_set(s, scalar_keys[i], fq_node_scalar(x));
	}
	/* the progress `fq list stale` looks at (R16): not a key of the
	 * file, derived from its events */
	if (fq_case_last_event(c, last))
		fq_map_set(s, "last_event_on", fq_node_scalar(last));
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

/* fq_map_del, or for a tree of the fast reader's arena (owned false)
 * the same without freeing. */
static void
map_drop(struct fq_node *map, const char *key, bool owned)
{
	long i;

	if (owned) {
		fq_map_del(map, key);
		return;
	}
	if ((i = fq_map_index(map, key)) < 0)
		return;
	memmove(map->keys + i, map->keys + i + 1,
		(map->len - (size_t)i - 1) * sizeof(*map->keys));
	memmove(map->vals + i, map->vals + i + 1,
		(map->len - (size_t)i - 1) * sizeof(*map->vals));
	map->len--;
}

static void
project(struct fq_node *p, bool owned)
{
	struct fq_node *v;
	const char *color = fq_map_str(p, "risk_color");
	bool key = color && (!strcmp(color, "red") || !strcmp(color, "yellow"));
	size_t i, j;

	if (!key)
		for (i = 0; i < FQ_ARRAY_SIZE(key_case_only); i++)
			map_drop(p, key_case_only[i], owned);
	v = fq_map_get(p, "parties");
	for (i = 0; v && v->kind == FQ_NODE_SEQ && i < v->len; i++) {
		struct fq_node *party = v->vals[i];

		if (party->kind != FQ_NODE_MAP)
			continue;
		for (j = party->len; j-- > 0;) {
			const char *k = party->keys[j]->str;

			if (strcmp(k, "role") && strcmp(k, "kind") &&
			    strcmp(k, "name"))
				map_drop(party, k, owned);
		}
	}
	v = fq_map_get(p, "events");
	for (i = 0; v && v->kind == FQ_NODE_SEQ && i < v->len; i++)
		if (v->vals[i]->kind == FQ_NODE_MAP) {
			map_drop(v->vals[i], "actor", owned);
			if (!key)
				map_drop(v->vals[i], "note", owned);
		}
}

struct fq_node *
fq_index_projection(const struct fq_node *c)
{
	struct fq_node *p = fq_node_dup(c);

	project(p, true);
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

/* The dictionary's keys by first byte: [from, to) in key_dict. */
static unsigned char dict_first[256][2];
static pthread_once_t dict_once = PTHREAD_ONCE_INIT;

static void
dict_init(void)
{
	size_t i;

	for (i = NKEY_DICT; i-- > 0;) {
		unsigned char c = (unsigned char)key_dict[i][0];

		if (!dict_first[c][1])
			dict_first[c][1] = (unsigned char)(i + 1);
		dict_first[c][0] = (unsigned char)i;
	}
}

/* The number of key k in the dictionary, or -1: a binary search of
 * the keys with its first byte (as many as 17 of them). */
static long
dict_find(const char *k)
{
	const unsigned char *r = dict_first[(unsigned char)k[0]];
	size_t lo = r[0], hi = r[1], mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(k + 1, key_dict[mid] + 1)) == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
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

/* A length, the bytes and a NUL. */
static void
put_bytes(struct fq_buf *b, const char *s, size_t n)
{
	put_varint(b, n);
	fq_buf_add(b, s, n);
	fq_buf_addch(b, '\0');
}

/* A key of a map: 2 * its number + 1, or 2 * its length and the bytes. */
static void
put_key(struct fq_buf *out, const char *k)
{
	long d;

	pthread_once(&dict_once, dict_init);
	if ((d = dict_find(k)) >= 0) {
		put_varint(out, 2 * (size_t)d + 1);
	} else {
		put_varint(out, 2 * strlen(k));
		fq_buf_adds(out, k);
		fq_buf_addch(out, '\0');
	}
}

/* A plain scalar, as fq_node_pack writes fq_node_scalar(s). */
static void
put_scalar(struct fq_buf *out, const char *s)
{
	fq_buf_addch(out, 1);
	put_bytes(out, s ? s : "", s ? strlen(s) : 0);
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
		put_bytes(out, n->str ? n->str : "",
			n->str ? strlen(n->str) : 0);
		break;
	case FQ_NODE_MAP:
		fq_buf_addch(out, 3);
		put_varint(out, n->len);
		for (i = 0; i < n->len; i++) {
			put_key(out, n->keys[i]->str);
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

/* A sequence's items that are scalars. */
static size_t
count_scalars(const struct fq_node *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->len; i++)
		n += v->vals[i]->kind == FQ_NODE_SCALAR;
	return n;
}

/*
 * fq_node_pack(out, fq_index_summary(c)), byte for byte, without the
 * tree in between (a cold build packs a summary for every case).
 */
void
fq_index_pack_summary(struct fq_buf *out, const struct fq_node *c)
{
	const char *x[NSCALAR], *to, *from;
	const struct fq_node *med, *ref, *r;
	char last[FQ_DATE_SIZE];
	bool has_last;
	size_t i, n = 0;

	for (i = 0; i < NSCALAR; i++)
		n += (x[i] = fq_map_str(c, scalar_keys[i])) != NULL;
	has_last = fq_case_last_event(c, last) != NULL;
	med = fq_map_get(c, "mediators");
	if (med && med->kind != FQ_NODE_SEQ)
		med = NULL;
	ref = fq_map_get(c, "referrals");
	if (ref && ref->kind != FQ_NODE_SEQ)
		ref = NULL;
	n += has_last + (med != NULL) + (ref != NULL);
	fq_buf_addch(out, 3);
	put_varint(out, n);
	for (i = 0; i < NSCALAR; i++)
		if (x[i]) {
			put_key(out, scalar_keys[i]);
			put_scalar(out, x[i]);
		}
	if (has_last) {
		put_key(out, "last_event_on");
		put_scalar(out, last);
	}
	if (med) {
		put_key(out, "mediators");
		fq_buf_addch(out, 4);
		put_varint(out, count_scalars(med));
		for (i = 0; i < med->len; i++)
			if (med->vals[i]->kind == FQ_NODE_SCALAR)
				put_scalar(out, med->vals[i]->str);
	}
	if (!ref)
		return;
	put_key(out, "referrals");
	fq_buf_addch(out, 4);
	put_varint(out, ref->len);
	for (i = 0; i < ref->len; i++) {
		r = ref->vals[i];
		to = fq_map_str(r, "to_agency");
		from = fq_map_str(r, "from_agency");
		fq_buf_addch(out, 3);
		put_varint(out, (size_t)(to != NULL) + (from != NULL));
		if (to) {
			put_key(out, "to_agency");
			put_scalar(out, to);
		}
		if (from) {
			put_key(out, "from_agency");
			put_scalar(out, from);
		}
	}
}

/*
 * Trees unpacked for one item live in an arena (internal.h), dropped all
 * at once: strings used where they lie in the file, and the dictionary's
 * keys shared.
 */
static struct fq_node key_nodes[NKEY_DICT];
static pthread_once_t key_nodes_once = PTHREAD_ONCE_INIT;

static void
key_nodes_init(void)
{
	size_t i;

	for (i = 0; i < NKEY_DICT; i++) {
		key_nodes[i].kind = FQ_NODE_SCALAR;
		key_nodes[i].str = (char *)(uintptr_t)key_dict[i];
	}
}

struct rd {
	const unsigned char *p, *end;
	bool bad;
	struct fq_arena *a;	/* NULL: every node malloc'ed */
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
rd_node(struct rd *r, enum fq_node_kind kind)
{
	struct fq_node *n;

	if (!r->a)
		return fq_node_new(kind);
	n = fq_arena_alloc(r->a, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	return n;
}

/* A scalar of n bytes and its NUL at r->p. */
static struct fq_node *
get_bytes(struct rd *r, size_t n)
{
	const char *s = (const char *)r->p;
	struct fq_node *x;

	if (r->bad || n >= (size_t)(r->end - r->p) || r->p[n] != '\0') {
		r->bad = true;
		return NULL;
	}
	r->p += n + 1;
	x = rd_node(r, FQ_NODE_SCALAR);
	x->str = r->a ? (char *)(uintptr_t)s : fq_xstrndup(s, n);
	return x;
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
		if (r->a)
			return &key_nodes[n / 2];
		s = fq_node_new(FQ_NODE_SCALAR);
		s->str = fq_xstrdup(key_dict[n / 2]);
		return s;
	}
	return get_bytes(r, n / 2);
}

static void
rd_free(struct rd *r, struct fq_node *n)
{
	if (!r->a)
		fq_node_free(n);
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
		return rd_node(r, FQ_NODE_NULL);
	if (tag == 1 || tag == 2) {
		n = get_bytes(r, get_varint(r));
		if (n)
			n->quoted = tag == 2;
		return n;
	}
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
	n = rd_node(r, tag == 3 ? FQ_NODE_MAP : FQ_NODE_SEQ);
	if (!len)
		return n;
	if (r->a) {
		n->vals = fq_arena_alloc(r->a, len * sizeof(*n->vals));
		if (tag == 3)
			n->keys = fq_arena_alloc(r->a, len * sizeof(*n->keys));
	} else {
		n->vals = fq_xcalloc(len, sizeof(*n->vals));
		if (tag == 3)
			n->keys = fq_xcalloc(len, sizeof(*n->keys));
	}
	n->alloc = len;
	for (i = 0; i < len; i++) {
		if (tag == 3 && !(n->keys[i] = get_key(r)))
			break;
		if (!(n->vals[i] = get_node(r, depth + 1))) {
			if (tag == 3)
				rd_free(r, n->keys[i]);
			break;
		}
		n->len++;
	}
	if (r->bad) {
		rd_free(r, n);
		return NULL;
	}
	return n;
}

static struct fq_node *
unpack(const char *p, size_t len, struct fq_arena *a)
{
	struct rd r = { (const unsigned char *)p,
		(const unsigned char *)p + len, false, a };
	struct fq_node *n;

	if (a)
		pthread_once(&key_nodes_once, key_nodes_init);
	n = get_node(&r, 0);
	if (n && r.p != r.end) {
		rd_free(&r, n);
		return NULL;
	}
	return n;
}

struct fq_node *
fq_node_unpack(const char *p, size_t len)
{
	return unpack(p, len, NULL);
}

/* --- the file and its log --- */

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

static void
oid_hex(char out[41], const unsigned char *bin)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 20; i++) {
		out[2 * i] = digits[bin[i] >> 4];
		out[2 * i + 1] = digits[bin[i] & 15];
	}
	out[40] = '\0';
}

static size_t
oid_hash(const unsigned char *oid)
{
	size_t h;

	memcpy(&h, oid, sizeof(h));
	return h;
}

/* The file, or one chunk of its log. */
struct seg {
	const char *map;
	size_t size;
	const struct rec *recs;
	size_t count;
	size_t first;		/* its first record's number */
};

struct ixfile {
	char *map, *lmap;	/* the file, its log */
	size_t size, lsize;
	size_t lgood;		/* bytes of the log that are sound */
	uint64_t base;		/* the file's checksum; 0: no file */
	struct seg seg[MAX_CHUNKS + 1];
	size_t nseg;
	size_t count;		/* records in all segments */
	uint32_t *slots;	/* record number + 1, 0 = empty; built when
				 * first needed */
	size_t cap;		/* power of two */
	size_t cursor;		/* the record after the last found */
	uint32_t *wrec;		/* per record: its wrec index + 1 */
	unsigned char *used;	/* per record: used by this run */
	size_t low[2];		/* part k of the file read up to here */
};

/*
 * The parts are read in the order of the file, once: every WINDOW bytes
 * read, the pages behind are given back (they come again from the page
 * cache if read again), so that a reader's memory does not grow with the
 * file.
 */
#define WINDOW (4u << 20)

static void
ixfile_release_behind(struct ixfile *f, size_t off, int k, size_t *lows)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), to;
	size_t *low = lows ? &lows[k] : &f->low[k];

	/* a reader of a part of the cases (its own lows) gives back only
	 * what it read itself, from where it started (and the rest when
	 * it ends: part_release) */
	if (lows && off > lows[2 + k])
		lows[2 + k] = off;
	if (lows && !*low) {
		*low = off / page * page;
		return;
	}
	if (off < *low + WINDOW)
		return;
	to = off / page * page;
	if (!*low)
		*low = (sizeof(struct hdr) + f->seg[0].count *
			sizeof(struct rec) + page - 1) / page * page;
	if (to > *low)
		madvise(f->map + *low, to - *low, MADV_DONTNEED);
	*low = to > *low ? to : *low;
}

/* A part's reader done: what it read and kept, given back. */
static void
part_release(struct ixfile *f, const size_t lows[4])
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), to;
	int k;

	for (k = 0; k < 2; k++) {
		to = lows[2 + k] / page * page;
		if (lows[k] && to > lows[k])
			madvise(f->map + lows[k], to - lows[k],
				MADV_DONTNEED);
	}
}

static void
ixfile_close(struct ixfile *f)
{
	if (f->map)
		munmap(f->map, f->size);
	if (f->lmap)
		munmap(f->lmap, f->lsize);
	free(f->slots);
	free(f->wrec);
	free(f->used);
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

/* The chunk at p (avail bytes mapped there), if sound. */
static const struct hdr *
chunk_check(const char *p, size_t avail, const char *magic, uint64_t key,
	uint64_t base)
{
	const struct hdr *h = (const struct hdr *)p;
	const struct rec *recs;
	uint64_t end, i;

	if (avail < sizeof(*h) || memcmp(h->magic, magic, strlen(magic) + 1) ||
	    h->version != FQ_INDEX_VERSION ||
	    h->recsize != sizeof(struct rec) || h->order != BYTE_ORDER_MARK ||
	    h->key != key || h->base != base || h->size < sizeof(*h) ||
	    h->size > avail || h->size % 8 ||
	    h->count > (h->size - sizeof(*h)) / sizeof(struct rec))
		return NULL;
	recs = (const struct rec *)(p + sizeof(*h));
	if (table_sum(h, recs, (size_t)h->count) != h->sum)
		return NULL;
	/* the parts fill the data, the rest (under 8 bytes) is zeros */
	end = sizeof(*h) + h->count * sizeof(*recs);
	for (i = 0; i < h->count; i++)
		end += (uint64_t)recs[i].len[0] + recs[i].len[1];
	if (end > h->size || h->size - end >= 8)
		return NULL;
	for (; end < h->size; end++)
		if (p[end])
			return NULL;
	return h;
}

static void
add_seg(struct ixfile *f, const char *p, const struct hdr *h)
{
	struct seg *s = &f->seg[f->nseg++];

	s->map = p;
	s->size = (size_t)h->size;
	s->recs = (const struct rec *)(p + sizeof(*h));
	s->count = (size_t)h->count;
	s->first = f->count;
	f->count += s->count;
}

static bool
map_file(const char *path, char **map, size_t *size)
{
	struct stat sb;
	int fd;

	*map = NULL;
	*size = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	if (fstat(fd, &sb) < 0 || sb.st_size < (off_t)sizeof(struct hdr)) {
		close(fd);
		return false;
	}
	*map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (*map == MAP_FAILED) {
		*map = NULL;
		return false;
	}
	*size = (size_t)sb.st_size;
	return true;
}

static void
log_path(struct fq_buf *out, const char *path)
{
	fq_buf_reset(out);
	fq_buf_addf(out, "%s.log", path);
}

/* Map and check the file and its log; on any doubt about the file leave
 * f empty, and end the log at its first doubtful chunk. */
static void
ixfile_load(struct ixfile *f, const char *path, const char *magic,
	uint64_t key)
{
	struct fq_buf lp = FQ_BUF_INIT;
	const struct hdr *h;
	size_t at = 0;
	struct stat sb;

	memset(f, 0, sizeof(*f));
	log_path(&lp, path);
	if (!map_file(path, &f->map, &f->size))
		goto out;
	if (!(h = chunk_check(f->map, f->size, magic, key, 0)) ||
	    h->size != f->size) {
		ixfile_close(f);
		goto out;
	}
	f->base = h->sum;
	add_seg(f, f->map, h);
	if (map_file(lp.buf, &f->lmap, &f->lsize)) {
		while (f->nseg <= MAX_CHUNKS && (h = chunk_check(f->lmap + at,
		    f->lsize - at, magic, key, f->base))) {
			add_seg(f, f->lmap + at, h);
			at += (size_t)h->size;
		}
	} else if (stat(lp.buf, &sb) == 0) {
		f->lsize = (size_t)sb.st_size;	/* too short to hold one */
	}
	f->lgood = at;
	f->wrec = fq_xcalloc(f->count + 1, sizeof(*f->wrec));
	f->used = fq_xcalloc(f->count + 1, 1);
out:
	fq_buf_release(&lp);
}

static const struct seg *
ix_seg(const struct ixfile *f, size_t i)
{
	size_t s = 0;

	while (s + 1 < f->nseg && i >= f->seg[s + 1].first)
		s++;
	return &f->seg[s];
}

static const struct rec *
ix_rec(const struct ixfile *f, size_t i)
{
	const struct seg *s = ix_seg(f, i);

	return &s->recs[i - s->first];
}

/* The table of slots of f, of *cap entries (a power of two). */
static uint32_t *
ixfile_slots(const struct ixfile *f, size_t *cap)
{
	uint32_t *slots;
	size_t i, c = 16;

	while (c < f->count * 2)
		c *= 2;
	slots = fq_xcalloc(c, sizeof(*slots));
	for (i = 0; i < f->count; i++) {
		const unsigned char *oid = ix_rec(f, i)->oid;
		size_t s = oid_hash(oid) & (c - 1);

		/* the same id twice (two readers appended it): the last */
		while (slots[s] && memcmp(ix_rec(f, slots[s] - 1)->oid, oid, 20))
			s = (s + 1) & (c - 1);
		slots[s] = (uint32_t)(i + 1);
	}
	*cap = c;
	return slots;
}

static void
ixfile_hash(struct ixfile *f)
{
	f->slots = ixfile_slots(f, &f->cap);
}

/* The number + 1 of the record of oid, 0 if none.  Lookups mostly come
 * in the order of the file (the tree's), so the record after the last one
 * found is tried first. */
static size_t
ixfile_find(struct ixfile *f, const unsigned char *oid)
{
	size_t s;

	if (!f->count)
		return 0;
	if (f->cursor < f->count &&
	    !memcmp(ix_rec(f, f->cursor)->oid, oid, 20))
		return ++f->cursor;
	if (!f->slots)
		ixfile_hash(f);
	s = oid_hash(oid) & (f->cap - 1);
	while (f->slots[s]) {
		const struct rec *r = ix_rec(f, f->slots[s] - 1);

		if (!memcmp(r->oid, oid, 20)) {
			f->cursor = f->slots[s];
			return f->slots[s];
		}
		s = (s + 1) & (f->cap - 1);
	}
	return 0;
}

/* Does part k of a record lie in its segment's data? */
static bool
seg_inside(const struct seg *s, const struct rec *r, int k)
{
	size_t start = sizeof(struct hdr) + s->count * sizeof(struct rec);

	return r->off[k] >= start && r->off[k] <= s->size &&
		r->len[k] <= s->size - r->off[k];
}

/* Part k of record i, or NULL when it is not inside or (checked) does not
 * match its checksum. */
static const char *
ixfile_part_at(struct ixfile *f, size_t i, int k, bool check, size_t *lows)
{
	const struct seg *s = ix_seg(f, i);
	const struct rec *r = &s->recs[i - s->first];

	if (!seg_inside(s, r, k) || (check && fq_hash(FQ_HASH_INIT,
	    s->map + r->off[k], r->len[k]) != r->sum[k]))
		return NULL;
	if (s == f->seg)
		ixfile_release_behind(f, (size_t)r->off[k], k, lows);
	return s->map + r->off[k];
}

static const char *
ixfile_part(struct ixfile *f, size_t i, int k, bool check)
{
	return ixfile_part_at(f, i, k, check, NULL);
}

/* The new records: data in the old file (old != NULL) or in data. */
struct wrec {
	struct rec r;
	const char *old[2];	/* part elsewhere, or NULL */
	size_t at[2];		/* offset in data when old is NULL */
};

struct writer {
	struct wrec *v;
	size_t n, alloc;
	struct fq_buf data;
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

/* A new record (callers see to it that an id comes once). */
static size_t
writer_add(struct writer *w, const unsigned char *oid)
{
	FQ_ALLOC_GROW(w->v, w->n + 1, w->alloc);
	memset(&w->v[w->n], 0, sizeof(w->v[w->n]));
	memcpy(w->v[w->n].r.oid, oid, 20);
	return w->n++;
}

/* A new record that copies record i of f. */
static void
writer_copy(struct writer *w, const struct ixfile *f, size_t i)
{
	const struct seg *s = ix_seg(f, i);
	struct wrec *x;
	int k;
	size_t wi = writer_add(w, s->recs[i - s->first].oid);

	x = &w->v[wi];
	x->r = s->recs[i - s->first];
	for (k = 0; k < 2; k++)
		x->old[k] = seg_inside(s, &x->r, k) ? s->map + x->r.off[k] :
			NULL;
	if (!x->old[0] || !x->old[1])
		w->n--;		/* not inside: dropped */
}

static const char *
wrec_part(const struct writer *w, const struct wrec *x, int k)
{
	return x->old[k] ? x->old[k] : w->data.buf + x->at[k];
}

struct sink {
	FILE *fp;
	struct fq_buf *b;
};

static void
sink_put(struct sink *s, const void *p, size_t n)
{
	if (s->fp)
		fwrite(p, 1, n, s->fp);
	else
		fq_buf_add(s->b, p, n);
}

/* The records of w (those R_READ) as one file or chunk. */
static void
writer_emit(const struct writer *w, struct sink *out, const char *magic,
	uint64_t key, uint64_t base)
{
	static const char zeros[8];
	struct rec *recs = fq_xcalloc(w->n ? w->n : 1, sizeof(*recs));
	struct hdr h;
	uint64_t off;
	size_t i, j, n;
	int k;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, magic, strlen(magic) + 1);
	h.version = FQ_INDEX_VERSION;
	h.recsize = sizeof(struct rec);
	h.order = BYTE_ORDER_MARK;
	h.key = key;
	h.base = base;
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
	h.size = (off + 7) & ~(uint64_t)7;
	h.sum = table_sum(&h, recs, n);
	sink_put(out, &h, sizeof(h));
	sink_put(out, recs, n * sizeof(*recs));
	for (k = 0; k < 2; k++)
		for (i = 0; i < w->n; i++)
			if (w->v[i].r.flags & R_READ)
				sink_put(out, wrec_part(w, &w->v[i], k),
					w->v[i].r.len[k]);
	sink_put(out, zeros, (size_t)(h.size - off));
	free(recs);
}

/* Write the new file next to path, rename it over path, drop the log. */
static bool
writer_write(const struct writer *w, const char *path, const char *magic,
	uint64_t key)
{
	struct fq_buf tmp = FQ_BUF_INIT;
	struct sink out = { NULL, NULL };
	bool ok = false;
	int fd;

	fq_buf_addf(&tmp, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(tmp.buf)) < 0)
		goto out;
	if (!(out.fp = fdopen(fd, "wb"))) {
		close(fd);
		unlink(tmp.buf);
		goto out;
	}
	writer_emit(w, &out, magic, key, 0);
	/* no fsync: after a crash a file cut short or full of zeros fails
	 * its checksums and is rebuilt, so the cache needs no durability */
	if (fflush(out.fp) || ferror(out.fp)) {
		fclose(out.fp);
		unlink(tmp.buf);
		goto out;
	}
	if (fclose(out.fp) || rename(tmp.buf, path) < 0) {
		unlink(tmp.buf);
		goto out;
	}
	/* a log of the old file: readers see it extends another file */
	log_path(&tmp, path);
	unlink(tmp.buf);
	ok = true;
out:
	fq_buf_release(&tmp);
	return ok;
}

/*
 * Append the records of w to the log of f as one chunk.  The log only
 * grows in place (one write, O_APPEND: readers may have it mapped); a
 * log with a damaged tail is written anew, the sound chunks and this one,
 * and renamed over.
 */
static bool
writer_append(const struct writer *w, const struct ixfile *f,
	const char *path, const char *magic, uint64_t key)
{
	struct fq_buf chunk = FQ_BUF_INIT, lp = FQ_BUF_INIT, tmp = FQ_BUF_INIT;
	struct sink out = { NULL, &chunk };
	bool ok = false;
	ssize_t n;
	int fd;

	log_path(&lp, path);
	if (f->lgood != f->lsize) {
		if (f->lgood)
			fq_buf_add(&chunk, f->lmap, f->lgood);
		writer_emit(w, &out, magic, key, f->base);
		fq_buf_addf(&tmp, "%s.tmpXXXXXX", lp.buf);
		if ((fd = mkstemp(tmp.buf)) < 0)
			goto out;
		n = write(fd, chunk.buf, chunk.len);
		if (close(fd) < 0 || n != (ssize_t)chunk.len ||
		    rename(tmp.buf, lp.buf) < 0) {
			unlink(tmp.buf);
			goto out;
		}
		ok = true;
		goto out;
	}
	writer_emit(w, &out, magic, key, f->base);
	if ((fd = open(lp.buf, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) < 0)
		goto out;
	n = write(fd, chunk.buf, chunk.len);
	ok = close(fd) == 0 && n == (ssize_t)chunk.len;
out:
	fq_buf_release(&chunk);
	fq_buf_release(&lp);
	fq_buf_release(&tmp);
	return ok;
}

/* --- parsing a blob --- */

struct parsed {
	uint32_t flags;
	struct fq_report_digest dg;
	struct fq_buf data;	/* summary then case */
	uint32_t len[2];
};

/*
 * The fast reader first (its tree in ya, dropped after), libyaml for
 * what it declines.
 */
static void
parse_blob(struct parsed *out, const char *relpath, const char *raw,
	size_t len, struct fq_yarena *ya)
{
	struct fq_node *c = NULL;
	struct fq_error err = FQ_ERROR_INIT;
	size_t at;
	bool owned = false;
	int r;

	out->flags = R_READ;
	/* the packed summary and case hardly exceed the text: one malloc */
	fq_buf_grow(&out->data, len + 256);
	fq_report_digest(&out->dg, raw, len);
	if (out->dg.has_status)
		out->flags |= R_STATUS;
	if ((r = fq_yaml_parse_fast(&c, raw, len, ya)) != 0) {
		owned = true;
		r = fq_yaml_parse(&c, raw, len, relpath, &err);
	}
	if (r == 0 && c->kind == FQ_NODE_MAP) {
		out->flags |= R_MAP;
		at = out->data.len;
		fq_index_pack_summary(&out->data, c);
		out->len[0] = (uint32_t)(out->data.len - at);
		project(c, owned);
		at = out->data.len;
		fq_node_pack(&out->data, c);
		out->len[1] = (uint32_t)(out->data.len - at);
	}
	if (owned)
		fq_node_free(c);
	else
		fq_yarena_reset(ya);
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
}

/* --- the parallel parse of the blobs not in the index --- */

struct job {
	const char *relpath;
	const unsigned char *bin;	/* its blob id */
	bool readable;
	struct parsed out;
	size_t wrec;		/* its record in the writer, index + 1 */
};

/*
 * What a parsing thread owns: its own object database (libgit2 objects
 * stay in the thread that made them; NULL for the calling thread, which
 * reads through the store) and the arena of the fast YAML reader.
 */
struct pctx {
	fq_store *st;
	git_odb *odb;
	fq_loose *lo;		/* the loose objects, read without libgit2 */
	struct fq_yarena *ya;
	struct fq_buf raw;
};

struct batch {
	struct job *v;
	const char **oids;
	size_t n;
	atomic_size_t next;	/* next job to take */
};

struct wjob {
	struct batch *b;
	struct pctx *c;
};

/* A blob through a thread's own object database, as fq_store_read_blob
 * reads it (no huge blob inflated, blobs only); NULL if unreadable. */
static git_odb_object *
odb_blob(git_odb *odb, const char *hex)
{
	git_oid id;
	git_odb_object *obj = NULL;
	git_object_t type;
	size_t size;

	if (git_oid_fromstrn(&id, hex, 40) < 0 ||
	    git_odb_read_header(&size, &type, odb, &id) < 0 ||
	    size > FQ_NODE_MAX_FILE || type != GIT_OBJECT_BLOB ||
	    git_odb_read(&obj, odb, &id) < 0 ||
	    git_odb_object_type(obj) != GIT_OBJECT_BLOB) {
		git_odb_object_free(obj);
		git_error_clear();
		return NULL;
	}
	return obj;
}

static void
parse_one(struct pctx *c, struct job *jb, const char *hex)
{
	struct fq_error err = FQ_ERROR_INIT;
	git_odb_object *obj;
	const char *p;
	size_t n;

	fq_buf_init(&jb->out.data);
	/* a loose blob straight from its file; anything else (a packed
	 * object, a damaged file) as libgit2 reads it */
	if (c->lo && fq_loose_blob(c->lo, jb->bin, FQ_NODE_MAX_FILE, &p, &n,
	    &err) == 0) {
		jb->readable = true;
		parse_blob(&jb->out, jb->relpath, n ? p : "", n, c->ya);
		return;
	}
	if (c->odb) {
		obj = odb_blob(c->odb, hex);
		jb->readable = obj != NULL;
		if (obj && git_odb_object_size(obj))
			parse_blob(&jb->out, jb->relpath,
				git_odb_object_data(obj),
				git_odb_object_size(obj), c->ya);
		else if (obj)
			parse_blob(&jb->out, jb->relpath, "", 0, c->ya);
		git_odb_object_free(obj);
		return;
	}
	fq_buf_reset(&c->raw);
	jb->readable = fq_store_read_blob(c->st, hex, &c->raw, &err) == 0;
	if (jb->readable)
		parse_blob(&jb->out, jb->relpath, c->raw.buf, c->raw.len,
			c->ya);
}

static void *
worker(void *arg)
{
	struct wjob *wj = arg;
	struct batch *b = wj->b;
	size_t i;

	while ((i = atomic_fetch_add(&b->next, 1)) < b->n)
		parse_one(wj->c, &b->v[i], b->oids[i]);
	return NULL;
}

/* Threads that parse: the store's setting (fq_store_set_threads), else
 * FQ_INDEX_THREADS (1: no thread), else 2. */
static int
nthreads(const fq_store *st, size_t jobs)
{
	const char *e = getenv("FQ_INDEX_THREADS");
	long n = fq_store_threads(st) ? fq_store_threads(st) :
		e && *e ? strtol(e, NULL, 10) : 2;

	if (n < 1)
		n = 1;
	if (n > 8)
		n = 8;
	if (jobs < 64)
		n = 1;
	return (int)n;
}

#define BATCH 512

/* A batch parsed: its records into the writer, its buffers freed, so
 * that a cold build holds each case's data once, and a batch at most
 * twice. */
static void
flush_batch(struct writer *w, struct job *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!v[i].readable)
			continue;
		v[i].wrec = writer_add(w, v[i].bin) + 1;
		put_parsed(w, &w->v[v[i].wrec - 1], &v[i].out);
		fq_buf_release(&v[i].out.data);
	}
}

/*
 * A cold build reads each blob once: libgit2's object cache only costs
 * it (its locks and copies were a quarter of the CPU of a cold county
 * report over a county repository of 318 packs: 24.6 s -> 18.2 s).  Off
 * for the rest of the process, once, whichever thread comes first.
 */
static pthread_once_t nocache_once = PTHREAD_ONCE_INIT;

static void
no_object_cache(void)
{
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
}

/* The other threads' object databases (fewer threads if one fails),
 * and every thread's reader of the loose objects (none if it fails). */
static int
open_odbs(fq_store *st, struct pctx *c, int nt)
{
	git_repository *repo = fq_store_git(st);
	struct fq_buf dir = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	int t, k;

	pthread_once(&nocache_once, no_object_cache);
	fq_buf_addf(&dir, "%sobjects", git_repository_commondir(repo));
	for (t = 1; t < nt; t++)
		if (git_odb_open(&c[t].odb, dir.buf) < 0) {
			git_error_clear();
			break;
		}
	for (k = 0; k < t; k++)
		if (fq_loose_open(&c[k].lo, dir.buf, &err))
			break;
	fq_buf_release(&dir);
	return t;
}

/*
 * Parse the jobs, in batches: each thread reads its blobs from its own
 * object database and parses them; after a batch, its records go to the
 * writer.
 */
static void
parse_jobs(fq_store *st, struct job *jobs, size_t n, const char **oids,
	struct writer *w)
{
	struct pctx c[8];
	struct wjob wj[8];
	size_t at;
	int t, nt = nthreads(st, n);

	if (!n)
		return;
	memset(c, 0, sizeof(c));
	for (t = 0; t < 8; t++) {
		c[t].st = st;
		c[t].ya = t < nt ? fq_yarena_new() : NULL;
		fq_buf_init(&c[t].raw);
	}
	nt = open_odbs(st, c, nt);
	for (at = 0; at < n; at += BATCH) {
		struct batch b;
		pthread_t th[8];
		int started = 0;

		b.v = jobs + at;
		b.oids = oids + at;
		b.n = n - at < BATCH ? n - at : BATCH;
		atomic_init(&b.next, 0);
		for (t = 0; t < nt; t++) {
			wj[t].b = &b;
			wj[t].c = &c[t];
		}
		for (t = 1; t < nt; t++)
			if (pthread_create(&th[started], NULL, worker,
			    &wj[t]) == 0)
				started++;
		worker(&wj[0]);
		for (t = 0; t < started; t++)
			pthread_join(th[t], NULL);
		flush_batch(w, b.v, b.n);
	}
	for (t = 0; t < 8; t++) {
		git_odb_free(c[t].odb);
		fq_loose_free(c[t].lo);
		fq_yarena_free(c[t].ya);
		fq_buf_release(&c[t].raw);
	}
}

/* --- walking HEAD's cases/ through the tree records --- */

struct entry {
	const char *name;		/* in its tree's listing */
	const unsigned char *bin;	/* its blob id, there too */
	uint32_t dir;			/* its directory, in run.dirs */
	uint32_t rec;			/* its record in the old file, + 1 */
	size_t job;			/* its job, or NOJOB */
};
#define NOJOB ((size_t)-1)

/* A tree visited: its old record (+ 1) or its new one (+ 1). */
struct tvisit {
	size_t old, wi;
};

struct run {
	fq_store *st;
	struct ixfile *f;
	struct writer *w;
	struct entry *e;
	size_t n, alloc;
	char **dirs;
	size_t ndirs, adirs;
	char **lists;		/* listings read from git (owned) */
	size_t nlists, alists;
	struct tvisit *tv;
	size_t ntv, atv;
	struct fq_buf path;
	size_t trees;		/* trees read from git */
	size_t damaged;		/* tree records that did not check */
};

static bool
is_yaml(const char *name)
{
	size_t n = strlen(name);

	return n >= 5 && !memcmp(name + n - 5, ".yaml", 5);
}

/* Is the listing of len bytes at p well formed? */
static bool
listing_ok(const char *p, size_t len)
{
	struct rd r = { (const unsigned char *)p,
		(const unsigned char *)p + len, false, NULL };
	size_t n = get_varint(&r), i, k;

	for (i = 0; i < n && !r.bad; i++) {
		if (r.end - r.p < 21 || (r.p[0] != L_TREE && r.p[0] != L_BLOB))
			return false;
		r.p += 21;
		k = get_varint(&r);
		if (r.bad || k >= (size_t)(r.end - r.p) || r.p[k])
			return false;
		r.p += k + 1;
	}
	return !r.bad && r.p == r.end;
}

/* The listing of a tree, from git (in x->lists, and a new record). */
static int
read_tree(struct run *x, const unsigned char *oid, const char **out,
	size_t *len, struct fq_error *err)
{
	git_tree *t = NULL;
	git_oid id;
	struct fq_buf b = FQ_BUF_INIT;
	struct wrec *wr;
	size_t i, n = 0, cnt, wi;

	memcpy(id.id, oid, 20);
	if (git_tree_lookup(&t, fq_store_git(x->st), &id) < 0)
		return fq_git_fail(err, "cannot read '%s' in HEAD",
			x->path.buf);
	cnt = git_tree_entrycount(t);
	for (i = 0; i < cnt; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		git_filemode_t mode = git_tree_entry_filemode(e);

		n += mode == GIT_FILEMODE_TREE || ((mode == GIT_FILEMODE_BLOB ||
		    mode == GIT_FILEMODE_BLOB_EXECUTABLE) &&
		    is_yaml(git_tree_entry_name(e)));
	}
	put_varint(&b, n);
	for (i = 0; i < cnt; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		git_filemode_t mode = git_tree_entry_filemode(e);
		const char *name = git_tree_entry_name(e);

		if (mode == GIT_FILEMODE_TREE)
			fq_buf_addch(&b, L_TREE);
		else if ((mode == GIT_FILEMODE_BLOB ||
		    mode == GIT_FILEMODE_BLOB_EXECUTABLE) && is_yaml(name))
			fq_buf_addch(&b, L_BLOB);
		else
			continue;
		fq_buf_add(&b, git_tree_entry_id(e)->id, 20);
		put_bytes(&b, name, strlen(name));
	}
	git_tree_free(t);
	FQ_ALLOC_GROW(x->lists, x->nlists + 1, x->alists);
	*out = x->lists[x->nlists++] = fq_buf_detach(&b, len);
	x->trees++;
	wi = writer_add(x->w, oid);
	wr = &x->w->v[wi];
	wr->r.flags = R_READ | R_TREE;
	wr->r.len[0] = (uint32_t)*len;
	wr->r.sum[0] = fq_hash(FQ_HASH_INIT, *out, *len);
	wr->r.sum[1] = fq_hash(FQ_HASH_INIT, "", 0);
	wr->old[0] = *out;
	wr->old[1] = "";
	FQ_ALLOC_GROW(x->tv, x->ntv + 1, x->atv);
	x->tv[x->ntv].old = 0;
	x->tv[x->ntv++].wi = wi + 1;
	return FQ_OK;
}

/* The listing of a tree: its record, or git. */
static int
tree_listing(struct run *x, const unsigned char *oid, const char **out,
	size_t *len, struct fq_error *err)
{
	size_t k = ixfile_find(x->f, oid), i;
	const struct rec *r;

	/* a tree twice in HEAD (same files): its listing once */
	for (i = 0; i < x->ntv; i++)
		if (x->tv[i].wi &&
		    !memcmp(x->w->v[x->tv[i].wi - 1].r.oid, oid, 20)) {
			*out = x->w->v[x->tv[i].wi - 1].old[0];
			*len = x->w->v[x->tv[i].wi - 1].r.len[0];
			return FQ_OK;
		}
	if (k && ((r = ix_rec(x->f, k - 1))->flags & R_TREE)) {
		*out = ixfile_part(x->f, k - 1, 0, true);
		*len = r->len[0];
		if (*out && listing_ok(*out, *len)) {
			if (!x->f->used[k - 1]) {
				x->f->used[k - 1] = 1;
				FQ_ALLOC_GROW(x->tv, x->ntv + 1, x->atv);
				x->tv[x->ntv].old = k;
				x->tv[x->ntv++].wi = 0;
			}
			return FQ_OK;
		}
		x->damaged++;
	}
	return read_tree(x, oid, out, len, err);
}

/* Every .yaml file under the tree oid (at x->path), in git's order. */
static int
walk(struct run *x, const unsigned char *oid, int depth,
	struct fq_error *err)
{
	const char *list = NULL;
	size_t len = 0, n, i, k, plen = x->path.len;
	struct rd r;
	uint32_t dir;
	int ret;

	if (depth > 64)
		return fq_error_set(err, FQ_EINVALID, "cannot read '%s' in HEAD",
			x->path.buf);
	if ((ret = tree_listing(x, oid, &list, &len, err)) < 0)
		return ret;
	FQ_ALLOC_GROW(x->dirs, x->ndirs + 1, x->adirs);
	dir = (uint32_t)x->ndirs;
	x->dirs[x->ndirs++] = fq_xstrdup(x->path.buf);
	r.p = (const unsigned char *)list;
	r.end = r.p + len;
	r.bad = false;
	r.a = NULL;
	n = get_varint(&r);
	for (i = 0; i < n; i++) {
		unsigned type = r.p[0];
		const unsigned char *id = r.p + 1;
		const char *name;

		r.p += 21;
		k = get_varint(&r);
		name = (const char *)r.p;
		r.p += k + 1;
		if (type == L_TREE) {
			fq_buf_setlen(&x->path, plen);
			fq_buf_addch(&x->path, '/');
			fq_buf_adds(&x->path, name);
			ret = walk(x, id, depth + 1, err);
			fq_buf_setlen(&x->path, plen);
			if (ret)
				return ret;
			continue;
		}
		FQ_ALLOC_GROW(x->e, x->n + 1, x->alloc);
		x->e[x->n].name = name;
		x->e[x->n].bin = id;
		x->e[x->n].dir = dir;
		x->e[x->n].rec = 0;
		x->e[x->n++].job = NOJOB;
	}
	return FQ_OK;
}

/* --- the items --- */

struct item_priv {
	fq_store *st;
	struct writer *w;
	struct ixfile *f;
	const struct entry *e;
	struct fq_arena *a;
	size_t wi;		/* its record in w, index + 1; or */
	size_t k;		/* its record in f (when wi is 0) */
	struct fq_node *node[2];	/* summary, case */
	bool decoded[2];
	size_t *lows;		/* a part's own read marks [4]; NULL: f's */
	pthread_mutex_t *mu;	/* parts in threads: w, the store */
};

static const struct rec *
item_rec(const struct item_priv *ip)
{
	if (ip->wi)
		return &ip->w->v[ip->wi - 1].r;
	if (ip->e->rec)
		return ix_rec(ip->f, ip->k);
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
	if (fq_store_read_blob(st, oid, &raw, &err) == 0) {
		struct fq_yarena *ya = fq_yarena_new();

		parse_blob(&p, relpath, raw.buf, raw.len, ya);
		fq_yarena_free(ya);
	} else
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
decode_locked(struct fq_index_item *it, int k)
{
	struct item_priv *ip = it->priv_;
	const struct rec *r = item_rec(ip);
	const char *d;

	if (ip->decoded[k])
		return ip->node[k];
	ip->decoded[k] = true;
	if (!r || !(r->flags & R_MAP))
		return NULL;
	if (ip->wi && ip->mu) {
		/* our own bytes, which the other parts' reparses move:
		 * a copy in the item's arena, that the tree points into */
		char *copy = fq_arena_alloc(ip->a, r->len[k] ? r->len[k] : 1);

		memcpy(copy, wrec_part(ip->w, &ip->w->v[ip->wi - 1], k),
			r->len[k]);
		return ip->node[k] = unpack(copy, r->len[k], ip->a);
	}
	if (ip->wi)	/* our own bytes */
		return ip->node[k] = unpack(wrec_part(ip->w,
			&ip->w->v[ip->wi - 1], k), r->len[k], ip->a);
	d = ixfile_part_at(ip->f, ip->k, k, true, ip->lows);
	if (d && (ip->node[k] = unpack(d, r->len[k], ip->a)))
		return ip->node[k];
	/* damaged: parse the blob, keep the result for the new file */
	ip->wi = writer_add(ip->w, ip->e->bin) + 1;
	__atomic_store_n(&ip->f->wrec[ip->k], (uint32_t)ip->wi,
		__ATOMIC_RELAXED);
	reparse(ip->st, ip->w, &ip->w->v[ip->wi - 1], it->relpath, it->oid);
	r = item_rec(ip);
	item_fill(it, r);
	ip->node[0] = NULL;
	ip->decoded[0] = ip->decoded[1] = false;
	return decode_locked(it, k);
}

/* Unpack part k of the record: a sound record of the old file without
 * a lock; our own bytes, or a damaged record parsed again, under the
 * parts' lock (the writer and the store are shared). */
static const struct fq_node *
decode(struct fq_index_item *it, int k)
{
	struct item_priv *ip = it->priv_;
	const struct fq_node *n;

	if (ip->decoded[k])
		return ip->node[k];
	if (!ip->wi) {
		const struct rec *r = item_rec(ip);
		const char *d;

		if (!r || !(r->flags & R_MAP)) {
			ip->decoded[k] = true;
			return NULL;
		}
		d = ixfile_part_at(ip->f, ip->k, k, true, ip->lows);
		if (d && (ip->node[k] = unpack(d, r->len[k], ip->a))) {
			ip->decoded[k] = true;
			return ip->node[k];
		}
	}
	if (ip->mu)
		pthread_mutex_lock(ip->mu);
	n = decode_locked(it, k);
	if (ip->mu)
		pthread_mutex_unlock(ip->mu);
	return n;
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

/* --- writing back --- */

/* Should the file be written anew rather than extended? */
static bool
compact(const struct ixfile *f, size_t used, size_t damaged)
{
	return !f->base || damaged || f->nseg > MAX_CHUNKS ||
		f->lsize > f->size / 4 || f->count - used > f->count / 4;
}

/* Write the index anew, the records in tree order (each blob once) then
 * the trees; or append the new records to its log; or leave it. */
static void
write_index(struct run *x, struct job *jobs, const char *path,
	struct fq_index_stats *stats)
{
	struct ixfile *f = x->f;
	struct writer *w = x->w, out;
	size_t i, k, used = 0;
	bool *jdone;

	for (i = 0; i < f->count; i++)
		used += f->used[i];
	if (!compact(f, used, w->reparsed + x->damaged)) {
		if (w->n && writer_append(w, f, path, INDEX_MAGIC, 0) &&
		    stats)
			stats->appended = true;
		return;
	}
	writer_init(&out);
	jdone = fq_xcalloc(x->n + 1, sizeof(*jdone));
	if (f->used)
		memset(f->used, 0, f->count);
	for (i = 0; i < x->n; i++) {
		const struct entry *e = &x->e[i];

		if (e->job != NOJOB) {
			if (jdone[e->job] || !jobs[e->job].wrec)
				continue;
			jdone[e->job] = true;
			FQ_ALLOC_GROW(out.v, out.n + 1, out.alloc);
			out.v[out.n++] = w->v[jobs[e->job].wrec - 1];
		} else if (e->rec) {
			k = e->rec - 1;
			if (f->used[k])
				continue;
			f->used[k] = 1;
			if (f->wrec[k]) {
				FQ_ALLOC_GROW(out.v, out.n + 1, out.alloc);
				out.v[out.n++] = w->v[f->wrec[k] - 1];
			} else {
				writer_copy(&out, f, k);
			}
		}
	}
	for (i = 0; i < x->ntv; i++)
		if (x->tv[i].wi) {
			FQ_ALLOC_GROW(out.v, out.n + 1, out.alloc);
			out.v[out.n++] = w->v[x->tv[i].wi - 1];
		} else {
			writer_copy(&out, f, x->tv[i].old - 1);
		}
	/* the new parts lie in w's data */
	fq_buf_release(&out.data);
	out.data = w->data;
	if (writer_write(&out, path, INDEX_MAGIC, 0) && stats)
		stats->written = true;
	fq_buf_init(&out.data);
	writer_release(&out);
	free(jdone);
}

int
fq_index_each(fq_store *st, fq_index_item_fn fn, void *data,
	struct fq_error *err)
{
	return fq_index_run(st, fn, data, NULL, err);
}

static void
run_release(struct run *x)
{
	size_t i;

	for (i = 0; i < x->ndirs; i++)
		free(x->dirs[i]);
	for (i = 0; i < x->nlists; i++)
		free(x->lists[i]);
	free(x->dirs);
	free(x->lists);
	free(x->tv);
	free(x->e);
	fq_buf_release(&x->path);
}

/* One run of consecutive cases, [from, to), for one fn's data. */
struct part {
	struct run *x;
	struct job *jobs;
	struct writer *w;
	struct ixfile *f;
	size_t from, to;
	fq_index_item_fn fn;
	void *data;
	pthread_mutex_t *mu;	/* NULL: the parts one after the other */
	int ret;
};

static void *
run_part(void *arg)
{
	struct part *p = arg;
	struct run *x = p->x;
	struct fq_arena a = { NULL };
	struct fq_buf rel = FQ_BUF_INIT;
	size_t lows[4] = { 0, 0, 0, 0 }, i;	/* read from, up to */

	for (i = p->from; i < p->to && !p->ret; i++) {
		struct fq_index_item it;
		struct item_priv ip;
		char hex[41];

		memset(&it, 0, sizeof(it));
		memset(&ip, 0, sizeof(ip));
		fq_buf_reset(&rel);
		fq_buf_adds(&rel, x->dirs[x->e[i].dir]);
		fq_buf_addch(&rel, '/');
		fq_buf_adds(&rel, x->e[i].name);
		oid_hex(hex, x->e[i].bin);
		it.relpath = rel.buf;
		it.oid = hex;
		it.priv_ = &ip;
		ip.st = x->st;
		ip.w = p->w;
		ip.f = p->f;
		ip.e = &x->e[i];
		ip.a = &a;
		ip.mu = p->mu;
		ip.lows = p->mu ? lows : NULL;
		if (x->e[i].job != NOJOB) {
			/* in the writer since its batch was parsed (the parts
			 * run one after the other when there were jobs) */
			ip.wi = p->jobs[x->e[i].job].wrec;
		} else if (x->e[i].rec) {
			ip.k = x->e[i].rec - 1;
			/* parsed again (by a part before, if the same blob) */
			ip.wi = __atomic_load_n(&p->f->wrec[ip.k],
				__ATOMIC_RELAXED);
		}
		if (ip.wi && p->mu) {
			pthread_mutex_lock(p->mu);
			item_fill(&it, item_rec(&ip));
			pthread_mutex_unlock(p->mu);
		} else {
			item_fill(&it, item_rec(&ip));
		}
		p->ret = p->fn(&it, p->data);
		fq_arena_reset(&a);
	}
	if (p->mu)
		part_release(p->f, lows);
	fq_arena_release(&a);
	fq_buf_release(&rel);
	return NULL;
}

/* The parts, taken in turn by the threads. */
struct picker {
	struct part *p;
	size_t n, next;
	pthread_mutex_t *mu;
};

static void *
pick_parts(void *arg)
{
	struct picker *k = arg;

	for (;;) {
		size_t j;

		pthread_mutex_lock(k->mu);
		j = k->next++;
		pthread_mutex_unlock(k->mu);
		if (j >= k->n)
			return NULL;
		run_part(&k->p[j]);
	}
}

/* The cases cut into nparts runs, taken by nthreads threads when every
 * case was in the index (nothing parsed this run, so the runs share no
 * writing but a damaged record's, under a lock). */
static int
run_parts(struct run *x, struct job *jobs, size_t nj, struct writer *w,
	struct ixfile *f, size_t nparts, size_t nthreads, fq_index_item_fn fn,
	void **data)
{
	struct part p[FQ_INDEX_MAX_PARTS];
	pthread_t th[FQ_INDEX_MAX_THREADS];
	bool started[FQ_INDEX_MAX_THREADS];
	pthread_mutex_t mu;
	struct picker k;
	bool threads = nparts > 1 && nthreads > 1 && !nj;
	size_t j;
	int ret = 0;

	if (threads)
		pthread_mutex_init(&mu, NULL);
	for (j = 0; j < nparts; j++) {
		p[j].x = x;
		p[j].jobs = jobs;
		p[j].w = w;
		p[j].f = f;
		p[j].from = x->n * j / nparts;
		p[j].to = x->n * (j + 1) / nparts;
		p[j].fn = fn;
		p[j].data = data[j];
		p[j].mu = threads ? &mu : NULL;
		p[j].ret = 0;
	}
	if (!threads) {
		for (j = 0; j < nparts && !ret; j++) {
			run_part(&p[j]);
			ret = p[j].ret;
		}
		return ret;
	}
	k.p = p;
	k.n = nparts;
	k.next = 0;
	k.mu = &mu;
	if (nthreads > nparts)
		nthreads = nparts;
	for (j = 1; j < nthreads; j++)
		started[j] = pthread_create(&th[j], NULL, pick_parts, &k) == 0;
	pick_parts(&k);
	for (j = 1; j < nthreads; j++)
		if (started[j])
			pthread_join(th[j], NULL);
	pthread_mutex_destroy(&mu);
	for (j = 0; j < nparts && !ret; j++)
		ret = p[j].ret;
	return ret;
}

int
fq_index_run(fq_store *st, fq_index_item_fn fn, void *data,
	struct fq_index_stats *stats, struct fq_error *err)
{
	return fq_index_run_parts(st, 1, 1, fn, &data, stats, err);
}

int
fq_index_each_parts(fq_store *st, size_t nparts, size_t nthreads,
	fq_index_item_fn fn, void **data, struct fq_error *err)
{
	return fq_index_run_parts(st, nparts, nthreads, fn, data, NULL, err);
}

int
fq_index_run_parts(fq_store *st, size_t nparts, size_t nthreads,
	fq_index_item_fn fn, void **data, struct fq_index_stats *stats,
	struct fq_error *err)
{
	struct run x;
	struct ixfile f;
	struct writer w;
	struct fq_buf path = FQ_BUF_INIT, rel = FQ_BUF_INIT;
	struct job *jobs = NULL;
	char (*jhex)[41] = NULL;
	const char **joid = NULL;
	size_t *seen, nj = 0, i, cap, h, k;
	git_oid root;
	bool found;
	int ret;

	if (nparts < 1 || nparts > FQ_INDEX_MAX_PARTS)
		return fq_error_set(err, FQ_EUSAGE, "%zu parts: 1 to %d",
			nparts, FQ_INDEX_MAX_PARTS);
	if (nthreads < 1 || nthreads > FQ_INDEX_MAX_THREADS)
		return fq_error_set(err, FQ_EUSAGE, "%zu threads: 1 to %d",
			nthreads, FQ_INDEX_MAX_THREADS);
	memset(&x, 0, sizeof(x));
	fq_buf_init(&x.path);
	writer_init(&w);
	x.st = st;
	x.f = &f;
	x.w = &w;
	fq_buf_addf(&path, "%s/index", fq_store_private_dir(st));
	ixfile_load(&f, path.buf, INDEX_MAGIC, 0);
	if ((ret = fq_store_cases_tree(st, &root, &found, err)) < 0)
		goto out;
	fq_buf_adds(&x.path, "cases");
	if (found && (ret = walk(&x, root.id, 0, err)) < 0)
		goto out;
	/* the blobs not in the index, parsed first (in parallel) */
	jobs = fq_xcalloc(x.n ? x.n : 1, sizeof(*jobs));
	for (cap = 16; cap < x.n * 2; cap *= 2)
		;
	seen = fq_xcalloc(cap, sizeof(*seen));
	for (i = 0; i < x.n; i++) {
		struct entry *e = &x.e[i];

		if ((k = ixfile_find(&f, e->bin)) &&
		    !(ix_rec(&f, k - 1)->flags & R_TREE)) {
			e->rec = (uint32_t)k;
			f.used[k - 1] = 1;
			continue;
		}
		/* the same blob twice (rare) is parsed once */
		h = oid_hash(e->bin) & (cap - 1);
		while (seen[h] && memcmp(x.e[seen[h] - 1].bin, e->bin, 20))
			h = (h + 1) & (cap - 1);
		if (seen[h]) {
			e->job = x.e[seen[h] - 1].job;
			continue;
		}
		seen[h] = i + 1;
		e->job = nj++;
	}
	free(seen);
	/* the jobs' paths and ids, which outlive the walk's buffers */
	jhex = fq_xcalloc(nj ? nj : 1, sizeof(*jhex));
	joid = fq_xcalloc(nj ? nj : 1, sizeof(*joid));
	for (i = 0; i < x.n; i++) {
		struct entry *e = &x.e[i];
		struct job *jb;

		if (e->job == NOJOB || jobs[e->job].relpath)
			continue;
		jb = &jobs[e->job];
		fq_buf_reset(&rel);
		fq_buf_addf(&rel, "%s/%s", x.dirs[e->dir], e->name);
		jb->relpath = fq_xstrdup(rel.buf);
		jb->bin = e->bin;
		oid_hex(jhex[e->job], e->bin);
		joid[e->job] = jhex[e->job];
	}
	parse_jobs(st, jobs, nj, joid, &w);
	if (stats) {
		memset(stats, 0, sizeof(*stats));
		stats->cases = x.n;
		stats->parsed = nj;
		stats->loaded = f.base != 0;
		stats->trees = x.trees;
	}
	ret = run_parts(&x, jobs, nj, &w, &f, nparts, nthreads, fn, data);
	if (!ret)
		write_index(&x, jobs, path.buf, stats);
	if (stats)
		stats->reparsed = w.reparsed + x.damaged;
out:
	for (i = 0; i < nj; i++) {
		fq_buf_release(&jobs[i].out.data);
		free((char *)(uintptr_t)jobs[i].relpath);
	}
	free(jobs);
	free(jhex);
	free(joid);
	writer_release(&w);
	run_release(&x);
	ixfile_close(&f);
	fq_buf_release(&path);
	fq_buf_release(&rel);
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
	struct writer w;	/* the puts */
	struct fq_buf path;
	uint64_t key;
	struct fq_arena a;		/* the tree of the last peek */
	pthread_mutex_t mu;	/* the puts, and the table of slots */
};

/* A reader of the cache in one thread among others. */
struct fq_nodecache_reader {
	fq_nodecache *nc;
	struct fq_arena a;	/* the tree of its last peek */
	size_t cursor;		/* the record after its last found */
	size_t lows[4];		/* its read marks (ixfile_release_behind) */
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
	pthread_mutex_init(&nc->mu, NULL);
	return nc;
}

struct fq_node *
fq_nodecache_get(fq_nodecache *nc, const char *oid)
{
	unsigned char bin[20];
	const struct rec *r;
	const char *d;
	struct fq_node *n;
	size_t k;

	if (!nc || strlen(oid) != 40 || !oid_bin(bin, oid) ||
	    !(k = ixfile_find(&nc->f, bin)))
		return NULL;
	r = ix_rec(&nc->f, k - 1);
	if (!(r->flags & R_MAP) || !(d = ixfile_part(&nc->f, k - 1, 0, true)) ||
	    !(n = fq_node_unpack(d, r->len[0])))
		return NULL;
	nc->f.used[k - 1] = 1;
	return n;
}

const struct fq_node *
fq_nodecache_peek(fq_nodecache *nc, const char *oid)
{
	unsigned char bin[20];
	const struct rec *r;
	const struct fq_node *n;
	const char *d;
	size_t k;

	if (!nc)
		return NULL;
	fq_arena_reset(&nc->a);
	if (strlen(oid) != 40 || !oid_bin(bin, oid) ||
	    !(k = ixfile_find(&nc->f, bin)))
		return NULL;
	r = ix_rec(&nc->f, k - 1);
	if (!(r->flags & R_MAP) || !(d = ixfile_part(&nc->f, k - 1, 0, true)) ||
	    !(n = unpack(d, r->len[0], &nc->a)))
		return NULL;
	nc->f.used[k - 1] = 1;
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
	pthread_mutex_lock(&nc->mu);
	k = writer_add(&nc->w, bin);
	x = &nc->w.v[k];
	at = nc->w.data.len;
	fq_node_pack(&nc->w.data, n);
	x->r.flags = R_READ | R_MAP;
	x->r.len[0] = (uint32_t)(nc->w.data.len - at);
	x->r.sum[0] = fq_hash(FQ_HASH_INIT, nc->w.data.buf + at, x->r.len[0]);
	x->r.sum[1] = fq_hash(FQ_HASH_INIT, "", 0);
	x->old[0] = NULL;
	x->old[1] = "";
	x->at[0] = at;
	x->at[1] = 0;
	pthread_mutex_unlock(&nc->mu);
}

fq_nodecache_reader *
fq_nodecache_reader_new(fq_nodecache *nc)
{
	fq_nodecache_reader *rd;

	if (!nc)
		return NULL;
	rd = fq_xcalloc(1, sizeof(*rd));
	rd->nc = nc;
	return rd;
}

/* ixfile_find, with the reader's own cursor and the table of slots
 * built once under the cache's lock. */
static size_t
reader_find(fq_nodecache_reader *rd, const unsigned char *oid)
{
	struct ixfile *f = &rd->nc->f;
	uint32_t *slots;
	size_t s;

	if (!f->count)
		return 0;
	if (rd->cursor < f->count &&
	    !memcmp(ix_rec(f, rd->cursor)->oid, oid, 20))
		return ++rd->cursor;
	if (!(slots = __atomic_load_n(&f->slots, __ATOMIC_ACQUIRE))) {
		pthread_mutex_lock(&rd->nc->mu);
		if (!(slots = f->slots)) {
			slots = ixfile_slots(f, &f->cap);
			__atomic_store_n(&f->slots, slots, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&rd->nc->mu);
	}
	s = oid_hash(oid) & (f->cap - 1);
	while (slots[s]) {
		const struct rec *r = ix_rec(f, slots[s] - 1);

		if (!memcmp(r->oid, oid, 20)) {
			rd->cursor = slots[s];
			return slots[s];
		}
		s = (s + 1) & (f->cap - 1);
	}
	return 0;
}

const struct fq_node *
fq_nodecache_reader_peek(fq_nodecache_reader *rd, const char *oid)
{
	unsigned char bin[20];
	const struct rec *r;
	const struct fq_node *n;
	const char *d;
	size_t k;

	if (!rd)
		return NULL;
	fq_arena_reset(&rd->a);
	if (strlen(oid) != 40 || !oid_bin(bin, oid) ||
	    !(k = reader_find(rd, bin)))
		return NULL;
	r = ix_rec(&rd->nc->f, k - 1);
	if (!(r->flags & R_MAP) || !(d = ixfile_part_at(&rd->nc->f, k - 1, 0,
	    true, rd->lows)) || !(n = unpack(d, r->len[0], &rd->a)))
		return NULL;
	__atomic_store_n(&rd->nc->f.used[k - 1], 1, __ATOMIC_RELAXED);
	return n;
}

void
fq_nodecache_reader_free(fq_nodecache_reader *rd)
{
	if (!rd)
		return;
	part_release(&rd->nc->f, rd->lows);
	fq_arena_release(&rd->a);
	free(rd);
}

/* The puts appended to the log; or, when the file is worth compacting,
 * the file written anew with what was got and put. */
void
fq_nodecache_close(fq_nodecache *nc)
{
	struct writer out;
	size_t i, used = 0;

	if (!nc)
		return;
	for (i = 0; i < nc->f.count; i++)
		used += nc->f.used[i];
	if (!compact(&nc->f, used, 0)) {
		if (nc->w.n)
			writer_append(&nc->w, &nc->f, nc->path.buf,
				CACHE_MAGIC, nc->key);
	} else if (nc->w.n || used != nc->f.count || !nc->f.base) {
		writer_init(&out);
		for (i = 0; i < nc->f.count; i++)
			if (nc->f.used[i])
				writer_copy(&out, &nc->f, i);
		for (i = 0; i < nc->w.n; i++) {
			FQ_ALLOC_GROW(out.v, out.n + 1, out.alloc);
			out.v[out.n++] = nc->w.v[i];
		}
		fq_buf_release(&out.data);
		out.data = nc->w.data;
		writer_write(&out, nc->path.buf, CACHE_MAGIC, nc->key);
		fq_buf_init(&out.data);
		writer_release(&out);
	}
	writer_release(&nc->w);
	ixfile_close(&nc->f);
	fq_buf_release(&nc->path);
	fq_arena_release(&nc->a);
	pthread_mutex_destroy(&nc->mu);
	free(nc);
}
