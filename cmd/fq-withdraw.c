/*
 * fq-withdraw: the applicant withdraws (T7: accepted or mediating ->
 * closed, outcome withdrawn), or with --settled the parties settled
 * between themselves (T7a: outcome settled_self, 当事人自行和解).
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-withdraw [-C DIR] [--on DATE] [--settled] [--party NAME] "
	"[--reason TEXT] ID",
	NULL
};

int
main(int argc, char **argv)
{
	static const struct fq_close_step step = {
		"fq-withdraw", "withdraw", "withdrawn", "申请人撤回", false,
		"settled", "settled_self", "当事人自行和解"
	};

	return fq_cli_close_main(argc, argv, usage, &step);
}
