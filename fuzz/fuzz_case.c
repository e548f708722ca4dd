/*
 * fuzz_case.c: the case loader.  Bytes are parsed as a case file and
 * validated against the schema; a case that passes is rendered back,
 * masked, anonymised and written as JSON, and the rendering must parse
 * again to the same tree (canonical form is a fixed point).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fq/case.h"
#include "fq/purge.h"
#include "fq/text.h"
#include "fuzz.h"

static fq_schema *schema;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_diags d = FQ_DIAGS_INIT;
	struct fq_node *c = NULL, *again = NULL, *dup;
	struct fq_buf out = FQ_BUF_INIT, out2 = FQ_BUF_INIT, json = FQ_BUF_INIT;

	if (!schema && fq_schema_load(&schema, fuzz_schema_dir(), &err) < 0) {
		fprintf(stderr, "fuzz_case: %s\n", err.msg);
		abort();
	}
	if (fq_case_parse(&c, schema, (const char *)data, size, "fuzz.yaml",
	    &d, &err) == 0) {
		dup = fq_node_dup(c);
		if (fq_case_render(&out, schema, dup, &err) == 0) {
			if (fq_case_parse(&again, schema, out.buf, out.len,
			    "again.yaml", NULL, &err) != 0) {
				fprintf(stderr, "rendered case does not parse "
					"back: %s\n%s", err.msg, out.buf);
				abort();
			}
			if (fq_case_render(&out2, schema, again, &err) != 0 ||
			    out.len != out2.len || memcmp(out.buf, out2.buf,
			    out.len)) {
				fprintf(stderr, "rendering is not stable\n");
				abort();
			}
		}
		fq_node_free(dup);
		dup = fq_node_dup(c);
		fq_mask_tree(schema, "case", dup);
		fq_json_node(&json, schema, "case", dup, 2);
		fq_node_free(dup);
		fq_case_anonymise(c, schema);
		fq_buf_reset(&out);
		(void)fq_case_render(&out, schema, c, &err);
	} else if (c) {
		/* FQ_EINVALID leaves the tree for the caller to show */
		fq_buf_reset(&json);
		fq_json_node(&json, schema, "case", c, -1);
	}
	fq_node_free(c);
	fq_node_free(again);
	fq_diags_release(&d);
	fq_buf_release(&out);
	fq_buf_release(&out2);
	fq_buf_release(&json);
	return 0;
}
