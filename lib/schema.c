/*
 * schema.c: load schemas/ and validate and canonicalize YAML trees
 * against it (see fq/schema.h).
 *
 * Loading reads case.yaml, repository.yaml and every enums/NAME.yaml into
 * plain arrays; a record field naming another record or an enumeration is
 * resolved to a pointer once, so validation never looks names up again.
 * Validation walks a tree and the record together and reports every
 * problem, never just the first: a clerk fixing a file by hand wants the
 * whole list.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha1.h>

#include "fq/schema.h"
#include "fq/buf.h"
#include "fq/index.h"		/* fq_hash */
#include "fq/store.h"
#include "internal.h"

struct fq_schema {
	char *dir;
	struct fq_record *recs;
	size_t nrecs, arecs;
	struct fq_enum *enums;
	size_t nenums, aenums;
	struct fq_node **docs;	/* enum definitions point into these */
	size_t ndocs, adocs;
	bool cached;		/* the trees came from the cache */
};

static const struct {
	const char *name;
	enum fq_type type;
} type_names[] = {
	{ "string", FQ_T_STRING }, { "text", FQ_T_TEXT }, { "id", FQ_T_ID },
	{ "date", FQ_T_DATE }, { "datetime", FQ_T_DATETIME },
	{ "int", FQ_T_INT }, { "money", FQ_T_MONEY }, { "bool", FQ_T_BOOL },
	{ "enum", FQ_T_ENUM }, { "list", FQ_T_LIST },
};

/* Field type names that are records are resolved after all are read. */
struct pending {
	struct fq_field *f;
	char *recname;
	char *enumname;
	char *file;		/* a copy: the caller's path buffer is reused */
};

static int
type_of(const char *name, enum fq_type *out)
{
	size_t i;

	for (i = 0; i < FQ_ARRAY_SIZE(type_names); i++)
		if (!strcmp(type_names[i].name, name)) {
			*out = type_names[i].type;
			return 0;
		}
	return -1;
}

static void
keep_doc(fq_schema *s, struct fq_node *doc)
{
	FQ_ALLOC_GROW(s->docs, s->ndocs + 1, s->adocs);
	s->docs[s->ndocs++] = doc;
}

/* The records of doc, read from path. */
static int
load_records(fq_schema *s, const char *path, struct fq_node *doc,
	struct pending **pend, size_t *npend, size_t *apend,
	struct fq_error *err)
{
	struct fq_node *recs;
	size_t i, j;

	recs = fq_map_get(doc, "records");
	if (!recs || recs->kind != FQ_NODE_MAP)
		return fq_error_setpos(err, FQ_EINVALID, path, doc->line,
			doc->column, "schema has no 'records' mapping");
	for (i = 0; i < recs->len; i++) {
		struct fq_node *fields = recs->vals[i];
		struct fq_record *r;

		if (fields->kind != FQ_NODE_MAP)
			return fq_error_setpos(err, FQ_EINVALID, path,
				fields->line, fields->column,
				"record '%s' is not a mapping", recs->keys[i]->str);
		FQ_ALLOC_GROW(s->recs, s->nrecs + 1, s->arecs);
		r = &s->recs[s->nrecs++];
		r->name = fq_xstrdup(recs->keys[i]->str);
		r->n = fields->len;
		r->fields = fq_xcalloc(fields->len, sizeof(*r->fields));
		for (j = 0; j < fields->len; j++) {
			struct fq_field *f = &r->fields[j];
			struct fq_node *def = fields->vals[j];
			struct pending *pd;
			const char *t, *v;

			f->name = fq_xstrdup(fields->keys[j]->str);
			f->line = def->line;
			if (def->kind != FQ_NODE_MAP ||
			    !(t = fq_map_str(def, "type")))
				return fq_error_setpos(err, FQ_EINVALID, path,
					def->line, def->column,
					"field '%s' has no type", f->name);
			if ((v = fq_map_str(def, "label")))
				f->label = fq_xstrdup(v);
			if ((v = fq_map_str(def, "required")))
				f->required = !strcmp(v, "true");
			if ((v = fq_map_str(def, "max")))
				f->max = atoi(v);
			if ((v = fq_map_str(def, "pii")))
				f->pii = fq_xstrdup(v);
			/* Counted at once, so that an error below frees it. */
			FQ_ALLOC_GROW(*pend, *npend + 1, *apend);
			pd = &(*pend)[(*npend)++];
			pd->f = f;
			pd->file = fq_xstrdup(path);
			pd->recname = NULL;
			pd->enumname = NULL;
			if (type_of(t, &f->type) < 0) {
				f->type = FQ_T_RECORD;
				pd->recname = fq_xstrdup(t);
			}
			if (f->type == FQ_T_LIST) {
				const char *it = fq_map_str(def, "items");

				if (!it)
					return fq_error_setpos(err, FQ_EINVALID,
						path, def->line, def->column,
						"list field '%s' has no items",
						f->name);
				if (type_of(it, &f->item_type) < 0) {
					f->item_type = FQ_T_RECORD;
					pd->recname = fq_xstrdup(it);
				}
			}
			if ((v = fq_map_str(def, "enum")))
				pd->enumname = fq_xstrdup(v);
			else if (f->type == FQ_T_ENUM ||
			    (f->type == FQ_T_LIST && f->item_type == FQ_T_ENUM))
				return fq_error_setpos(err, FQ_EINVALID, path,
					def->line, def->column,
					"enum field '%s' names no enumeration",
					f->name);
		}
	}
	return FQ_OK;
}

