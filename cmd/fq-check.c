/*
 * fq-check: validate every case file and the repository itself.
 *
 * Checks: fq.yaml against the schema; every case file in HEAD and in the
 * working tree parses, matches the schema, sits at cases/YYYY/MM/ID.yaml
 * with its own ID and the ID's year, and no two files claim one ID; no
 * symbolic links under cases/; the working tree equals HEAD (a command
 * killed between writing a file and committing it leaves a stray
 * change).  --repair puts back the files of a command that was killed
 * before its commit (the journal .git/fq/pending names them), removes
 * the temporary files it left, commits other stray changes (hand edits)
 * that are valid, and removes lock files that a killed git operation
 * left behind.  --verify also checks the signature of every commit (of
 * those after --since REV): each unsigned, badly signed or unknown-signer
 * commit is a problem (lib/sign.c checks them as git verify-commit does).
 */
#define _XOPEN_SOURCE 700	/* nftw */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fq/sign.h"

static const char *const usage[] = {
	"fq-check [-C DIR] [--repair] [--quiet] [--verify [--since REV]]",
	NULL
};

enum {
	OPT_REPAIR = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_QUIET, OPT_VERIFY,
	OPT_SINCE
};

struct seen {
	char *id;
	char *path;
};

struct ctx {
	struct fq_cli *cli;
	struct fq_diags d;
	struct seen *ids;
	size_t nids, aids;
	size_t files;
};

static int
cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : strcmp(x->path, y->path);
}

/* Check one case file of the working tree at relpath. */
static void
check_file(struct ctx *x, const char *relpath)
{
	struct fq_buf abs = FQ_BUF_INIT, data = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c = NULL;
	struct stat st;
	const char *base, *id;
	char want[FQ_ID_MAX + 8];

	x->files++;
	fq_buf_addf(&abs, "%s/%s", fq_store_root(x->cli->store), relpath);
	if (lstat(abs.buf, &st) < 0) {
		fq_diags_add(&x->d, relpath, 0, 0, "in HEAD but missing from "
			"the working tree");
		goto out;
	}
	if (S_ISLNK(st.st_mode))
		goto out;	/* reported by find_links() */
	if (fq_buf_read_file(&data, abs.buf, FQ_NODE_MAX_FILE) < 0) {
		fq_diags_add(&x->d, relpath, 0, 0, "cannot read: %s",
			errno == EFBIG ? _("file too large") : strerror(errno));
		goto out;
	}
	fq_case_parse(&c, x->cli->schema, data.buf, data.len, relpath, &x->d,
		&err);
	if (!c || c->kind != FQ_NODE_MAP)
		goto out;
	base = strrchr(relpath, '/');
	base = base ? base + 1 : relpath;
	id = fq_map_str(c, "id");
	if (id && fq_id_valid(id)) {
		snprintf(want, sizeof(want), "%s.yaml", id);
		if (strcmp(base, want))
			fq_diags_add(&x->d, relpath, fq_map_get(c, "id")->line,
				fq_map_get(c, "id")->column, "id '%s' does not "
				"match the file name", id);
		else if (strncmp(relpath + 6, id + strlen(id) - 11, 4))
			fq_diags_add(&x->d, relpath, 0, 0, "file is under the "
				"wrong year for %s", id);
		if (x->nids == x->aids) {
			x->aids = x->aids ? x->aids * 2 : 64;
			x->ids = realloc(x->ids, x->aids * sizeof(*x->ids));
			if (!x->ids)
				abort();
		}
		x->ids[x->nids].id = strdup(id);
		x->ids[x->nids].path = strdup(relpath);
		x->nids++;
	}
	{
		/* cases/YYYY/MM/NAME.yaml */
		const char *p = relpath;

		if (strlen(p) < 20 || strncmp(p, "cases/", 6) ||
		    p[10] != '/' || p[13] != '/' || p[11] < '0' ||
		    p[11] > '1' || p[12] < '0' || p[12] > '9')
			fq_diags_add(&x->d, relpath, 0, 0, "case files belong "
				"at cases/YYYY/MM/ID.yaml");
	}
out:
	fq_node_free(c);
	fq_buf_release(&abs);
	fq_buf_release(&data);
}

