#!/bin/sh
# demo.sh BINDIR DIR: build a demo case repository in DIR from the
# commands a clerk would type, then show what the clerk sees.
set -eu
bin=${1:?usage: demo.sh BINDIR DIR}
dir=${2:?usage: demo.sh BINDIR DIR}
PATH="$bin:$PATH"
export PATH
export FQ_USER="${FQ_USER:-李调解}" FQ_EMAIL="${FQ_EMAIL:-li@example.org}"
export FQ_TODAY="${FQ_TODAY:-2024-04-20}"
export GIT_CONFIG_NOSYSTEM=1

rm -rf "$dir"
fq init "$dir" --unit QSZ --name 青山镇人民调解委员会 --town 青山镇 --level township
export FQ_DIR="$dir"

a=$(fq new --title 王某甲与王某乙宅基地滴水檐纠纷 --category 宅基地 \
	--summary '两家因滴水檐及排水沟界址发生争执，多次口角' \
	--party 王某甲:申请人:13800000001 --party 王某乙:被申请人:13800000003 \
	--village 前王村 --grid 前王村第2网格 --accepted 2024-03-05 --mediator 李调解)
FQ_TODAY=2024-03-08 fq note --kind session "$a" 第一次调解，双方同意重新测量界址 >/dev/null
FQ_TODAY=2024-03-15 fq note --kind visit_site "$a" 现场查看排水沟走向 >/dev/null

b=$(fq new --title 张某赡养费分担纠纷 --category marriage_family \
	--summary '三兄弟对赡养老人费用分担有分歧' --source police_transfer \
	--party 张某:applicant --party 张某某:respondent --party 张某某某 \
	--village 后张村 --accepted 2024-03-07)
FQ_TODAY=2024-03-08 fq note "$b" 电话联系三方，约定到调委会面谈 >/dev/null

fq new --title 后张村8户与某公司补偿款分配纠纷 --category 征地拆迁 \
	--summary '征地补偿款分配不均，8户约20人多次到镇政府反映' \
	--party '后张村民8户:申请人' --party '某置业有限公司:被申请人' \
	--village 后张村 --accepted 2024-03-10 --risk red \
	--plan '县镇联动，一案一策：镇综治中心牵头，自然资源所核实面积' \
	--lead 张副镇长 >/dev/null

fq new --reported --title 小李庄承包地边界不清 --category 土地承包 \
	--summary '赵某等5户承包地边界不清，网格员排查发现' --source grid_report \
	--village 小李庄 --reported-on 2024-04-18 >/dev/null

fq new --title 孙某彩礼返还纠纷 --category 彩礼 --summary '订婚后解除婚约，彩礼返还数额有争议' \
	--party 孙某:申请人:13800000004 --party 钱某 --accepted 2024-03-18 \
	--risk yellow --plan '村调委会与司法所联合调解' --lead 李副镇长 >/dev/null

# The first case reaches an agreement, is visited and struck off.
fq agree "$a" --form written --number '（2024）青人调协字第1号' --amount 3000 \
	--effective 2024-03-28 --perform by:2024-04-10 \
	--terms '王某乙于4月10日前改建排水沟，赔偿王某甲损失叁仟元' >/dev/null
fq visit "$a" --method phone --satisfaction 满意 --on 2024-04-12 --performance performed >/dev/null
fq close "$a" --performed 2024-04-10 --on 2024-04-12 >/dev/null

# The second goes to the police station (警调) and comes back.
fq mediate "$b" --mediator 陈调解 --on 2024-03-09 >/dev/null
fq refer "$b" --to 青山派出所 --kind transfer --channel 警调 --on 2024-03-12 >/dev/null
fq receive "$b" --referral 1 --on 2024-03-13 >/dev/null

# A case the court delegates to us (诉调, 委派): 30 days from 签收.
fq receive --from 青山人民法庭 --kind delegate --channel 诉调 --doc '（2024）青法委调字第3号' \
	--title 刘某与某商店买卖合同纠纷 --category 合同 --summary '购买农机质量问题，要求退货' \
	--party 刘某:申请人:13800000006 --party 某农机商店:被申请人 --on 2024-04-15 >/dev/null

echo
echo "== fq list (all cases) =="
fq list
echo
echo "== fq list overdue =="
fq list overdue
echo
echo "== fq show $a =="
fq show "$a"
echo
echo "== fq due (督办) =="
fq due --within 7
echo
echo "== fq log $a =="
fq log "$a"
echo
echo "== fq check =="
fq check
echo
echo "== fq report --month 2024-03 (the 台账 report for the county) =="
fq report --month 2024-03
echo
echo "Demo repository: $dir  (try: fq -C $dir list category:宅基地, or"
echo "  fq -C $dir report --month 2024-04 --format html -o report.html)"