static char **
string_list(const struct fq_node *n, size_t *count)
{
	char **v;
	size_t i, k = 0;

	*count = 0;
	if (!n)
		return NULL;
	if (n->kind == FQ_NODE_SCALAR) {
		v = fq_xmalloc(sizeof(*v));
		v[0] = fq_xstrdup(n->str);
		*count = 1;
		return v;
	}
	if (n->kind != FQ_NODE_SEQ || !n->len)
		return NULL;
	v = fq_xcalloc(n->len, sizeof(*v));
	for (i = 0; i < n->len; i++)
		if (n->vals[i]->kind == FQ_NODE_SCALAR)
			v[k++] = fq_xstrdup(n->vals[i]->str);
	*count = k;
	return v;
}

/* The enumeration of doc, read from path. */
static int
load_enum(fq_schema *s, const char *path, struct fq_node *doc,
	struct fq_error *err)
{
	struct fq_node *vals;
	struct fq_enum *e;
	const char *name;
	size_t i, j;

	name = fq_map_str(doc, "enum");
	vals = fq_map_get(doc, "values");
	if (!name || !vals || vals->kind != FQ_NODE_SEQ)
		return fq_error_setpos(err, FQ_EINVALID, path, doc->line,
			doc->column, "an enumeration needs 'enum' and a "
			"'values' list");
	if (fq_schema_enum(s, name))
		return fq_error_setpos(err, FQ_EINVALID, path, doc->line,
			doc->column, "enumeration '%s' is defined twice", name);
	FQ_ALLOC_GROW(s->enums, s->nenums + 1, s->aenums);
	e = &s->enums[s->nenums++];
	memset(e, 0, sizeof(*e));
	e->name = fq_xstrdup(name);
	e->label = fq_xstrdup(fq_map_str(doc, "label") ?
		fq_map_str(doc, "label") : name);
	e->v = fq_xcalloc(vals->len ? vals->len : 1, sizeof(*e->v));
	for (i = 0; i < vals->len; i++) {
		struct fq_node *d = vals->vals[i];
		struct fq_enum_value *v = &e->v[e->n];
		const char *code = fq_map_str(d, "code");
		const char *label = fq_map_str(d, "label");

		if (!code || !label)
			return fq_error_setpos(err, FQ_EINVALID, path, d->line,
				d->column, "a value needs 'code' and 'label'");
		for (j = 0; j < e->n; j++)
			if (!strcmp(e->v[j].code, code))
				return fq_error_setpos(err, FQ_EINVALID, path,
					d->line, d->column,
					"code '%s' appears twice", code);
		e->n++;
		v->code = fq_xstrdup(code);
		v->label = fq_xstrdup(label);
		if (fq_map_str(d, "pinyin"))
			v->pinyin = fq_xstrdup(fq_map_str(d, "pinyin"));
		v->aliases = string_list(fq_map_get(d, "aliases"),
			&v->naliases);
		v->def = d;
	}
	return FQ_OK;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The compiled schema's cache.  Loading parses some 30 YAML files with
 * libyaml, 2-3 ms of every command; the trees they give are kept in
 * $XDG_CACHE_HOME/fq/schema/HASH (HASH: of the schema directory's name),
 * and a later load that finds the very same files rebuilds the trees
 * from there and compiles them as it would have compiled libyaml's.
 *
 * The key is a SHA-1 of fq's version, the cache format, and every file's
 * name, length and bytes, in the order they are loaded: each load reads
 * the files again (30 small reads), so no time stamp is trusted and an
 * edit of the same length in the same second is seen as any other.  The
 * file ends with a SHA-1 of all before it; every length is checked while
 * reading.  A cache that is missing, torn, damaged, of another version
 * or of other files is ignored (and written anew once the files load
 * without error): it never decides what the schema says, only how fast
 * the same answer comes.  Only schemas that loaded without error are
 * cached, so every error message still comes from the files.
 * FQ_SCHEMA_CACHE=0 turns the cache off.
 */
#define SC_MAGIC	"fqschc1\n"
#define SC_MAX_DEPTH	64
#define SC_MAX_FILES	256

struct sc_file {
	char *path;
	struct fq_buf text;
	bool missing;		/* repository.yaml may be */
	struct fq_node *doc;
	bool kept;		/* doc is the schema's (s->docs) */
};

struct sc_in {
	const unsigned char *p, *end;
};

static void
sc_u32(struct fq_buf *b, uint32_t v)
{
	unsigned char w[4];

	fq_put_be32(w, v);
	fq_buf_add(b, w, 4);
}

static bool
sc_get32(struct sc_in *in, uint32_t *v)
{
	if (in->end - in->p < 4)
		return false;
	*v = fq_get_be32(in->p);
	in->p += 4;
	return true;
}

static void
sc_put_node(struct fq_buf *b, const struct fq_node *n)
{
	size_t i;

	fq_buf_addch(b, (char)n->kind);
	fq_buf_addch(b, n->quoted ? 1 : 0);
	sc_u32(b, n->line);
	sc_u32(b, n->column);
	if (n->kind == FQ_NODE_SCALAR) {
		size_t len = strlen(n->str);

		sc_u32(b, (uint32_t)len);
		fq_buf_add(b, n->str, len);
		return;
	}
	sc_u32(b, (uint32_t)n->len);
	for (i = 0; i < n->len; i++) {
		if (n->kind == FQ_NODE_MAP)
			sc_put_node(b, n->keys[i]);
		sc_put_node(b, n->vals[i]);
	}
}

static struct fq_node *
sc_get_node(struct sc_in *in, int depth)
{
	struct fq_node *n;
	uint32_t line, column, len, i;
	unsigned kind, quoted;

	if (depth > SC_MAX_DEPTH || in->end - in->p < 2)
		return NULL;
	kind = in->p[0];
	quoted = in->p[1];
	in->p += 2;
	if ((kind != FQ_NODE_SCALAR && kind != FQ_NODE_MAP &&
	    kind != FQ_NODE_SEQ && kind != FQ_NODE_NULL) || quoted > 1 ||
	    !sc_get32(in, &line) || !sc_get32(in, &column) ||
	    !sc_get32(in, &len))
		return NULL;
	if (kind == FQ_NODE_NULL) {
		/* "key:" or "~": written with a length of 0 */
		if (len)
			return NULL;
		n = fq_node_new(FQ_NODE_NULL);
	} else if (kind == FQ_NODE_SCALAR) {
		if ((size_t)(in->end - in->p) < len ||
		    memchr(in->p, '\0', len))
			return NULL;
		n = fq_node_new(FQ_NODE_SCALAR);
		n->str = fq_xstrndup((const char *)in->p, len);
		in->p += len;
	} else {
		/* every entry takes 14 bytes at least: no huge allocation */
		if (len > (size_t)(in->end - in->p) / 14)
			return NULL;
		n = fq_node_new((enum fq_node_kind)kind);
		n->alloc = len;
		if (len && kind == FQ_NODE_MAP)
			n->keys = fq_xcalloc(len, sizeof(*n->keys));
		if (len)
			n->vals = fq_xcalloc(len, sizeof(*n->vals));
		for (i = 0; i < len; i++) {
			struct fq_node *k = NULL, *v;

			if (kind == FQ_NODE_MAP &&
			    (!(k = sc_get_node(in, depth + 1)) ||
			    k->kind != FQ_NODE_SCALAR)) {
				fq_node_free(k);
				fq_node_free(n);
				return NULL;
			}
			if (!(v = sc_get_node(in, depth + 1))) {
				fq_node_free(k);
				fq_node_free(n);
				return NULL;
			}
			if (k)
				n->keys[i] = k;
			n->vals[i] = v;
			n->len = i + 1;
		}
	}
	n->line = line;
	n->column = column;
	n->quoted = quoted;
	return n;
}

/* $XDG_CACHE_HOME/fq/schema/HASH for dir, or false: no cache. */
static bool
sc_path(struct fq_buf *out, const char *dir)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	const char *off = getenv("FQ_SCHEMA_CACHE");

	if (off && !strcmp(off, "0"))
		return false;
	if (xdg && *xdg == '/')
		fq_buf_addf(out, "%s/fq/schema", xdg);
	else if (home && *home == '/')
		fq_buf_addf(out, "%s/.cache/fq/schema", home);
	else
		return false;
	fq_buf_addf(out, "/%016llx", (unsigned long long)fq_hash(FQ_HASH_INIT,
		dir, strlen(dir)));
	return true;
}

/* Read every file (false if one cannot be: the libyaml path says why). */
static bool
sc_read(struct sc_file *f, size_t n, unsigned char key[20])
{
	struct sha1_ctx c;
	unsigned char w[8];
	size_t i;

	sha1_init(&c);
	sha1_update(&c, sizeof(SC_MAGIC), (const uint8_t *)SC_MAGIC);
	sha1_update(&c, sizeof(FQ_VERSION), (const uint8_t *)FQ_VERSION);
	for (i = 0; i < n; i++) {
		if (fq_buf_read_file(&f[i].text, f[i].path,
		    FQ_NODE_MAX_FILE) < 0) {
			if (errno != ENOENT || i != 1)
				return false;
			f[i].missing = true;	/* repository.yaml */
		}
		sha1_update(&c, strlen(f[i].path) + 1,
			(const uint8_t *)f[i].path);
		fq_put_be32(w, f[i].missing ? 1 : 0);
		fq_put_be32(w + 4, (uint32_t)f[i].text.len);
		sha1_update(&c, 8, w);
		sha1_update(&c, f[i].text.len, (const uint8_t *)f[i].text.buf);
	}
	sha1_digest(&c, 20, key);
	return true;
}

/* The trees of the files from the cache, when it holds these files. */
static bool
sc_load(const char *cache, struct sc_file *f, size_t n,
	const unsigned char key[20])
{
	struct fq_buf b = FQ_BUF_INIT;
	struct sha1_ctx c;
	unsigned char sum[20];
	struct sc_in in;
	uint32_t count;
	size_t i, body;
	bool ok = false;

	if (fq_buf_read_file(&b, cache, 16 << 20) < 0 ||
	    b.len < sizeof(SC_MAGIC) - 1 + 20 + 4 + 20)
		goto out;
	body = b.len - 20;
	sha1_init(&c);
	sha1_update(&c, body, (const uint8_t *)b.buf);
	sha1_digest(&c, 20, sum);
	if (memcmp(sum, b.buf + body, 20) ||
	    memcmp(b.buf, SC_MAGIC, sizeof(SC_MAGIC) - 1) ||
	    memcmp(b.buf + sizeof(SC_MAGIC) - 1, key, 20))
		goto out;
	in.p = (const unsigned char *)b.buf + sizeof(SC_MAGIC) - 1 + 20;
	in.end = (const unsigned char *)b.buf + body;
	if (!sc_get32(&in, &count) || count != n)
		goto out;
	for (i = 0; i < n; i++) {
		uint32_t present;

		if (!sc_get32(&in, &present) || present > 1 ||
		    present == f[i].missing)
			goto out;
		if (present && !(f[i].doc = sc_get_node(&in, 0)))
			goto out;
	}
	ok = in.p == in.end;
out:
	if (!ok)
		for (i = 0; i < n; i++) {
			fq_node_free(f[i].doc);
			f[i].doc = NULL;
		}
	fq_buf_release(&b);
	return ok;
}

/* dir and its parents, made as needed (the user's own: 0700). */
static bool
sc_mkdirs(char *dir)
{
	char *p;

	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			*p = '/';
			return false;
		}
		*p = '/';
	}
	return mkdir(dir, 0700) == 0 || errno == EEXIST;
}