/* Every symbolic link under cases/ in the working tree, committed or not
 * (fq_store_foreach() walks only regular files). */
static struct ctx *links_ctx;

static int
find_links(const char *fpath, const struct stat *st, int type,
	struct FTW *ftw)
{
	const char *root = fq_store_root(links_ctx->cli->store);

	(void)st;
	(void)ftw;
	if (type == FTW_SL)
		fq_diags_add(&links_ctx->d, fpath + strlen(root) + 1, 0, 0,
			"is a symbolic link; case files must be regular files");
	return 0;
}

static bool
has_diag(const struct fq_diags *d, const char *path)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].file, path))
			return true;
	return false;
}

static bool
in_list(const char *list, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++, list += strlen(list) + 1)
		if (!strcmp(list, path))
			return true;
	return false;
}

/* NAME.yaml.tmpXXXXXX: a temporary file of lib/store.c */
static bool
is_temp_file(const char *path)
{
	const char *b = strrchr(path, '/'), *t;

	b = b ? b + 1 : path;
	t = strstr(b, ".yaml.tmp");
	return t && t > b && strlen(t) == strlen(".yaml.tmp") + 6;
}

/* One commit whose signature is not good: id, author, date, why. */
static int
each_commit(const struct fq_sign_commit *c, void *data)
{
	size_t *bad = data;
	const struct fq_sign_result *r = c->result;
	time_t t = (time_t)(c->when + (long long)c->offset * 60);
	struct tm tm;
	char stamp[32];

	if (fq_sign_status_ok(r->status))
		return 0;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M", &tm);
	printf("commit %s: %s%s%s%s, by %s <%s> on %s %c%02d%02d: %s\n",
		c->id, fq_sign_status_name(r->status),
		r->detail.len ? " (" : "", r->detail.buf,
		r->detail.len ? ")" : "", c->author, c->email, stamp,
		c->offset < 0 ? '-' : '+', abs(c->offset) / 60,
		abs(c->offset) % 60, c->summary);
	(*bad)++;
	return 0;
}

static int
each(const char *relpath, const char *oid, void *data)
{
	(void)oid;
	check_file(data, relpath);
	return 0;
}

static const char *const git_locks[] = {
	"index.lock", "HEAD.lock", "refs/heads/main.lock",
	"refs/heads/master.lock", "config.lock", "packed-refs.lock", NULL
};

