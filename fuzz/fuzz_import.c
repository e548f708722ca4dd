/*
 * fuzz_import.c: the CSV importer as fq import runs it (lib/import.c):
 * encoding detection and conversion, CSV syntax (libcsv), the header row,
 * ditto marks, continuation rows, and every record built into a case and
 * validated.  fq_import_file reads a path, so each input is written to a
 * file of its own first.  The first byte picks the options: bit 0 an
 * --encoding of gb18030 instead of auto, bit 1 a --year, bit 2 the
 * reader on a thread of its own (FQ_IMPORT_THREADS; else one thread).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fq/import.h"
#include "fq/text.h"
#include "fuzz.h"

static fq_schema *schema;
static char path[64];

/* Every record: its case, if any, rendered to JSON and freed. */
static int
record(struct fq_import_record *rec, void *data)
{
	struct fq_buf *json = data;

	if (rec->c) {
		fq_buf_reset(json);
		fq_json_node(json, schema, "case", rec->c, -1);
	}
	return 0;
}

static void
remove_input(void)
{
	unlink(path);
}

static void
write_input(const uint8_t *data, size_t size)
{
	FILE *f;

	if (!path[0]) {
		int fd;

		snprintf(path, sizeof(path), "/tmp/fuzz_import.XXXXXX");
		if ((fd = mkstemp(path)) < 0)
			abort();
		close(fd);
		atexit(remove_input);
	}
	if (!(f = fopen(path, "wb")) ||
	    (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		abort();
}

/* The importer for the options of flags (made once: it reads the header
 * and result tables of the schema directory). */
static fq_importer *
importer(unsigned flags)
{
	static struct fq_import_opts o[4];
	static fq_importer *im[4];
	struct fq_error err = FQ_ERROR_INIT;

	flags &= 3;
	if (im[flags])
		return im[flags];
	o[flags].schema = schema;
	o[flags].encoding = flags & 1 ? "gb18030" : "auto";
	o[flags].year = flags & 2 ? 2023 : 0;
	o[flags].today = "2024-04-20";
	o[flags].now = "2024-04-20T10:00:00+08:00";
	o[flags].actor = "fuzz";
	if (fq_importer_new(&im[flags], &o[flags], &err) < 0) {
		fprintf(stderr, "fuzz_import: %s\n", err.msg);
		abort();
	}
	return im[flags];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_import_info info;
	struct fq_buf json = FQ_BUF_INIT, cats = FQ_BUF_INIT;
	unsigned flags = size ? data[0] : 0;
	fq_importer *im;

	if (!schema && fq_schema_load(&schema, fuzz_schema_dir(), &err) < 0) {
		fprintf(stderr, "fuzz_import: %s\n", err.msg);
		abort();
	}
	if (size)
		data++, size--;
	write_input(data, size);
	/* bit 2: the reader on a thread of its own (as fq import runs);
	 * else one thread, which is faster and the same bytes */
	setenv("FQ_IMPORT_THREADS", flags & 4 ? "2" : "1", 1);
	im = importer(flags);
	(void)fq_import_file(im, path, record, &json, &info, &err);
	fq_importer_categories(im, &cats);
	fq_import_info_release(&info);
	fq_buf_release(&json);
	fq_buf_release(&cats);
	return 0;
}