/* Write the cache: a file of its own renamed over the old one. */
static void
sc_save(const char *cache, const struct sc_file *f, size_t n,
	const unsigned char key[20])
{
	struct fq_buf b = FQ_BUF_INIT, tmp = FQ_BUF_INIT;
	struct sha1_ctx c;
	unsigned char sum[20];
	char *slash;
	size_t i;
	int fd;

	fq_buf_add(&b, SC_MAGIC, sizeof(SC_MAGIC) - 1);
	fq_buf_add(&b, key, 20);
	sc_u32(&b, (uint32_t)n);
	for (i = 0; i < n; i++) {
		sc_u32(&b, f[i].doc ? 1 : 0);
		if (f[i].doc)
			sc_put_node(&b, f[i].doc);
	}
	sha1_init(&c);
	sha1_update(&c, b.len, (const uint8_t *)b.buf);
	sha1_digest(&c, 20, sum);
	fq_buf_add(&b, sum, 20);

	fq_buf_adds(&tmp, cache);
	slash = strrchr(tmp.buf, '/');
	*slash = '\0';
	if (!sc_mkdirs(tmp.buf))
		goto out;
	*slash = '/';
	fq_buf_addf(&tmp, ".%ld", (long)getpid());
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	if (write(fd, b.buf, b.len) != (ssize_t)b.len) {
		close(fd);
		unlink(tmp.buf);
		goto out;
	}
	close(fd);
	if (rename(tmp.buf, cache) < 0)
		unlink(tmp.buf);
out:
	fq_buf_release(&b);
	fq_buf_release(&tmp);
}

