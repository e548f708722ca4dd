/*
 * fq-withdraw: the applicant withdraws (T7: accepted or mediating ->
 * closed, outcome withdrawn).
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-withdraw [-C DIR] [--on DATE] [--party NAME] [--reason TEXT] ID",
	NULL
};

int
main(int argc, char **argv)
{
	static const struct fq_close_step step = {
		"fq-withdraw", "withdraw", "withdrawn", "申请人撤回", false
	};

	return fq_cli_close_main(argc, argv, usage, &step);
}
