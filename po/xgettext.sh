#!/bin/sh
# xgettext.sh SRCDIR OUT.pot: extract every message of cmd/*.c and lib/*.c.
# The keywords are the message functions, which translate their format
# themselves (po/README); --flag keeps the c-format mark on them.  Sorted
# by msgid and without source lines, so that the catalogs change only when
# a message does (and branches merge).
set -eu
src=$1 out=$2
cd "$src"
xgettext --from-code=UTF-8 --language=C --add-comments=TRANSLATORS: \
	--package-name=fq --msgid-bugs-address=fq@localhost \
	--sort-output --no-location --no-wrap \
	--keyword=_ --keyword=N_ --keyword=FQ_L_ --keyword=FQ_N_ \
	--keyword=fq_error_set:3 --flag=fq_error_set:3:c-format \
	--keyword=fq_error_setpos:6 --flag=fq_error_setpos:6:c-format \
	--keyword=fq_diags_add:5 --flag=fq_diags_add:5:c-format \
	--keyword=fq_cli_fail:3 --flag=fq_cli_fail:3:c-format \
	--keyword=fq_cli_warn:2 --flag=fq_cli_warn:2:c-format \
	--keyword=fq_cli_usage_error:2 --flag=fq_cli_usage_error:2:c-format \
	--keyword=fq_cli_prompt:1 \
	--keyword=git_fail:2 --flag=git_fail:2:c-format \
	--keyword=fq_git_fail:2 --flag=fq_git_fail:2:c-format \
	--keyword=problem:3 --flag=problem:3:c-format \
	--keyword=warn:3 --flag=warn:3:c-format \
	--keyword=parse_fail:4 \
	--flag=fq_buf_addf:2:c-format \
	-o "$out" $(ls cmd/*.c lib/*.c | LC_ALL=C sort)