/* The files of dir in the order they load: case, repository, enums. */
static void
sc_files(const char *dir, struct sc_file **out, size_t *n, int *enums_errno)
{
	struct sc_file *f = NULL;
	size_t nf = 0, af = 0, i;
	struct fq_buf path = FQ_BUF_INIT;
	char **names = NULL;
	size_t nnames = 0, anames = 0;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	*n = 0;
	*enums_errno = 0;
	fq_buf_addf(&path, "%s/enums", dir);
	if (!(d = opendir(path.buf)))
		*enums_errno = errno ? errno : ENOENT;
	while (d && (de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.' || l < 6 ||
		    strcmp(de->d_name + l - 5, ".yaml"))
			continue;
		FQ_ALLOC_GROW(names, nnames + 1, anames);
		names[nnames++] = fq_xstrdup(de->d_name);
	}
	if (d)
		closedir(d);
	if (nnames)
		qsort(names, nnames, sizeof(*names), cmpstr);
	FQ_ALLOC_GROW(f, nnames + 2, af);
	memset(f, 0, (nnames + 2) * sizeof(*f));
	fq_buf_reset(&path);
	fq_buf_addf(&path, "%s/case.yaml", dir);
	f[nf++].path = fq_buf_detach(&path, NULL);
	fq_buf_addf(&path, "%s/repository.yaml", dir);
	f[nf++].path = fq_buf_detach(&path, NULL);
	for (i = 0; i < nnames; i++) {
		fq_buf_addf(&path, "%s/enums/%s", dir, names[i]);
		f[nf++].path = fq_buf_detach(&path, NULL);
		free(names[i]);
	}
	for (i = 0; i < nf; i++)
		fq_buf_init(&f[i].text);
	free(names);
	fq_buf_release(&path);
	*out = f;
	*n = nf;
}

static void
sc_files_free(struct sc_file *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].path);
		fq_buf_release(&f[i].text);
		fq_node_free(f[i].doc);
	}
	free(f);
}

/*
 * The trees of the files from the cache: true, or false with *keyed
 * when the files were all read (f[].text) and key is theirs.
 */
static bool
sc_try(const char *dir, struct sc_file *f, size_t n, bool *keyed,
	unsigned char key[20])
{
	struct fq_buf cache = FQ_BUF_INIT;
	bool hit = false;

	*keyed = false;
	if (n <= SC_MAX_FILES && sc_path(&cache, dir) && sc_read(f, n, key)) {
		*keyed = true;
		hit = sc_load(cache.buf, f, n, key);
	}
	fq_buf_release(&cache);
	return hit;
}

/* File i's tree, parsed: from the text read for the key, or the file. */
static int
sc_parse(struct sc_file *f, size_t i, bool keyed, struct fq_error *err)
{
	int ret;

	if (keyed)
		return f[i].missing ? FQ_OK : fq_yaml_parse(&f[i].doc,
			f[i].text.buf, f[i].text.len, f[i].path, err);
	ret = fq_yaml_load(&f[i].doc, f[i].path, err);
	if (ret == FQ_ENOTFOUND && i == 1) {
		fq_error_clear(err);	/* repository.yaml is optional */
		ret = FQ_OK;
	}
	return ret;
}