static size_t
stale_git_locks(struct fq_cli *cli, bool repair)
{
	struct fq_buf p = FQ_BUF_INIT;
	size_t n = 0, i;

	for (i = 0; git_locks[i]; i++) {
		fq_buf_reset(&p);
		fq_buf_addf(&p, "%s/.git/%s", fq_store_root(cli->store),
			git_locks[i]);
		if (access(p.buf, F_OK) < 0)
			continue;
		if (repair && unlink(p.buf) == 0) {
			fprintf(stderr, _("%s: removed stale lock .git/%s\n"),
				cli->prog, git_locks[i]);
			continue;
		}
		printf(_(".git/%s: stale lock left by an interrupted write "
			"(fq check --repair removes it)\n"), git_locks[i]);
		n++;
	}
	fq_buf_release(&p);
	return n;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "repair", no_argument, NULL, OPT_REPAIR },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct ctx x = { 0 };
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf stray = FQ_BUF_INIT, pend = FQ_BUF_INIT;
	size_t npend = 0;
	bool repair = false, quiet = false, verify = false;
	const char *since = NULL;
	size_t nstray = 0, problems = 0, ncommits = 0, i;
	int ch, ret = 0;

	fq_cli_init(&cli, "fq-check", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:hq", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_REPAIR: repair = true; break;
		case OPT_SINCE: since = optarg; break;
		case OPT_VERIFY: verify = true; break;
		case 'q':
		case OPT_QUIET: quiet = true; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (optind < argc)
		fq_cli_usage_error(&cli, "unexpected argument '%s'",
			argv[optind]);
	if (since && !verify)
		fq_cli_usage_error(&cli, "--since goes with --verify");
	if ((ret = fq_cli_open(&cli)))
		goto out;
	x.cli = &cli;
	if (repair && (ret = fq_cli_lock(&cli)))
		goto out;

	fq_schema_validate(cli.schema, "config", fq_store_config(cli.store),
		"fq.yaml", &x.d);
	if (fq_store_foreach(cli.store, each, &x, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	{
		struct fq_buf dir = FQ_BUF_INIT;

		fq_buf_addf(&dir, "%s/cases", fq_store_root(cli.store));
		links_ctx = &x;
		nftw(dir.buf, find_links, 16, FTW_PHYS);
		fq_buf_release(&dir);
	}
	/* git's own locks first: a repair commit needs them gone */
	if (repair)
		problems += stale_git_locks(&cli, true);
	{
		if (repair) {
			if (fq_store_recover(cli.store, &npend, &err)) {
				ret = fq_cli_error(&cli, &err);
				goto out;
			}
			if (npend)
				fprintf(stderr, _("%s: put back %zu file%s of an "
					"interrupted command\n"), cli.prog,
					npend, npend == 1 ? "" : "s");
		} else if (fq_store_pending(cli.store, &pend, &npend,
		    &err) == 0 && npend) {
			printf(_(".git/fq/pending: a command was interrupted "
				"before its commit ('fq check --repair' puts "
				"back its %zu file%s)\n"), npend,
				npend == 1 ? "" : "s");
			problems++;
		}
	}
	if (fq_store_stray(cli.store, &stray, &nstray, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}

	/* Stray files: check the ones not in HEAD too, then repair. */
	{
		const char *p = stray.buf;
		struct fq_change *ch_list = calloc(nstray + 1, sizeof(*ch_list));
		struct fq_buf *bufs = calloc(nstray + 1, sizeof(*bufs));
		size_t nch = 0, before = x.d.n;
		bool bad_stray = false;

		for (i = 0; i < nstray; i++, p += strlen(p) + 1) {
			struct fq_buf abs = FQ_BUF_INIT;
			struct stat st;
			bool exists;

			fq_buf_init(&bufs[i]);
			fq_buf_addf(&abs, "%s/%s", fq_store_root(cli.store), p);
			exists = lstat(abs.buf, &st) == 0;
			if (exists && is_temp_file(p) && S_ISREG(st.st_mode)) {
				if (repair && unlink(abs.buf) == 0) {
					fprintf(stderr, _("%s: removed temporary "
						"file %s\n"), cli.prog, p);
				} else {
					printf(_("%s: temporary file left by an "
						"interrupted command ('fq check "
						"--repair' removes it)\n"), p);
					problems++;
				}
				fq_buf_release(&abs);
				continue;
			}
			if (exists && strncmp(p, "cases/", 6) == 0 &&
			    strlen(p) > 5 && !strcmp(p + strlen(p) - 5,
			    ".yaml")) {
				size_t had = x.d.n;
				struct fq_error e2 = FQ_ERROR_INIT;

				(void)e2;
				/* HEAD files were checked above; new ones now */
				if (fq_store_read_head(cli.store, p, &bufs[i],
				    &e2) != 0)
					check_file(&x, p);
				fq_buf_reset(&bufs[i]);
				if (x.d.n > had)
					bad_stray = true;
			}
			/* a changed file of HEAD was checked by each() */
			if (exists && has_diag(&x.d, p))
				bad_stray = true;
			if (!repair && in_list(pend.buf, npend, p)) {
				printf(_("%s: written by the interrupted command "
					"('fq check --repair' puts it back)\n"),
					p);
				problems++;
			} else if (!repair) {
				printf(_("%s: uncommitted change (a command was "
					"interrupted? 'fq check --repair' "
					"commits it)\n"), p);
				problems++;
			} else if (exists && S_ISREG(st.st_mode)) {
				if (fq_buf_read_file(&bufs[i], abs.buf,
				    FQ_NODE_MAX_FILE) == 0) {
					ch_list[nch].path = p;
					ch_list[nch].data = bufs[i].buf;
					ch_list[nch].len = bufs[i].len;
					nch++;
				}
			} else if (!exists) {
				ch_list[nch].path = p;
				ch_list[nch].data = NULL;
				nch++;
			}
			fq_buf_release(&abs);
		}
		(void)before;
		if (repair && nch && bad_stray) {
			printf(_("not repaired: fix the problems below first "
				"(fq edit), then run fq check --repair\n"));
			problems += nch;
		} else if (repair && nch) {
			struct fq_buf msg = FQ_BUF_INIT;
			bool committed = false;

			fq_buf_addf(&msg, "fq-check: repair %zu file%s", nch,
				nch == 1 ? "" : "s");
			if (fq_store_commit(cli.store, ch_list, nch, msg.buf,
			    &committed, &err)) {
				ret = fq_cli_error(&cli, &err);
			} else if (committed) {
				fprintf(stderr, _("%s: committed %zu stray "
					"change%s\n"), cli.prog, nch,
					nch == 1 ? "" : "s");
			} else {
				/* the files were as HEAD has them: only git's
				 * index was behind (a write killed after its
				 * commit, or a stale index.lock) */
				fprintf(stderr, _("%s: git's index brought up to "
					"date for %zu file%s\n"), cli.prog, nch,
					nch == 1 ? "" : "s");
			}
			fq_buf_release(&msg);
		}
		for (i = 0; i < nstray; i++)
			fq_buf_release(&bufs[i]);
		free(bufs);
		free(ch_list);
		if (ret)
			goto out;
	}

	if (!repair)
		problems += stale_git_locks(&cli, false);
	if (verify && fq_sign_verify_all(cli.store, since, each_commit,
	    &problems, &ncommits, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}

	/* Duplicate IDs. */
	if (x.nids > 1) {
		qsort(x.ids, x.nids, sizeof(*x.ids), cmp_seen);
		for (i = 1; i < x.nids; i++)
			if (!strcmp(x.ids[i].id, x.ids[i - 1].id) &&
			    strcmp(x.ids[i].path, x.ids[i - 1].path))
				fq_diags_add(&x.d, x.ids[i].path, 0, 0,
					"duplicate ID %s (also in %s)",
					x.ids[i].id, x.ids[i - 1].path);
	}
	for (i = 0; i < x.d.n; i++) {
		if (x.d.v[i].line)
			printf("%s:%u:%u: %s\n", x.d.v[i].file, x.d.v[i].line,
				x.d.v[i].column, x.d.v[i].msg);
		else
			printf("%s: %s\n", x.d.v[i].file, x.d.v[i].msg);
	}
	problems += x.d.n;
	if (!quiet && verify)
		fprintf(stderr, _("%s: %zu case file%s checked, %zu commit%s "
			"verified, %zu problem%s\n"), cli.prog, x.files,
			x.files == 1 ? "" : "s", ncommits,
			ncommits == 1 ? "" : "s", problems,
			problems == 1 ? "" : "s");
	else if (!quiet)
		fprintf(stderr, _("%s: %zu case file%s checked, %zu problem%s\n"),
			cli.prog, x.files, x.files == 1 ? "" : "s", problems,
			problems == 1 ? "" : "s");
	if (problems)
		ret = FQ_EXIT_FAIL;
out:
	for (i = 0; i < x.nids; i++) {
		free(x.ids[i].id);
		free(x.ids[i].path);
	}
	free(x.ids);
	fq_diags_release(&x.d);
	fq_buf_release(&stray);
	fq_buf_release(&pend);
	return fq_cli_finish(&cli, ret);
}