int
fq_schema_load(fq_schema **out, const char *dir, struct fq_error *err)
{
	fq_schema *s = fq_xcalloc(1, sizeof(*s));
	struct pending *pend = NULL;
	size_t npend = 0, apend = 0, i, nf = 0;
	struct sc_file *f = NULL;
	unsigned char key[20];
	bool cached, keyed;
	int ret, enums_errno;

	*out = NULL;
	s->dir = fq_xstrdup(dir);
	sc_files(dir, &f, &nf, &enums_errno);
	keyed = false;
	cached = !enums_errno && sc_try(dir, f, nf, &keyed, key);
	/* parsed and compiled one by one: the errors come in file order */
	for (i = 0; i < nf; i++) {
		if (!cached && (ret = sc_parse(f, i, keyed, err)))
			goto out;
		if (!f[i].doc)
			continue;	/* no repository.yaml */
		keep_doc(s, f[i].doc);	/* the schema's, borrowed by f */
		f[i].kept = true;
		ret = i < 2 ? load_records(s, f[i].path, f[i].doc, &pend,
			&npend, &apend, err) : load_enum(s, f[i].path,
			f[i].doc, err);
		if (ret)
			goto out;
	}
	if (enums_errno) {
		struct fq_buf path = FQ_BUF_INIT;

		fq_buf_addf(&path, "%s/enums", dir);
		ret = fq_error_setpos(err, FQ_ENOTFOUND, path.buf, 0, 0,
			"cannot read the enumerations: %s",
			strerror(enums_errno));
		fq_buf_release(&path);
		goto out;
	}

	for (i = 0; i < npend; i++) {
		struct pending *p = &pend[i];

		if (p->recname) {
			p->f->rec = fq_schema_record(s, p->recname);
			if (!p->f->rec) {
				ret = fq_error_setpos(err, FQ_EINVALID, p->file,
					p->f->line, 0, "field '%s': unknown "
					"type '%s'", p->f->name, p->recname);
				goto out;
			}
		}
		if (p->enumname) {
			p->f->en = fq_schema_enum(s, p->enumname);
			if (!p->f->en) {
				ret = fq_error_setpos(err, FQ_EINVALID, p->file,
					p->f->line, 0, "field '%s': unknown "
					"enumeration '%s'", p->f->name,
					p->enumname);
				goto out;
			}
		}
	}
	if (!fq_schema_record(s, "case")) {
		ret = fq_error_set(err, FQ_EINVALID,
			"%s/case.yaml defines no 'case' record", dir);
		goto out;
	}
	if (!cached && keyed) {
		/* the trees of the very bytes the key was made of */
		struct fq_buf cache = FQ_BUF_INIT;

		if (sc_path(&cache, dir))
			sc_save(cache.buf, f, nf, key);
		fq_buf_release(&cache);
	}
	s->cached = cached;
	*out = s;
	s = NULL;
	ret = FQ_OK;
out:
	/* the kept trees are the schema's (s->docs) */
	for (i = 0; i < nf; i++)
		if (f[i].kept)
			f[i].doc = NULL;
	sc_files_free(f, nf);
	for (i = 0; i < npend; i++) {
		free(pend[i].recname);
		free(pend[i].enumname);
		free(pend[i].file);
	}
	free(pend);
	fq_schema_free(s);
	return ret;
}

bool
fq_schema_cached(const fq_schema *s)
{
	return s && s->cached;
}

void
fq_schema_free(fq_schema *s)
{
	size_t i, j, k;

	if (!s)
		return;
	for (i = 0; i < s->nrecs; i++) {
		for (j = 0; j < s->recs[i].n; j++) {
			free(s->recs[i].fields[j].name);
			free(s->recs[i].fields[j].label);
			free(s->recs[i].fields[j].pii);
		}
		free(s->recs[i].fields);
		free(s->recs[i].name);
	}
	free(s->recs);
	for (i = 0; i < s->nenums; i++) {
		struct fq_enum *e = &s->enums[i];

		for (j = 0; j < e->n; j++) {
			free(e->v[j].code);
			free(e->v[j].label);
			free(e->v[j].pinyin);
			for (k = 0; k < e->v[j].naliases; k++)
				free(e->v[j].aliases[k]);
			free(e->v[j].aliases);
		}
		free(e->v);
		free(e->name);
		free(e->label);
	}
	free(s->enums);
	for (i = 0; i < s->ndocs; i++)
		fq_node_free(s->docs[i]);
	free(s->docs);
	free(s->dir);
	free(s);
}

const char *
fq_schema_dir(const fq_schema *s)
{
	return s->dir;
}

const struct fq_record *
fq_schema_record(const fq_schema *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nrecs; i++)
		if (!strcmp(s->recs[i].name, name))
			return &s->recs[i];
	return NULL;
}

const struct fq_field *
fq_record_field(const struct fq_record *r, const char *name)
{
	size_t i;

	if (!r)
		return NULL;
	/* the first byte first: most names differ there */
	for (i = 0; i < r->n; i++)
		if (r->fields[i].name[0] == name[0] &&
		    !strcmp(r->fields[i].name, name))
			return &r->fields[i];
	return NULL;
}

/*
 * The fields of a mapping mostly come in the schema's order (the import
 * builds them so, fq writes them so): the search starts at *at, the
 * field after the last one found, and wraps round.  Names are unique in
 * a record (its fields are a YAML mapping's keys), so the field found is
 * fq_record_field's whatever *at says.
 */
const struct fq_field *
fq_record_field_next(const struct fq_record *r, const char *name, size_t *at)
{
	size_t i, k;

	if (!r || !r->n)
		return NULL;
	for (k = 0, i = *at < r->n ? *at : 0; k < r->n; k++) {
		const char *f = r->fields[i].name;

		/* two bytes first: many names share the first */
		if (f[0] == name[0] && (!f[0] || f[1] == name[1]) &&
		    !strcmp(f, name)) {
			*at = i + 1;
			return &r->fields[i];
		}
		if (++i == r->n)
			i = 0;
	}
	return NULL;
}

const struct fq_enum *
fq_schema_enum(const fq_schema *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nenums; i++)
		if (!strcmp(s->enums[i].name, name))
			return &s->enums[i];
	return NULL;
}

const struct fq_enum_value *
fq_enum_code(const struct fq_enum *e, const char *code)
{
	size_t i;

	if (!e || !code)
		return NULL;
	for (i = 0; i < e->n; i++)
		if (!strcmp(e->v[i].code, code))
			return &e->v[i];
	return NULL;
}

const struct fq_enum_value *
fq_enum_find(const struct fq_enum *e, const char *input)
{
	size_t i, j;
	const struct fq_enum_value *v;

	if (!e || !input || !*input)
		return NULL;
	if ((v = fq_enum_code(e, input)))
		return v;
	for (i = 0; i < e->n; i++)
		if (!strcmp(e->v[i].label, input) ||
		    !strcasecmp(e->v[i].code, input))
			return &e->v[i];
	for (i = 0; i < e->n; i++)
		for (j = 0; j < e->v[i].naliases; j++)
			if (!strcmp(e->v[i].aliases[j], input))
				return &e->v[i];
	for (i = 0; i < e->n; i++)
		if (e->v[i].pinyin && !strcasecmp(e->v[i].pinyin, input))
			return &e->v[i];
	return NULL;
}

const char *
fq_enum_label(const struct fq_enum *e, const char *code)
{
	const struct fq_enum_value *v = fq_enum_code(e, code);

	return v ? v->label : code;
}

const char *
fq_enum_extra(const struct fq_enum_value *v, const char *key)
{
	return v ? fq_map_str(v->def, key) : NULL;
}

const char *
fq_schema_label(const fq_schema *s, const char *enum_name, const char *code)
{
	return fq_enum_label(fq_schema_enum(s, enum_name), code);
}

/*
 * Scalar checks.
 */

static int
ndigits(const char *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* The value of n digits (ndigits said they are), as atoi reads them
 * before the '-' or ':' after them. */
static int
num(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int
days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

bool
fq_valid_date(const char *s)
{
	int y, m, d;

	if (strlen(s) != 10 || !ndigits(s, 4) || s[4] != '-' ||
	    !ndigits(s + 5, 2) || s[7] != '-' || !ndigits(s + 8, 2))
		return false;
	y = num(s, 4);
	m = num(s + 5, 2);
	d = num(s + 8, 2);
	return y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= days_in(y, m);
}

bool
fq_valid_datetime(const char *s)
{
	char date[11];
	const char *t;

	if (strlen(s) < 20)
		return false;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!fq_valid_date(date) || s[10] != 'T')
		return false;
	t = s + 11;
	if (!ndigits(t, 2) || t[2] != ':' || !ndigits(t + 3, 2) ||
	    t[5] != ':' || !ndigits(t + 6, 2))
		return false;
	if (num(t, 2) > 23 || num(t + 3, 2) > 59 || num(t + 6, 2) > 60)
		return false;
	t += 8;
	if (*t == '.') {
		t++;
		if (!isdigit((unsigned char)*t))
			return false;
		while (isdigit((unsigned char)*t))
			t++;
	}
	if (!strcmp(t, "Z"))
		return true;
	return (t[0] == '+' || t[0] == '-') && ndigits(t + 1, 2) &&
		t[3] == ':' && ndigits(t + 4, 2) && t[6] == '\0';
}

bool
fq_valid_int(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s || strlen(s) > 9)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

bool
fq_valid_money(const char *s)
{
	const char *dot;
	size_t i;

	if (!*s || strlen(s) > 15)
		return false;
	for (i = 0; s[i] && s[i] != '.'; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	if (!i)
		return false;
	dot = strchr(s, '.');
	if (!dot)
		return true;
	return (strlen(dot + 1) == 1 || strlen(dot + 1) == 2) &&
		ndigits(dot + 1, (int)strlen(dot + 1));
}

/*
 * Length of the well-formed UTF-8 character at p (1 to 4), or 0 if the
 * bytes there are not one: overlong forms, surrogates, code points above
 * U+10FFFF, stray continuation bytes and cut sequences are all refused.
 * Never reads past a NUL.
 */
static int
utf8_len(const unsigned char *p)
{
	unsigned lo, hi;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		return (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		lo = p[0] == 0xE0 ? 0xA0 : 0x80;
		hi = p[0] == 0xED ? 0x9F : 0xBF;
		return p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ?
			3 : 0;
	}
	if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		lo = p[0] == 0xF0 ? 0x90 : 0x80;
		hi = p[0] == 0xF4 ? 0x8F : 0xBF;
		return p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 &&
			(p[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

bool
fq_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n;

	for (; *p; p += n)
		if (!(n = utf8_len(p)))
			return false;
	return true;
}

int
fq_text_control(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f)
			return *p;
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return p[1];	/* C1: U+0080..U+009F */
	}
	return 0;
}

size_t
fq_utf8_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t count = 0;
	int n;

	for (; *p; p += n, count++)
		if (!(n = utf8_len(p)))
			n = 1;		/* an invalid byte counts one */
	return count;
}

/*
 * Validation.
 */

static const char *
type_word(enum fq_type t)
{
	switch (t) {
	case FQ_T_STRING: return FQ_L_("a line of text");
	case FQ_T_TEXT: return FQ_L_("text");
	case FQ_T_ID: return FQ_L_("a case ID (UNIT-YYYY-NNNNNN)");
	case FQ_T_DATE: return FQ_L_("a date (YYYY-MM-DD)");
	case FQ_T_DATETIME: return FQ_L_("a time (YYYY-MM-DDTHH:MM:SS+08:00)");
	case FQ_T_INT: return FQ_L_("a whole number");
	case FQ_T_MONEY: return FQ_L_("an amount in yuan (like 8000 or 8000.50)");
	case FQ_T_BOOL: return FQ_L_("true or false");
	case FQ_T_ENUM: return FQ_L_("a code");
	case FQ_T_LIST: return FQ_L_("a list");
	case FQ_T_RECORD: return FQ_L_("a mapping");
	}
	return FQ_L_("a value");
}

static size_t validate_record(const fq_schema *s, const struct fq_record *r,
	const struct fq_node *n, const char *file, const char *where,
	struct fq_diags *d);

/* What validate_value asks of a scalar, in one pass: fq_utf8_valid,
 * fq_text_control (the first such character, 0 if none: on valid UTF-8
 * a character at a time finds what its byte-wise walk finds), a newline,
 * and fq_utf8_chars. */
struct text_scan {
	bool valid, newline;
	int control;
	size_t chars;
};

static void
scan_text(const char *s, struct text_scan *ts)
{
	const unsigned char *p = (const unsigned char *)s;
	int n;

	memset(ts, 0, sizeof(*ts));
	for (; *p; p += n, ts->chars++) {
		if (*p < 0x80)
			n = 1;
		else if (*p >= 0xE1 && *p <= 0xEC && (p[1] & 0xC0) == 0x80 &&
		    (p[2] & 0xC0) == 0x80)
			n = 3;		/* always well formed */
		else if (!(n = utf8_len(p)))
			return;
		if (ts->control)
			continue;
		if (n == 1) {
			if (*p == '\n')
				ts->newline = true;
			else if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
				ts->control = *p;
		} else if (n == 2 && p[0] == 0xc2 && p[1] <= 0x9f) {
			ts->control = p[1];	/* C1: U+0080..U+009F */
		}
	}
	ts->valid = true;
}

/* w = where[i], cut to size - 1 bytes as snprintf would (an import
 * validates a case's parties and events by the hundred thousand). */
static void
item_where(char *w, size_t size, const char *where, size_t i)
{
	char num[24], *p = num + sizeof(num);
	size_t a = strlen(where), b, k;

	*--p = ']';
	do
		*--p = (char)('0' + i % 10);
	while ((i /= 10));
	*--p = '[';
	b = (size_t)(num + sizeof(num) - p);
	if (a > size - 1)
		a = size - 1;
	memcpy(w, where, a);
	k = a;
	if (b > size - 1 - k)
		b = size - 1 - k;
	memcpy(w + k, p, b);
	w[k + b] = '\0';
}

static size_t
validate_value(const fq_schema *s, const struct fq_field *f, enum fq_type t,
	const struct fq_node *v, const char *file, const char *where,
	struct fq_diags *d)
{
	struct text_scan ts;
	size_t bad = 0, i;

	if (t == FQ_T_RECORD) {
		return validate_record(s, f->rec, v, file, where, d);
	}
	if (t == FQ_T_LIST) {
		if (v->kind != FQ_NODE_SEQ) {
			fq_diags_add(d, file, v->line, v->column,
				"%s: expected a list", where);
			return 1;
		}
		for (i = 0; i < v->len; i++) {
			char w[256];

			item_where(w, sizeof(w), where, i + 1);
			bad += validate_value(s, f, f->item_type, v->vals[i],
				file, w, d);
		}
		return bad;
	}
	if (v->kind != FQ_NODE_SCALAR) {
		fq_diags_add(d, file, v->line, v->column, "%s: expected %s",
			where, type_word(t));
		return 1;
	}
	scan_text(v->str, &ts);
	if (!ts.valid) {
		fq_diags_add(d, file, v->line, v->column,
			"%s: not valid UTF-8", where);
		return 1;
	}
	if (ts.control) {
		/* an escape sequence would drive the clerk's terminal */
		fq_diags_add(d, file, v->line, v->column, "%s: control "
			"character U+%04X", where, ts.control);
		return 1;
	}
	switch (t) {
	case FQ_T_STRING:
		if (ts.newline) {
			fq_diags_add(d, file, v->line, v->column,
				"%s: must be one line", where);
			return 1;
		}
		/* fall through */
	case FQ_T_TEXT:
		if (f->max && ts.chars > (size_t)f->max) {
			fq_diags_add(d, file, v->line, v->column,
				"%s: longer than %d characters", where, f->max);
			return 1;
		}
		return 0;
	case FQ_T_ID:
		if (!fq_id_valid(v->str))
			goto badtype;
		return 0;
	case FQ_T_DATE:
		if (!fq_valid_date(v->str))
			goto badtype;
		return 0;
	case FQ_T_DATETIME:
		if (!fq_valid_datetime(v->str))
			goto badtype;
		return 0;
	case FQ_T_INT:
		if (!fq_valid_int(v->str))
			goto badtype;
		return 0;
	case FQ_T_MONEY:
		if (!fq_valid_money(v->str))
			goto badtype;
		return 0;
	case FQ_T_BOOL:
		if (strcmp(v->str, "true") && strcmp(v->str, "false"))
			goto badtype;
		return 0;
	case FQ_T_ENUM:
		if (!fq_enum_code(f->en, v->str)) {
			const struct fq_enum_value *hint = fq_enum_find(f->en,
				v->str);

			if (hint)
				fq_diags_add(d, file, v->line, v->column,
					"%s: unknown %s '%s' (write the code "
					"'%s')", where, f->en->name, v->str,
					hint->code);
			else
				fq_diags_add(d, file, v->line, v->column,
					"%s: unknown %s '%s'", where,
					f->en->name, v->str);
			return 1;
		}
		return 0;
	default:
		return 0;
	}
badtype:
	fq_diags_add(d, file, v->line, v->column, "%s: '%s' is not %s",
		where, v->str, type_word(t));
	return 1;
}

/* w = where.name (name alone when where is empty), cut to size - 1
 * bytes as snprintf would: a record's fields are validated by the
 * thousand in an import, and this is cheaper than formatting. */
static void
join_where(char *w, size_t size, const char *where, const char *name)
{
	size_t a = strlen(where), b = strlen(name), k = 0;

	if (a > size - 1)
		a = size - 1;
	memcpy(w, where, a);
	k = a;
	if (*where && k < size - 1)
		w[k++] = '.';
	if (b > size - 1 - k)
		b = size - 1 - k;
	memcpy(w + k, name, b);
	w[k + b] = '\0';
}

static size_t
validate_record(const fq_schema *s, const struct fq_record *r,
	const struct fq_node *n, const char *file, const char *where,
	struct fq_diags *d)
{
	const struct fq_node *seen_here[64], **seen = seen_here;
	size_t bad = 0, i, at = 0;
	char w[256];

	if (n->kind != FQ_NODE_MAP) {
		fq_diags_add(d, file, n->line, n->column,
			"%s: expected a mapping", where);
		return 1;
	}
	/* seen[j]: the value of the first key naming field j (fq_map_get's) */
	if (r->n > FQ_ARRAY_SIZE(seen_here))
		seen = fq_xcalloc(r->n, sizeof(*seen));
	else
		memset(seen_here, 0, sizeof(seen_here));
	for (i = 0; i < n->len; i++) {
		const struct fq_field *f = fq_record_field_next(r,
			n->keys[i]->str, &at);

		if (f && !seen[f - r->fields])
			seen[f - r->fields] = n->vals[i];
		if (!f) {
			fq_diags_add(d, file, n->keys[i]->line,
				n->keys[i]->column, "%s%sunknown field '%s'",
				where, *where ? ": " : "", n->keys[i]->str);
			bad++;
			continue;
		}
		if (n->vals[i]->kind == FQ_NODE_NULL)
			continue;
		join_where(w, sizeof(w), where, f->name);
		bad += validate_value(s, f, f->type, n->vals[i], file, w, d);
	}
	for (i = 0; i < r->n; i++) {
		const struct fq_field *f = &r->fields[i];
		const struct fq_node *v;

		if (!f->required)
			continue;
		v = seen[i];
		if (!v || v->kind == FQ_NODE_NULL ||
		    (v->kind == FQ_NODE_SCALAR && !v->str[0] &&
		     f->type != FQ_T_TEXT)) {
			fq_diags_add(d, file, n->line, n->column,
				"%s%smissing required field '%s'", where,
				*where ? ": " : "", f->name);
			bad++;
		}
	}
	if (seen != seen_here)
		free(seen);
	return bad;
}

size_t
fq_schema_validate(const fq_schema *s, const char *record,
	const struct fq_node *n, const char *file, struct fq_diags *diags)
{
	const struct fq_record *r = fq_schema_record(s, record);

	if (!r) {
		fq_diags_add(diags, file, 0, 0, "no record '%s' in the schema",
			record);
		return 1;
	}
	return validate_record(s, r, n, file, "", diags);
}

/*
 * Canonical form.
 */

static void canon_record(const struct fq_record *r, struct fq_node *n);

static bool
is_textual(enum fq_type t)
{
	return t == FQ_T_STRING || t == FQ_T_TEXT || t == FQ_T_ID ||
		t == FQ_T_ENUM;
}

static void
canon_value(const struct fq_field *f, enum fq_type t, struct fq_node *v)
{
	size_t i;

	if (t == FQ_T_RECORD) {
		canon_record(f->rec, v);
	} else if (t == FQ_T_LIST && v->kind == FQ_NODE_SEQ) {
		for (i = 0; i < v->len; i++)
			canon_value(f, f->item_type, v->vals[i]);
	} else if (v->kind == FQ_NODE_SCALAR) {
		v->quoted = is_textual(t);
	}
}

static void
canon_record(const struct fq_record *r, struct fq_node *n)
{
	struct fq_node *keys_here[64], *vals_here[64];
	struct fq_node **keys = keys_here, **vals = vals_here;
	bool used_here[64], *used = used_here;
	long pos_here[64], *pos = pos_here;
	size_t i, k = 0, j, at = 0;

	if (!r || n->kind != FQ_NODE_MAP)
		return;
	/* Drop empty optional values. */
	for (i = 0; i < n->len;) {
		const struct fq_field *f = fq_record_field_next(r,
			n->keys[i]->str, &at);
		struct fq_node *v = n->vals[i];

		if (v->kind == FQ_NODE_NULL ||
		    (f && !f->required && fq_node_is_empty(v))) {
			fq_map_del(n, n->keys[i]->str);
			continue;
		}
		i++;
	}
	if (n->len > FQ_ARRAY_SIZE(keys_here)) {
		keys = fq_xcalloc(n->len, sizeof(*keys));
		vals = fq_xcalloc(n->len, sizeof(*vals));
		used = fq_xcalloc(n->len, sizeof(*used));
	} else {
		memset(used_here, 0, sizeof(used_here));
	}
	if (r->n > FQ_ARRAY_SIZE(pos_here))
		pos = fq_xcalloc(r->n, sizeof(*pos));
	/* pos[j]: the first key naming field j (fq_map_index's), or -1 */
	for (j = 0; j < r->n; j++)
		pos[j] = -1;
	for (i = 0, at = 0; i < n->len; i++) {
		const struct fq_field *f = fq_record_field_next(r,
			n->keys[i]->str, &at);

		if (f && pos[f - r->fields] < 0)
			pos[f - r->fields] = (long)i;
	}
	for (j = 0; j < r->n; j++) {
		long p = pos[j];

		if (p < 0)
			continue;
		keys[k] = n->keys[p];
		vals[k] = n->vals[p];
		used[p] = true;
		canon_value(&r->fields[j], r->fields[j].type, vals[k]);
		k++;
	}
	for (i = 0; i < n->len; i++)
		if (!used[i]) {
			keys[k] = n->keys[i];
			vals[k] = n->vals[i];
			k++;
		}
	for (i = 0; i < n->len; i++)
		keys[i]->quoted = true;
	memcpy(n->keys, keys, n->len * sizeof(*keys));
	memcpy(n->vals, vals, n->len * sizeof(*vals));
	if (keys != keys_here) {
		free(keys);
		free(vals);
		free(used);
	}
	if (pos != pos_here)
		free(pos);
}

void
fq_schema_canonicalize(const fq_schema *s, const char *record,
	struct fq_node *n)
{
	canon_record(fq_schema_record(s, record), n);
}
